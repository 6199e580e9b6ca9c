import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { helix } from '../fixtures/cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'helix-diff-'));

describe('helix diff (built binary)', () => {
  const a = join(tmp, 'milp.json');
  const b = join(tmp, 'petals.json');
  writeFileSync(a, helix(['plan', 'clusters/tiny.yaml', '--json']).stdout);
  writeFileSync(b, helix(['plan', 'clusters/tiny.yaml', '--json', '--method', 'petals']).stdout);

  it('exits 0 with no changes for identical plans', () => {
    const r = helix(['diff', a, a]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/No changes/);
  });

  it('exits 1 and lists per-node moves for different plans; --json for scripts', () => {
    const r = helix(['diff', a, b]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^[~+-] /m);
    expect(r.stdout.trim().split('\n').at(-1)).toMatch(/^Plan: \d+ to add, \d+ to change, \d+ to remove/);
    const j = helix(['diff', a, b, '--json']);
    expect(j.code).toBe(1);
    const d = JSON.parse(j.stdout);
    expect(d.identical).toBe(false);
    expect(d.throughputBefore).toBeGreaterThan(d.throughputAfter);
  });

  it('exits 2 for a plan that lists a node twice (which entry to diff would be a guess)', () => {
    const dup = JSON.parse(readFileSync(a, 'utf8'));
    dup.nodes.push({ ...dup.nodes[0] });
    const file = join(tmp, 'dup.json');
    writeFileSync(file, JSON.stringify(dup));
    const r = helix(['diff', a, file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/dup\.json: nodes\[\d+\]\.name: node \S+ is listed twice/);
  });

  it('exits 2 for plans that record different layer counts of one model, naming cluster.layers', () => {
    const edited = JSON.parse(readFileSync(a, 'utf8'));
    edited.cluster.layers += 1;
    const file = join(tmp, 'layers.json');
    writeFileSync(file, JSON.stringify(edited));
    const r = helix(['diff', a, file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/layers\.json: cluster\.layers: plans record different layer counts for llama1-30b \(60 vs 61\)/);
  });

  it('exits 2 for a file that is not a plan', () => {
    const bad = join(tmp, 'bad.json');
    writeFileSync(bad, '{"formatVersion": 1}');
    const r = helix(['diff', a, bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.json: cluster/);
  });

  it('exits 2 for a range outside the plan\'s own layers, which it would count as layers to load', () => {
    const plan = JSON.parse(readFileSync(b, 'utf8'));
    const edited = join(tmp, 'edited.json');
    writeFileSync(edited, JSON.stringify({ ...plan, nodes: plan.nodes.map((n: { start: number | null }, i: number) => (i === 0 ? { ...n, start: 0, end: 1000 } : n)) }));
    const r = helix(['diff', a, edited]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/edited\.json: nodes\[0\]: node \S+ holds layers \[0, 1000\), not a range of the plan's 60 layers/);
    expect(r.stdout).toBe('');
  });
});
