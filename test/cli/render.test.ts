import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { helix } from '../fixtures/cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'helix-render-'));

describe('helix render (built binary)', () => {
  it('draws a plan, and refuses one whose ranges no placement can have (exit 2), as diff does', () => {
    const plan = JSON.parse(helix(['plan', 'clusters/tiny.yaml', '-m', 'petals', '--json']).stdout);
    const good = helix(['render', '-'], { input: JSON.stringify(plan) });
    expect(good.code, good.stderr).toBe(0);
    expect(good.stdout).toMatch(/^<svg/);
    const cases: [string, (p: any) => void, RegExp][] = [
      ['huge', (p) => (p.nodes[1].end = 1e300), /holds layers \[\d+, 1e\+300\), not a range of the plan's 60 layers/],
      ['reversed', (p) => ([p.nodes[1].start, p.nodes[1].end] = [p.nodes[1].end, p.nodes[1].start]), /not a range of the plan's 60 layers/],
      ['twice', (p) => p.nodes.push({ ...p.nodes[0] }), /is listed twice/],
    ];
    for (const [name, edit, message] of cases) {
      const bad = structuredClone(plan);
      edit(bad);
      const file = join(tmp, `${name}.json`);
      writeFileSync(file, JSON.stringify(bad));
      const svg = join(tmp, `${name}.svg`);
      const r = helix(['render', file, '-o', svg]);
      expect(r.code, name).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(existsSync(svg)).toBe(false);
    }
  });
});
