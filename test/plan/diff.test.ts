import { describe, expect, it } from 'vitest';
import { diffPlans } from '../../src/plan/diff.js';
import { formatDiff } from '../../src/report/diff-text.js';
import { Chalk } from 'chalk';
import { randomSmallCluster } from '../fixtures/clusters.js';
import { planFor } from '../fixtures/plans.js';

const cluster = randomSmallCluster(11, { nodes: 3, layers: 4, maxLayers: 4 });
const bytes = cluster.model.weightBytesPerLayer;

describe('diffPlans', () => {
  it('finds no change between a plan and itself', () => {
    const p = planFor(cluster, [{ start: 0, end: 2 }, { start: 2, end: 4 }, null]);
    const d = diffPlans(p, p);
    expect(d.identical).toBe(true);
    expect(d.changes).toEqual([]);
    expect(d.unchanged).toBe(3);
  });

  it('notes plans for different clusters, whose nodes it can only compare by name', () => {
    const p = planFor(cluster, [{ start: 0, end: 2 }, { start: 2, end: 4 }, null]);
    expect(diffPlans(p, p).clusters).toBeNull();
    const other = { ...p, cluster: { ...p.cluster, name: 'elsewhere' } };
    const d = diffPlans(p, other);
    expect(d.clusters).toEqual({ before: `${p.cluster.name} (${p.cluster.model})`, after: `elsewhere (${p.cluster.model})` });
    expect(formatDiff(d, { color: new Chalk({ level: 0 }) })).toMatch(/^note: the plans are for different clusters, .* and elsewhere \(.*\): their nodes are compared by name\n/);
  });

  it('counts a link listed twice as the sum of its entries: split is unchanged, doubled is a change', () => {
    const p = planFor(cluster, [{ start: 0, end: 2 }, { start: 2, end: 4 }, null]);
    const k = p.flows.findIndex((f) => f.flow > 0);
    const f = p.flows[k];
    const split = { ...p, flows: [...p.flows.slice(0, k), { ...f, flow: f.flow / 4 }, { ...f, flow: (3 * f.flow) / 4 }, ...p.flows.slice(k + 1)] };
    expect(diffPlans(p, split).flowsChanged).toBe(0);
    const doubled = { ...p, flows: [...p.flows, { ...f }] };
    expect(diffPlans(p, doubled).flowsChanged).toBe(1);
  });

  it('tells a change of routing weights alone, which a runtime follows (it once read as identical)', () => {
    const p = { ...planFor(cluster, [{ start: 0, end: 2 }, { start: 2, end: 4 }, null]), routing: [{ from: 'source', hops: [{ to: 'n0', weight: 1 }] }] };
    const q = { ...p, routing: [{ from: 'source', hops: [{ to: 'n0', weight: 3 }] }] };
    const d = diffPlans(p, q);
    expect(d.identical).toBe(false);
    expect(d.routingChanged).toBe(1);
    expect(formatDiff(d, { color: new Chalk({ level: 0 }) })).toMatch(/^~ routing: 1 routing tables differ, placement unchanged\n/);
    expect(diffPlans(p, { ...p, routing: [{ from: 'source', hops: [{ to: 'n0', weight: 1 }] }] }).identical).toBe(true);
  });

  it('a node whose machine type changed is new hardware: it loads every layer it holds (it read as unchanged)', () => {
    const p = planFor(cluster, [{ start: 0, end: 2 }, { start: 2, end: 4 }, null]);
    const swapped = { ...p, nodes: p.nodes.map((n) => (n.name === 'n1' ? { ...n, gpu: 'L4' } : n)) };
    const d = diffPlans(p, swapped);
    expect(d.identical).toBe(false);
    expect(d.unchanged).toBe(2);
    expect(d.changes).toEqual([expect.objectContaining({ node: 'n1', kind: 'change', gpu: 'L4', gpuBefore: p.nodes[1].gpu, loadLayers: 2, dropLayers: 0 })]);
    expect(d.loadLayers).toBe(2);
    expect(formatDiff(d, { color: new Chalk({ level: 0 }) })).toMatch(new RegExp(`^~ n1 \\(${p.nodes[1].gpu} -> L4, new hardware\\) .*\\(load 2 layers`, 'm'));
    // An idle one swapped is a change too, with nothing to load.
    const idle = diffPlans(p, { ...p, nodes: p.nodes.map((n) => (n.name === 'n2' ? { ...n, gpu: 'L4' } : n)) });
    expect(idle.changes).toEqual([expect.objectContaining({ node: 'n2', kind: 'change', loadLayers: 0, gpuBefore: p.nodes[2].gpu })]);
    // Idle on one side and holding layers on the other: still a change of the same node, not an add or a remove.
    const woke = diffPlans(p, { ...planFor(cluster, [{ start: 0, end: 2 }, { start: 2, end: 3 }, { start: 3, end: 4 }]), nodes: planFor(cluster, [{ start: 0, end: 2 }, { start: 2, end: 3 }, { start: 3, end: 4 }]).nodes.map((n) => (n.name === 'n2' ? { ...n, gpu: 'L4' } : n)) });
    expect(woke.changes.find((c) => c.node === 'n2')).toMatchObject({ kind: 'change', gpuBefore: p.nodes[2].gpu, loadLayers: 1 });
    expect(woke.added).toBe(0);
    // The same type: no gpuBefore.
    expect(diffPlans(p, planFor(cluster, [{ start: 0, end: 1 }, { start: 1, end: 4 }, null])).changes.every((c) => c.gpuBefore === null)).toBe(true);
  });

  it('an idle machine that left the cluster, or joined idle, is a change (no weights move, but the plans differ)', () => {
    const p = planFor(cluster, [{ start: 0, end: 2 }, { start: 2, end: 4 }, null]);
    const gone = { ...p, nodes: p.nodes.filter((n) => n.name !== 'n2') };
    const d = diffPlans(p, gone);
    expect(d.identical).toBe(false);
    expect(d.changes).toEqual([expect.objectContaining({ node: 'n2', kind: 'remove', before: null, after: null, loadLayers: 0, leaves: true })]);
    expect(formatDiff(d, { color: new Chalk({ level: 0 }) })).toMatch(/^- n2 \(\S+\) .*\(leaves the cluster\)$/m);
    const back = diffPlans(gone, p);
    expect(back.changes).toEqual([expect.objectContaining({ node: 'n2', kind: 'add', after: null, leaves: null })]);
    expect(formatDiff(back, { color: new Chalk({ level: 0 }) })).toMatch(/^\+ n2 \(\S+\) .*\(joins, idle\)$/m);
  });

  it('counts layers to load and drop per node (hand-worked)', () => {
    const a = planFor(cluster, [{ start: 0, end: 2 }, { start: 2, end: 4 }, null]);
    const b = planFor(cluster, [{ start: 0, end: 3 }, null, { start: 3, end: 4 }]);
    const d = diffPlans(a, b);
    // n0 [0,2) -> [0,3): load 1; n1 [2,4) removed: drop 2; n2 added [3,4): load 1.
    expect(d.changes.map((c) => [c.node, c.kind, c.loadLayers, c.dropLayers])).toEqual([
      ['n0', 'change', 1, 0],
      ['n1', 'remove', 0, 2],
      ['n2', 'add', 1, 0],
    ]);
    expect(d.loadLayers).toBe(2);
    expect(d.loadBytes).toBe(2 * bytes);
    expect([d.added, d.changed, d.removed, d.unchanged]).toEqual([1, 1, 1, 0]);
    const text = formatDiff(d, { color: new Chalk({ level: 0 }) });
    expect(text).toMatch(/^~ n0 .* \[0, 2\) -> \[0, 3\) +\(load 1 layer, /m);
    // n1 is still in the new plan, holding nothing: it stays, idle (a replan's broken chain),
    // which is not the same action as a machine leaving.
    expect(text).toMatch(/^- n1 .*\(drop 2; stays, idle\)$/m);
    expect(text).toMatch(/^\+ n2 /m);
    expect(text.trim().split('\n').at(-1)).toMatch(/^Plan: 1 to add, 1 to change, 1 to remove \(1 staying idle\), 0 unchanged; 2 layers/);
    const gone = diffPlans(a, { ...b, nodes: b.nodes.filter((n) => n.name !== 'n1') });
    expect(gone.changes.find((c) => c.node === 'n1')!.leaves).toBe(true);
    expect(gone.idled).toBe(0);
    const goneText = formatDiff(gone, { color: new Chalk({ level: 0 }) });
    expect(goneText).toMatch(/^- n1 .*\(drop 2; leaves the cluster\)$/m);
    expect(goneText.trim().split('\n').at(-1)).toMatch(/^Plan: 1 to add, 1 to change, 1 to remove, 0 unchanged/);
  });

  it('gives what the plans predict they serve beside their max flow, and counts a change of what they were made for', () => {
    const p = planFor(cluster, [{ start: 0, end: 2 }, { start: 2, end: 4 }, null]);
    const served = (x: number) => ({ throughput: x, decodeThroughput: x / 4, ttftSec: 1, tpotSec: 0.5, inflight: 10, limitedBy: 'kv' as const, workload: { input: 763, output: 232 } });
    const a = { ...p, settings: { ...p.settings, objective: 'delivered' as const }, delivered: served(688) };
    const b = { ...a, delivered: served(502) };
    const d = diffPlans(a, b);
    expect([d.deliveredBefore, d.deliveredAfter]).toEqual([688, 502]);
    expect(formatDiff(d, { color: new Chalk({ level: 0 }) })).toMatch(/; max flow [\d,.]+ -> [\d,.]+ tokens\/s \([+-][\d,.]+\); predicted served 688 -> 502 tokens\/s \(-186\)\.$/m);
    // The same placement made for other requests is a change: later commands judge it on them.
    const code = diffPlans(a, { ...a, settings: { ...a.settings, workload: 'azure-code' } });
    expect(code.identical).toBe(false);
    expect(code.settingsChanged).toEqual(['workload azure-conv -> azure-code']);
    const codeText = formatDiff(code, { color: new Chalk({ level: 0 }) });
    expect(codeText).toMatch(/^~ made for: workload azure-conv -> azure-code$/m);
    // Predictions for other requests are in other tokens: both given, no difference taken.
    expect(codeText).toMatch(/; predicted served 688 and 688 tokens\/s, each for its own requests\.$/m);
    expect(diffPlans(a, { ...a, settings: { ...a.settings, timeLimitSec: 5 } }).identical).toBe(true);
    // A replan that moved nothing records maxflow after a delivered plan: no change for a runbook.
    expect(diffPlans(a, { ...a, settings: { ...a.settings, objective: 'maxflow', method: 'replan' } }).identical).toBe(true);
  });

  it('gives the throughput change at the precision of its two ends, so the figures add up', () => {
    const d = diffPlans(planFor(cluster, [{ start: 0, end: 2 }, { start: 2, end: 4 }, null]), planFor(cluster, [{ start: 0, end: 3 }, null, { start: 3, end: 4 }]));
    const line = (before: number, after: number) => formatDiff({ ...d, throughputBefore: before, throughputAfter: after }, { color: new Chalk({ level: 0 }) });
    expect(line(230.99, 193.3)).toMatch(/max flow 231 -> 193 tokens\/s \(-38\)\./);
    expect(line(1500.4, 2700.6)).toMatch(/max flow 1,500 -> 2,701 tokens\/s \(\+1,201\)\./);
    expect(line(50.04, 62.26)).toMatch(/max flow 50\.0 -> 62\.3 tokens\/s \(\+12\.3\)\./);
  });
});
