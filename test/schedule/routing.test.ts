import { describe, expect, it } from 'vitest';
import { buildRoutingTables, SINK, SOURCE } from '../../src/schedule/routing.js';
import { embeddedRouting, routingToJson } from '../../src/schedule/json.js';
import { verifyPlan } from '../../src/verify/verify.js';
import { diffPlans } from '../../src/plan/diff.js';
import { HelixError } from '../../src/errors.js';
import { mutable } from '../fixtures/plans.js';
import { smallCluster, smallPlan } from '../sim/small.js';

// A holds layers 0-2 at 3000 tokens/s; B and C both hold 2-4, at 2000 and 1000: the flow
// splits 2:1 after A. D holds 2-4 too but has no link from A, so it gets no route.
function fork() {
  const cluster = smallCluster({
    layers: 4,
    nodes: [
      { name: 'a', gpu: 'G', throughput: [6000, 3000] },
      { name: 'b', gpu: 'G', throughput: [4000, 2000] },
      { name: 'c', gpu: 'G', throughput: [2000, 1000] },
      { name: 'd', gpu: 'G', throughput: [2000, 1000] },
    ],
    link: (i, j) => (i === 0 && j === 3 ? null : { bandwidth: 1e9, latency: 0.001 }),
  });
  const plan = smallPlan(cluster, [
    { start: 0, end: 2 },
    { start: 2, end: 4 },
    { start: 2, end: 4 },
    { start: 2, end: 4 },
  ]);
  return { cluster, plan };
}

const hopsOf = (hops: readonly { to: number; flow: number; weight: number }[]) => hops.map((h) => [h.to, Number(h.flow.toFixed(3)), h.weight]);

/** a (0-2, 2000 tokens/s) then b or c side by side (2-4, 3000 each); links given or default. */
function parallelPair(link?: Parameters<typeof smallCluster>[0]['link']) {
  return smallCluster({
    layers: 4,
    nodes: [
      { name: 'a', gpu: 'G', throughput: [4000, 2000] },
      { name: 'b', gpu: 'G', throughput: [6000, 3000] },
      { name: 'c', gpu: 'G', throughput: [6000, 3000] },
    ],
    ...(link ? { link } : {}),
  });
}

describe('buildRoutingTables', () => {
  it('weights each next hop by the flow the plan sends along it', () => {
    const { cluster, plan } = fork();
    const t = buildRoutingTables(cluster, plan, { flows: 'plan' });
    expect(t.flows).toBe('plan');
    expect(t.throughput).toBeCloseTo(3000, 6);
    expect(t.source.from).toBe(SOURCE);
    expect(t.source.hops).toEqual([{ to: 0, flow: 3000, weight: 1 }]);
    expect(t.nodes[0].hops).toEqual([
      { to: 1, flow: 2000, weight: 2 },
      { to: 2, flow: 1000, weight: 1 },
    ]);
    expect(t.nodes[0].sequence).toEqual([0, 1, 0]);
    expect(t.nodes[1].hops).toEqual([{ to: SINK, flow: 2000, weight: 1 }]);
  });

  it('by default balances: here the only flow of 3000 fills b and c exactly, so the weights stay 2:1', () => {
    const { cluster, plan } = fork();
    const t = buildRoutingTables(cluster, plan);
    expect(t.flows).toBe('balanced');
    expect(t.throughput).toBeCloseTo(3000, 6);
    expect(hopsOf(t.nodes[0].hops)).toEqual([
      [1, 2000, 2],
      [2, 1000, 1],
    ]);
  });

  it('splits 1:1 between two equal parallel nodes when the plan\'s max flow uses only one', () => {
    // a (0-2, 2000 tokens/s) -> b or c (2-4, 3000 each). Max flow 2000; the plan sends all of it
    // through b. Balanced: b and c at 1000 each (utilisation 1/3 instead of 2/3 and 0).
    const cluster = parallelPair();
    const plan = mutable(smallPlan(cluster, [{ start: 0, end: 2 }, { start: 2, end: 4 }, { start: 2, end: 4 }]));
    plan.flows = [
      { from: 'source', to: 'a', flow: 2000, capacity: 2000 },
      { from: 'a', to: 'b', flow: 2000, capacity: 1e9 },
      { from: 'b', to: 'sink', flow: 2000, capacity: 1e9 },
    ];
    const raw = buildRoutingTables(cluster, plan, { flows: 'plan' });
    expect(hopsOf(raw.nodes[0].hops)).toEqual([
      [1, 2000, 1],
      [2, 0, 0],
    ]);
    const t = buildRoutingTables(cluster, plan);
    expect(hopsOf(t.nodes[0].hops)).toEqual([
      [1, 1000, 1],
      [2, 1000, 1],
    ]);
    expect(t.nodes[0].sequence).toEqual([0, 1]);
    expect(t.throughput).toBeCloseTo(2000, 6);
  });

  it('keeps the balanced flow off a parallel node reached only over a much slower link', () => {
    // As above, but a -> c takes 50 ms against 1 ms for a -> b: b alone carries the 2000, so the
    // latency band (10% slack) leaves c out.
    const cluster = parallelPair((i, j) => ({ bandwidth: 1e9, latency: i === 0 && j === 2 ? 0.05 : 0.001 }));
    const plan = smallPlan(cluster, [{ start: 0, end: 2 }, { start: 2, end: 4 }, { start: 2, end: 4 }]);
    const t = buildRoutingTables(cluster, plan);
    expect(hopsOf(t.nodes[0].hops)).toEqual([
      [1, 2000, 1],
      [2, 0, 0],
    ]);
    // With the band opened wide, utilisation alone decides: 1:1 again.
    const wide = buildRoutingTables(cluster, plan, { latencySlack: Infinity });
    expect(hopsOf(wide.nodes[0].hops)).toEqual([
      [1, 1000, 1],
      [2, 1000, 1],
    ]);
  });

  it('lists hops the placement allows without flow at weight 0, and none where no link exists', () => {
    const { cluster, plan } = fork();
    const t = buildRoutingTables(cluster, plan);
    // d is reachable from the coordinator? No: it does not start at layer 0. Its only hop is the sink.
    expect(t.nodes[3].hops).toEqual([{ to: SINK, flow: 0, weight: 0 }]);
    expect(t.nodes[3].sequence).toEqual([]);
    expect(t.nodes[0].hops.some((h) => h.to === 3)).toBe(false);
  });

  it('rejects a plan whose flow uses a hop the placement does not allow', () => {
    const { cluster, plan } = fork();
    const bad = mutable(plan);
    bad.flows.push({ from: 'b', to: 'c', flow: 5, capacity: 5 });
    expect(() => buildRoutingTables(cluster, bad)).toThrow(HelixError);
    bad.flows.pop();
    bad.flows.push({ from: 'zz', to: 'c', flow: 5, capacity: 5 });
    expect(() => buildRoutingTables(cluster, bad)).toThrow(/not in the cluster/);
  });
});

