import { describe, expect, it } from 'vitest';
import { helix } from '../fixtures/cli.js';

describe('helix compare (built binary)', () => {
  it('lists every method as JSON, the MILP plan at least as good as every baseline', () => {
    const r = helix(['compare', 'clusters/tiny.yaml', '--json', '--time-limit', '10']);
    expect(r.code, r.stderr).toBe(0);
    const rows = JSON.parse(r.stdout) as { method: string; throughput: number; vsBound: number }[];
    expect(rows.map((x) => x.method)).toEqual(['milp', 'swarm', 'petals', 'separate', 'homogeneous']);
    for (const row of rows.slice(1)) expect(rows[0].throughput).toBeGreaterThanOrEqual(row.throughput - 1e-6);
    for (const row of rows) expect(row.vsBound).toBeLessThanOrEqual(1 + 1e-9);
  });

  it('beats every baseline on a cluster whose links bind (geo3)', () => {
    const r = helix(['compare', 'clusters/geo3.yaml', '--json', '--time-limit', '4']);
    expect(r.code, r.stderr).toBe(0);
    const rows = JSON.parse(r.stdout) as { method: string; throughput: number }[];
    const best = Math.max(...rows.slice(1).map((x) => x.throughput));
    expect(rows[0].throughput).toBeGreaterThan(best);
  });
});
