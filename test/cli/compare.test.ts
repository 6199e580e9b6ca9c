import { describe, expect, it } from 'vitest';
import { Chalk } from 'chalk';
import { helixAsync } from '../fixtures/cli.js';
import { formatCompare } from '../../src/report/compare-table.js';
import type { MethodRow } from '../../src/search/baselines/compare.js';

interface Row {
  method: string;
  depth: number;
  delivered: { throughput: number; ttftSec: number; tpotSec: number } | null;
  throughput: number;
  vsBestBaseline: number | null;
  vsBound: number;
  nodesUsed: number;
  layerCopies: number;
  timeSec: number;
  status: string;
  note: string;
}

describe('helix compare (built binary)', () => {
  it('refuses --keep-links and --stall with the default objective, as plan does (they changed the delivered row unannounced)', async () => {
    for (const flags of [['--keep-links', '1'], ['--stall', '1']]) {
      const r = await helixAsync(['compare', 'clusters/tiny.yaml', '-t', '1', ...flags]);
      expect(r.code, flags.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/--objective delivered/);
    }
    expect((await helixAsync(['compare', 'clusters/tiny.yaml', '-t', '1', '--objective', 'maxflow', '--keep-links', '1', '--json'])).code).toBe(0);
  });

  it('refuses --stall-within without --stall, as plan does', async () => {
    const r = await helixAsync(['compare', 'clusters/tiny.yaml', '-t', '1', '--stall-within', '0.05', '--json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--stall-within says when --stall starts counting/);
    expect(r.stdout).toBe('');
  });

  it('lists every method as JSON, the MILP plan at least as good as every baseline', async () => {
    const r = await helixAsync(['compare', 'clusters/tiny.yaml', '--json', '--time-limit', '10']);
    expect(r.code, r.stderr).toBe(0);
    const rows = JSON.parse(r.stdout) as Row[];
    // The max-flow plan, the default (delivered) plan `helix plan` would make, then the baselines.
    expect(rows.map((x) => x.method)).toEqual(['milp', 'delivered', 'swarm', 'petals', 'separate', 'homogeneous']);
    expect(rows[1].note).toMatch(/^the default plan \(--objective delivered\)/);
    for (const row of rows.slice(1)) expect(rows[0].throughput).toBeGreaterThanOrEqual(row.throughput - 1e-6);
    // A baseline's status is what `helix plan -m <method>` would record: no-flow where it carries nothing.
    for (const row of rows.slice(2)) expect(row.status).toBe(row.throughput > 0 ? 'heuristic' : 'no-flow');
    expect(rows.some((row) => row.status === 'no-flow'), 'tiny: some baseline serves nothing').toBe(true);
    for (const row of rows) {
      expect(row.vsBound).toBeLessThanOrEqual(1 + 1e-9);
      expect(typeof row.note).toBe('string');
      expect(row.layerCopies).toBeGreaterThanOrEqual(row.throughput > 0 ? 1 : 0);
      // The delivered model never predicts more than max flow, and only rows with flow get one.
      if (row.throughput > 0) {
        expect(row.depth).toBeGreaterThanOrEqual(1);
        expect(row.delivered!.throughput).toBeGreaterThan(0);
        expect(row.delivered!.throughput).toBeLessThanOrEqual(row.throughput + 1e-6);
        expect(row.delivered!.tpotSec).toBeGreaterThan(0);
      } else expect(row.delivered).toBeNull();
    }
    const best = Math.max(...rows.slice(2).map((x) => x.throughput));
    expect(rows[0].vsBestBaseline).toBeCloseTo(rows[0].throughput / best, 6);
    const flowOnly = JSON.parse((await helixAsync(['compare', 'clusters/tiny.yaml', '--json', '--time-limit', '3', '--objective', 'maxflow'])).stdout) as Row[];
    expect(flowOnly.map((x) => x.method)).toEqual(['milp', 'swarm', 'petals', 'separate', 'homogeneous']);
  });

  it('beats every baseline on a cluster whose links bind (geo3)', async () => {
    const r = await helixAsync(['compare', 'clusters/geo3.yaml', '--json', '--time-limit', '4']);
    expect(r.code, r.stderr).toBe(0);
    const rows = JSON.parse(r.stdout) as Row[];
    const best = Math.max(...rows.slice(2).map((x) => x.throughput));
    expect(rows[0].throughput).toBeGreaterThan(best);
    // The default plan trades max flow for what is served: predicted to serve more than the max-flow plan.
    const delivered = rows.find((x) => x.method === 'delivered')!;
    expect(delivered.delivered!.throughput).toBeGreaterThan(rows[0].delivered!.throughput);
  });

  it('prints one table with a note per method, grouping separate by region when asked', async () => {
    const r = await helixAsync(['compare', 'clusters/tiny.yaml', '--time-limit', '5', '--by', 'region']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Placement methods on tiny');
    for (const m of ['milp', 'swarm', 'petals', 'separate', 'homogeneous']) expect(r.stdout).toMatch(new RegExp(`│ ${m}\\s`));
    expect(r.stdout).toContain('layer copies = layers held on all nodes / model layers');
    expect(r.stdout).toMatch(/separate\s+by region; lab: /);
    expect(r.stdout).not.toMatch(/\u001b\[/); // not a terminal: no colour
  });

  it('exits 2 with one line on stderr for a missing file or a bad --by', async () => {
    for (const args of [['compare', 'clusters/nope.yaml'], ['compare', 'clusters/tiny.yaml', '--by', 'rack']]) {
      const r = await helixAsync(args);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});

describe('formatCompare', () => {
  const row = (method: string, throughput: number, vsBestBaseline: number | null): MethodRow => ({
    method,
    throughput,
    vsBestBaseline,
    vsBound: throughput / 400,
    nodesUsed: throughput > 0 ? 3 : 0,
    layerCopies: throughput > 0 ? 1.5 : 0,
    depth: throughput > 0 ? 4 : 0,
    delivered: throughput > 0 ? { throughput: throughput / 3, ttftSec: 1.5, tpotSec: 0.25 } : null,
    timeSec: 0.25,
    status: method === 'milp' ? 'optimal' : 'heuristic',
    note: method === 'swarm' ? 'no equal split gives every stage a node that holds it' : '',
  });

  it('shows ratios, a dash when no baseline serves, and the notes beneath', async () => {
    const text = formatCompare(
      { cluster: 'demo', bound: 400, rows: [row('milp', 300, null), row('swarm', 0, null)] },
      { color: new Chalk({ level: 0 }) },
    );
    expect(text).toContain('Placement methods on demo (upper bound on max flow 400 tokens/s)');
    expect(text).toMatch(/^tokens\/s = max flow; layer copies/m);
    // For other requests the max flow still counts azure-conv tokens, and says so (delivered may exceed it).
    const code = formatCompare({ cluster: 'demo', bound: 400, workload: 'azure-code', rows: [row('milp', 300, null)] }, { color: new Chalk({ level: 0 }) });
    expect(code).toContain("(upper bound on max flow 400 tokens/s, counted in the profiles' azure-conv requests)");
    expect(code).toMatch(/^tokens\/s = max flow, counted in the profiles' azure-conv requests; /m);
    expect(text).toMatch(/│ milp\s+│\s+300 │\s+- │\s+75\.0% │\s+3 │\s+1\.50 │\s+4 │\s+100 │\s+1\.50 s │\s+250 ms │ 0\.25 s │ optimal/);
    expect(text).toMatch(/│ swarm\s+│\s+0\.0 │\s+- │\s+0\.0% │\s+0 │\s+0\.00 │\s+0 │\s+- │\s+- │\s+- │/);
    expect(text).toMatch(/\n {2}swarm {2}no equal split gives every stage a node that holds it\n/);
    expect(text).not.toMatch(/\n {2}milp /); // no note, no line
  });

  it('says why the delivered columns are empty when the model lacks per-layer timings', async () => {
    const colourless = { color: new Chalk({ level: 0 }) };
    const withModel = formatCompare({ cluster: 'demo', bound: 400, rows: [row('milp', 300, null)] }, colourless);
    const without = formatCompare({ cluster: 'demo', bound: 400, rows: [{ ...row('milp', 300, null), delivered: null }] }, colourless);
    expect(withModel).not.toContain('no per-layer timings');
    expect(without).toContain('no per-layer timings');
    expect(without).toMatch(/│\s+4 │\s+- │\s+- │\s+- │/);
  });

  it('marks the best row in colour when colour is on', async () => {
    const plain = formatCompare({ cluster: 'demo', bound: 400, rows: [row('milp', 300, 1.5), row('swarm', 200, 1)] }, { color: new Chalk({ level: 0 }) });
    const coloured = formatCompare({ cluster: 'demo', bound: 400, rows: [row('milp', 300, 1.5), row('swarm', 200, 1)] }, { color: new Chalk({ level: 1 }) });
    expect(plain).toContain('1.50x');
    expect(coloured).toContain('\u001b[32mmilp');
  });
});

describe('helix plan --method separate (built binary)', () => {
  it('reports the per-group flow, the same figure compare shows', async () => {
    const plan = JSON.parse((await helixAsync(['plan', 'clusters/tiny.yaml', '--method', 'separate', '--by', 'region', '--json'])).stdout);
    const rows = JSON.parse((await helixAsync(['compare', 'clusters/tiny.yaml', '--by', 'region', '--json', '--time-limit', '5'])).stdout) as { method: string; throughput: number }[];
    expect(plan.settings.method).toBe('separate');
    expect(plan.throughput).toBeCloseTo(rows.find((r) => r.method === 'separate')!.throughput, 3);
  });
});