describe('routingToJson', () => {
  it('names vertices and spells out each IWRR cycle for a runtime', () => {
    const { cluster, plan } = fork();
    const j = routingToJson(buildRoutingTables(cluster, plan));
    expect(j.formatVersion).toBe(1);
    expect(j.tables.map((t) => t.from)).toEqual(['source', 'a', 'b', 'c', 'd']);
    const a = j.tables[1];
    expect(a.layers).toEqual({ start: 0, end: 2 });
    expect(a.hops.map((h) => [h.to, h.weight])).toEqual([
      ['b', 2],
      ['c', 1],
    ]);
    expect(a.sequence).toEqual(['b', 'c', 'b']);
    expect(j.tables[2].hops[0].to).toBe('sink');
  });
});

describe('embeddedRouting', () => {
  it('leaves out hops of weight 0; a plan written with them still verifies and diffs as the same plan', () => {
    const cluster = parallelPair((i, j) => ({ bandwidth: 1e9, latency: i === 0 && j === 2 ? 0.05 : 0.001 }));
    const plan = smallPlan(cluster, [{ start: 0, end: 2 }, { start: 2, end: 4 }, { start: 2, end: 4 }]);
    const now = embeddedRouting(cluster, plan)!;
    expect(now.find((t) => t.from === 'a')!.hops).toEqual([{ to: 'b', weight: 1 }]);
    for (const t of now) for (const h of t.hops) expect(h.weight).toBeGreaterThan(0);
    // As plans written before 2026-12-01 embed them: every hop the placement allows.
    const before = routingToJson(buildRoutingTables(cluster, plan)).tables.map((t) => ({ from: t.from, hops: t.hops.map((h) => ({ to: h.to, weight: h.weight })) }));
    expect(before.find((t) => t.from === 'a')!.hops).toContainEqual({ to: 'c', weight: 0 });
    expect(verifyPlan({ ...plan, routing: now }, cluster).problems).toEqual([]);
    expect(verifyPlan({ ...plan, routing: before }, cluster).problems).toEqual([]);
    expect(diffPlans({ ...plan, routing: before }, { ...plan, routing: now }).identical).toBe(true);
    // A weight that differs still does.
    const heavier = now.map((t) => (t.from === 'a' ? { ...t, hops: [{ to: 'b', weight: 1 }, { to: 'c', weight: 1 }] } : t));
    expect(diffPlans({ ...plan, routing: now }, { ...plan, routing: heavier }).identical).toBe(false);
  });
});
