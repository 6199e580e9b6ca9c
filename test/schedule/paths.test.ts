import { describe, expect, it } from 'vitest';
import { PathBuilder } from '../../src/schedule/paths.js';
import { createPolicy, type LoadView, type PolicyName } from '../../src/schedule/policies.js';
import { buildRoutingTables } from '../../src/schedule/routing.js';
import { createRng } from '../../src/search/rng.js';
import { mutable } from '../fixtures/plans.js';
import { smallCluster, smallPlan } from '../sim/small.js';

// a (0-2) forks to b and c (2-4) with flow 2:1; d (2-4) may follow a too, but the plan's flows
// (set by hand) send it nothing. These tests are about how paths follow given weights, so the
// tables keep the plan's own flows (the default, balanced flows would give d a share: see
// routing.test.ts).
function fork() {
  const cluster = smallCluster({
    layers: 4,
    nodes: [
      { name: 'a', gpu: 'G', throughput: [6000, 3000] },
      { name: 'b', gpu: 'G', throughput: [4000, 2000] },
      { name: 'c', gpu: 'G', throughput: [2000, 1000] },
      { name: 'd', gpu: 'G', throughput: [2000, 1000] },
    ],
  });
  const plan = mutable(
    smallPlan(cluster, [
      { start: 0, end: 2 },
      { start: 2, end: 4 },
      { start: 2, end: 4 },
      { start: 2, end: 4 },
    ]),
  );
  plan.flows = [
    { from: 'source', to: 'a', flow: 3000, capacity: 3000 },
    { from: 'a', to: 'b', flow: 2000, capacity: 1e9 },
    { from: 'a', to: 'c', flow: 1000, capacity: 1e9 },
    { from: 'b', to: 'sink', flow: 2000, capacity: 1e9 },
    { from: 'c', to: 'sink', flow: 1000, capacity: 1e9 },
  ];
  return buildRoutingTables(cluster, plan, { flows: 'plan' });
}

function idle(n: number): LoadView {
  return { outstandingTokens: new Float64Array(n), resident: new Int32Array(n), capacity: Float64Array.from({ length: n }, () => 1000) };
}

function paths(policy: PolicyName, count: number, kvFree: number[], load = idle(4)): number[][] {
  const tables = fork();
  const b = new PathBuilder(tables, createPolicy(policy, createRng(7)));
  const out = new Int32Array(8);
  const free = Float64Array.from(kvFree);
  const got: number[][] = [];
  for (let i = 0; i < count; i++) {
    const len = b.build(100, free, load, out, 0);
    got.push([...out.subarray(0, len)]);
  }
  return got;
}

describe('PathBuilder with IWRR', () => {
  it('follows the plan: b, c, b, ... in the 2:1 ratio of its flow, never the flowless d', () => {
    const tables = fork();
    const flowD = tables.nodes[0].hops.find((h) => h.to === 3)!;
    expect(flowD.weight).toBe(0);
    expect(paths('iwrr', 6, [1e9, 1e9, 1e9, 1e9])).toEqual([
      [0, 1],
      [0, 2],
      [0, 1],
      [0, 1],
      [0, 2],
      [0, 1],
    ]);
  });

  it('skips a next hop whose KV cache cannot hold the request', () => {
    expect(paths('iwrr', 3, [1e9, 50, 1e9, 1e9])).toEqual([
      [0, 2],
      [0, 2],
      [0, 2],
    ]);
  });

  it('makes the request wait (empty path) when no usable hop has room, even if a flowless one has', () => {
    expect(paths('iwrr', 1, [1e9, 50, 50, 1e9])).toEqual([[]]);
    // The first stage full: nothing at all.
    expect(paths('iwrr', 1, [99, 1e9, 1e9, 1e9])).toEqual([[]]);
  });

  it('reports the widest room a single path offers', () => {
    const b = new PathBuilder(fork(), createPolicy('iwrr', createRng(1)));
    expect(b.widestRoom(Float64Array.from([500, 300, 400, 9999]))).toBe(400);
    const r = new PathBuilder(fork(), createPolicy('random', createRng(1)));
    expect(r.widestRoom(Float64Array.from([500, 300, 400, 9999]))).toBe(500);
  });
});

describe('comparison policies', () => {
  it('random uses every hop the placement allows, flowless ones included', () => {
    const got = paths('random', 200, [1e9, 1e9, 1e9, 1e9]).map((p) => p[1]);
    for (const v of [1, 2, 3]) expect(got.filter((x) => x === v).length).toBeGreaterThan(40);
  });

  it('random still respects KV room', () => {
    const got = paths('random', 50, [1e9, 1e9, 50, 50]).map((p) => p[1]);
    expect(new Set(got)).toEqual(new Set([1]));
  });

  it('shortest-queue picks the least outstanding work in seconds at each node\'s rate', () => {
    const load = idle(4);
    load.outstandingTokens.set([0, 500, 300, 900]);
    load.capacity.set([1000, 2000, 500, 3000]);
    // seconds: b 0.25, c 0.6, d 0.3 -> b
    expect(paths('shortest-queue', 1, [1e9, 1e9, 1e9, 1e9], load)).toEqual([[0, 1]]);
  });

  it('swarm picks the next stage\'s node with the fewest requests in flight', () => {
    const load = idle(4);
    load.resident.set([0, 5, 7, 2]);
    expect(paths('swarm', 1, [1e9, 1e9, 1e9, 1e9], load)).toEqual([[0, 3]]);
    // ... unless its KV is full.
    expect(paths('swarm', 1, [1e9, 1e9, 1e9, 10], load)).toEqual([[0, 1]]);
  });
});
