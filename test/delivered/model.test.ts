import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { bunchedWait, decomposeFlow, loadPace, predictDelivered, wholePaths, workloadOf, type DeliveredOptions } from '../../src/delivered/model.js';
import { mixRatio } from '../../src/delivered/mix.js';
import { affine, smallCluster, smallPlan, timings } from '../sim/small.js';
import { planFor, wrappingPlacement } from '../fixtures/plans.js';
import { randomSmallCluster } from '../fixtures/clusters.js';
import type { Placement } from '../../src/spec/types.js';

// Per-layer times 1 ms + 0.01 ms per extra token/sequence in both phases.
const flat = { prompt: affine(1, 0.01), decode: affine(1, 0.01) };
// The convoy picture alone: the load pace has tests of its own below. The profiles' capacities
// are taken as they are (the rescaling for another mix of requests is tested on its own).
const base = (kv: number, extra: Partial<DeliveredOptions> = {}): DeliveredOptions => ({
  layerTimes: timings({ G: flat }),
  kvTokens: () => kv,
  kvFill: 0.5,
  groups: 1,
  paced: false,
  capacityMix: null,
  ...extra,
});
const fixed = { input: 10, output: 10 };
const fast = (name: string, layers: number) => ({ name, gpu: 'G', throughput: Array.from({ length: layers }, () => 1e6) });
// Coordinator and node links so fast that transfers vanish next to the latencies.
const quickLinks = { coordinator: { bandwidth: 1e12, latency: 0.001 }, link: () => ({ bandwidth: 1e15, latency: 0.001 }) };
/** Nodes a [0, 2) and b [2, 4) in a chain, with the given coordinator latency and a -> b link. */
const twoStageChain = (coordinatorLatency: number, link: { bandwidth: number; latency: number }) => {
  const cluster = smallCluster({ layers: 4, nodes: [fast('a', 2), fast('b', 2)], coordinator: { bandwidth: 1e12, latency: coordinatorLatency }, link: () => link });
  return { cluster, plan: smallPlan(cluster, [{ start: 0, end: 2 }, { start: 2, end: 4 }]) };
};

describe('predictDelivered', () => {
  it('one node: KV room, batch time and Little\'s law worked by hand', () => {
    const cluster = smallCluster({ layers: 2, nodes: [fast('a', 2)], ...quickLinks });
    const plan = smallPlan(cluster, [{ start: 0, end: 2 }]);
    const p = predictDelivered(cluster, plan, fixed, base(4000));
    // 0.5 x 4000 slots / 20-token contexts = 100 requests, one batch of 100 sequences: decode
    // 1.99 ms/layer, plus a prompt of 10 tokens 1.09 ms/layer (100/10 = 10 start per step, but
    // a convoy waits for at most one), 2 layers.
    expect(p.inflight).toBeCloseTo(100, 9);
    const round = 0.002 + (2 * (1.99 + 1.09)) / 1000;
    expect(p.tpotSec).toBeCloseTo(round, 6);
    expect(p.decodeThroughput).toBeCloseTo(100 / round, 0);
    expect(p.throughput).toBeCloseTo((2 * 100) / round, 0);
    expect(p.limitedBy).toBe('kv');
    // Unloaded prompt pass: 2 layers x 1.09 ms (10 tokens) + both coordinator latencies.
    expect(p.ttftSec).toBeCloseTo(0.002 + 0.00218, 9);
    expect(p.depth).toBe(1);
  });

  it('a chain where KV binds: the tightest node caps the requests in flight', () => {
    const cluster = smallCluster({ layers: 4, nodes: [fast('a', 2), fast('b', 2)], ...quickLinks });
    const plan = smallPlan(cluster, [{ start: 0, end: 2 }, { start: 2, end: 4 }]);
    const roomy = predictDelivered(cluster, plan, fixed, base(0, { kvTokens: (i) => (i === 0 ? 40_000 : 400) }));
    // Node b: 0.5 x 400 / 20 = 10 requests, whatever node a could hold.
    expect(roomy.inflight).toBeCloseTo(10, 9);
    expect(roomy.limitedBy).toBe('kv');
    // 10 sequences: decode 1.09 ms, prompts 1 x 10 tokens 1.09 ms -> 2 layers x 2.18 ms per node.
    const round = 0.003 + 2 * ((2 * 2.18) / 1000);
    expect(roomy.tpotSec).toBeCloseTo(round, 6);
    expect(roomy.decodeThroughput).toBeCloseTo(10 / round, 3);
    // More room on the tight node means more delivered.
    const more = predictDelivered(cluster, plan, fixed, base(0, { kvTokens: (i) => (i === 0 ? 40_000 : 800) }));
    expect(more.throughput).toBeGreaterThan(1.5 * roomy.throughput);
  });

  it('a fork where one branch is tight: the other branch takes the shared node\'s room', () => {
    // a [0, 2) feeds b and c [2, 4) equally. Rooms (0.5 x tokens / 20-token contexts): a 100, b 5,
    // c 100 requests. Filling: both paths reach 5 when b is full; path a-c goes on to a's 95 left.
    // Splitting a's room by flow instead would give a-c only 50, and 55 in all.
    // a is twice as fast as b or c, so the max flow needs both branches, equally.
    const a = { name: 'a', gpu: 'G', throughput: [2e6, 2e6] };
    const cluster = smallCluster({ layers: 4, nodes: [a, fast('b', 2), fast('c', 2)], ...quickLinks });
    const plan = smallPlan(cluster, [{ start: 0, end: 2 }, { start: 2, end: 4 }, { start: 2, end: 4 }]);
    const p = predictDelivered(cluster, plan, fixed, base(0, { kvTokens: (i) => (i === 1 ? 200 : 4000) }));
    expect(p.paths.map((q) => q.flow)).toEqual([1e6, 1e6]);
    const held = Object.fromEntries(p.paths.map((q) => [cluster.nodes[q.nodes[1]].name, q.inflight]));
    expect(held.b).toBeCloseTo(5, 9);
    expect(held.c).toBeCloseTo(95, 9);
    expect(p.inflight).toBeCloseTo(100, 9);
  });

  it('a chain where latency binds: slow links dominate the round', () => {
    const { cluster, plan } = twoStageChain(0.2, { bandwidth: 1e15, latency: 0.5 });
    const p = predictDelivered(cluster, plan, fixed, base(400));
    expect(p.limitedBy).toBe('latency');
    const round = 0.9 + 2 * ((2 * 2.18) / 1000);
    expect(p.tpotSec).toBeCloseTo(round, 6);
    expect(p.decodeThroughput).toBeCloseTo(10 / round, 6);
  });

  it('a slow link: convoys queue behind the prompts crossing it (M/G/1), worked by hand', () => {
    // Activations are 2,048 bytes a token; the a -> b link carries 20.48 MB/s, so a prompt of 100
    // tokens holds it 10 ms.
    const { cluster, plan } = twoStageChain(0.001, { bandwidth: 2.048e7, latency: 0.001 });
    const workload = { input: 100, output: 10 };
    // 0.5 x 2,200 slots / 110-token contexts = 10 requests, two convoys of 5 sequences: decode
    // 1.04 ms/layer, plus 0.5 prompts of 100 tokens (1.99 ms) = 0.995 ms; 2 layers on each node.
    // The chain is whole, so the convoys bunch behind prompts: at 0.5 prompts a convoy's round
    // nearly every round runs bunched, the second convoy waiting half a decode batch on average
    // (bunchedWait).
    const bunched = 1 + 0.5 * (1 - Math.exp(-0.5 / 0.08));
    const compute = 2 * (2 * (1.04 * bunched + 0.995)) / 1000;
    // A convoy carries 5 x 11 tokens per step over the link: 55 x 2,048 / 20.48e6 = 5.5 ms.
    const round0 = 0.003 + compute + 0.0055;
    const steps = 10 / round0;
    // The link: steps / 10 prompts/s of 10 ms each; utilisation steps x 11 tokens x 2,048 bytes
    // over its bandwidth. The other convoy (half of two) queues behind each prompt.
    const busy = (steps * 11 * 2048) / 2.048e7;
    const wait = (0.5 * (steps / 10) * 0.01 * 0.01) / 2 / (1 - busy);
    const p = predictDelivered(cluster, plan, workload, base(2200, { groups: 2 }));
    expect(p.inflight).toBeCloseTo(10, 9);
    expect(wait / round0).toBeGreaterThan(0.15);
    expect(p.tpotSec).toBeCloseTo(round0 + wait, 6);
    expect(p.decodeThroughput).toBeCloseTo(10 / (round0 + wait), 3);
    // The first token: the prompt's pass (4 layers x 1.99 ms), its 10 ms over the link, the queue
    // there, and the three latencies.
    expect(p.ttftSec).toBeCloseTo(0.003 + 0.00796 + 0.01 + wait, 6);
    // One convoy carries every prompt itself, so it never queues behind one.
    const alone = predictDelivered(cluster, plan, workload, base(2200, { groups: 1 }));
    const round1 = 0.003 + 2 * (2 * (1.09 + 1.99)) / 1000 + 0.011;
    expect(alone.tpotSec).toBeCloseTo(round1, 6);
  });

  it('a plan where max flow binds: throughput is the max flow and TPOT follows Little\'s law', () => {
    const cluster = smallCluster({ layers: 2, nodes: [{ name: 'a', gpu: 'G', throughput: [300, 100] }], ...quickLinks });
    const plan = smallPlan(cluster, [{ start: 0, end: 2 }]);
    expect(plan.throughput).toBeCloseTo(100, 6);
    const p = predictDelivered(cluster, plan, fixed, base(4000));
    expect(p.limitedBy).toBe('maxflow');
    expect(p.throughput).toBeCloseTo(100, 6);
    expect(p.decodeThroughput).toBeCloseTo(50, 6);
    expect(p.tpotSec).toBeCloseTo(p.inflight / 50, 9);
  });

  it('rescales the max flow to the workload predicted when the capacities are for another mix', () => {
    const cluster = smallCluster({ layers: 2, nodes: [{ name: 'a', gpu: 'G', throughput: [300, 100] }], ...quickLinks });
    const plan = smallPlan(cluster, [{ start: 0, end: 2 }]);
    // Capacities for short prompts and long answers; the workload predicted is the reverse.
    const profiled = { input: 10, output: 100 };
    const promptHeavy = { input: 100, output: 10 };
    const ratio = mixRatio(flat, 2, 2, 4000, 0.5, promptHeavy, profiled);
    // Derived by hand (profiles/derive.ts, one node holding the whole model, share 1): 2,000
    // slots / 110-token contexts = 18.18 resident. For 10:100, 0.18 prompts per step: a batch of
    // 18, a cycle of 5.5 steps with one 11-token prompt pass = 110 tokens in 2 x (1.1 + 5.5 x 1.17) ms. For
    // 100:10, 18.18 / 10 = 1.818 requests finish per step, and as many prompts start: one batch of
    // 181.8 prompt tokens and a decode batch of 18.18, 200 tokens in 2 x (2.808 + 1.1718) ms
    // (Helix's derivation caps prompts at one per step: 110 tokens in 2 x (1.99 + 1.09) ms, which
    // the simulator beats by far on short answers). Prompt tokens batch better, so the same node
    // carries more.
    const resident = 2000 / 110;
    const ms = (batch: number) => 1 + 0.01 * (batch - 1);
    const promptHeavyRate = (resident * 11) / (2 * (ms(resident * 10) + ms(resident)));
    expect(promptHeavyRate).toBeCloseTo(200 / (2 * (2.808 + 1.1718)), 2);
    expect(ratio).toBeCloseTo(promptHeavyRate / (110 / (2 * (1.1 + 5.5 * 1.17))), 6);
    expect(ratio).toBeGreaterThan((110 / (2 * (1.99 + 1.09))) / (110 / (2 * (1.1 + 5.5 * 1.17))));
    expect(ratio).toBeGreaterThan(1);
    // No batch holds more than the model's context: with a cap of 100 tokens, 81.8 prompt tokens
    // join the decode batch of 18.18 each step.
    const capped = mixRatio(flat, 2, 2, 4000, 0.5, promptHeavy, profiled, 100);
    const cappedRate = 100 / (2 * (ms(100 - resident) + ms(resident)));
    expect(capped).toBeCloseTo(cappedRate / (110 / (2 * (1.1 + 5.5 * 1.17))), 6);
    expect(capped).toBeLessThan(ratio);
    const p = predictDelivered(cluster, plan, promptHeavy, base(4000, { capacityMix: profiled }));
    expect(p.limitedBy).toBe('maxflow');
    expect(p.throughput).toBeCloseTo(100 * ratio, 6);
    expect(p.maxFlow).toBeCloseTo(100, 6);
    // The same mix as the capacities': nothing to rescale.
    expect(predictDelivered(cluster, plan, promptHeavy, base(4000, { capacityMix: promptHeavy })).throughput).toBeCloseTo(100, 6);
  });

  it('slows the round by the load: u = convoy rate / max flow, pace = loadPace(u)', () => {
    // A fork, so no path is whole: a [0, 1) feeds b and c [1, 2) equally; 100 requests fill a's
    // room, 50 on each path. Batches: a 100 sequences (decode 1.99 ms + one 10-token prompt 1.09
    // ms), b and c 50 (1.49 + 1.09 ms); three latencies of 1 ms. Each path's round is 8.66 ms, so
    // the convoy picture runs 100 / 0.00866 steps/s of 2 tokens each.
    const round = 0.003 + (1.99 + 1.09 + 1.49 + 1.09) / 1000;
    const convoy = (2 * 100) / round;
    const fork = (capacity: number) => {
      const cluster = smallCluster({ layers: 2, nodes: [{ name: 'a', gpu: 'G', throughput: [capacity] }, { name: 'b', gpu: 'G', throughput: [capacity / 2] }, { name: 'c', gpu: 'G', throughput: [capacity / 2] }], ...quickLinks });
      return predictDelivered(cluster, smallPlan(cluster, [{ start: 0, end: 1 }, { start: 1, end: 2 }, { start: 1, end: 2 }]), fixed, base(4000, { paced: true }));
    };
    // A max flow of twice the convoy picture puts u at 0.5.
    const p = fork(2 * convoy);
    expect(p.paths.map((q) => q.inflight)).toEqual([50, 50]);
    expect(loadPace(0.5)).toBeCloseTo(0.95, 9);
    expect(p.throughput / (convoy * 0.95)).toBeCloseTo(1, 6);
    expect(p.inflight).toBeCloseTo(100, 9);
    // Little's law still holds: the same requests in flight, each round 1 / 0.95 as long.
    expect(p.tpotSec / (round / 0.95)).toBeCloseTo(1, 6);
    expect(p.limitedBy).toBe('kv');
    // Far below capacity rounds go faster than the convoys (base 1.1 at u = 0); the max flow still caps.
    const idle = fork(1e9);
    expect(idle.throughput / convoy).toBeCloseTo(loadPace(convoy / 1e9), 6);
    const capped = fork(0.9 * convoy);
    expect(capped.limitedBy).toBe('maxflow');
    expect(capped.throughput / (0.9 * convoy)).toBeCloseTo(1, 6);
  });

  it('does not pace a whole path: its waiting is counted as bunching instead', () => {
    // The one-node case above in two convoys of 50: decode 1.49 ms, a whole prompt pass (50 / 10
    // start a step, at most one waited for) 1.09 ms, 2 layers. The path is whole, so decode is
    // charged bunchedWait(50 / 10 prompts a round, 2), nearly 1.5, and the load pace is not
    // applied although the profile puts u at 0.5.
    const bunched = 1 + 0.5 * (1 - Math.exp(-5 / 0.08));
    const round = 0.002 + (2 * (1.49 * bunched + 1.09)) / 1000;
    const convoy = 200 / round;
    const cluster = smallCluster({ layers: 2, nodes: [{ name: 'a', gpu: 'G', throughput: [1e6, 2 * convoy] }], ...quickLinks });
    const p = predictDelivered(cluster, smallPlan(cluster, [{ start: 0, end: 2 }]), fixed, base(4000, { paced: true, groups: 2 }));
    expect(p.tpotSec).toBeCloseTo(round, 6);
    expect(p.throughput / convoy).toBeCloseTo(1, 6);
  });

  it('charges a convoy its own path\'s prompts whole and other routes\' prompts at a shared node by half', () => {
    // a [0, 1) feeds b and c [1, 2) equally. 10:100 requests, 110-token contexts: each node's room
    // is 0.5 x 4,000 / 110 = 18.18 requests, a's shared by the two paths, 9.09 each. At a, a
    // convoy (one group) meets the prompts its own 9.09 requests start and, half done, those of
    // the other path's 9.09: 13.64 / 100 prompt passes of 10 tokens (1.09 ms) a step. At b only
    // its own: 9.09 / 100. Decode: a batch of 18.18 at a (1.1718 ms), 9.09 at b (1.0809 ms).
    // a is twice as fast as b or c, so the max flow needs both branches, equally.
    const cluster = smallCluster({ layers: 2, nodes: [{ name: 'a', gpu: 'G', throughput: [2e6] }, fast('b', 1), fast('c', 1)], ...quickLinks });
    const plan = smallPlan(cluster, [{ start: 0, end: 1 }, { start: 1, end: 2 }, { start: 1, end: 2 }]);
    const p = predictDelivered(cluster, plan, { input: 10, output: 100 }, base(4000));
    const perPath = (0.5 * 4000) / 110 / 2;
    expect(p.paths.map((q) => q.inflight)).toEqual([perPath, perPath].map((x) => expect.closeTo(x, 9)));
    const ms = (batch: number) => 1 + 0.01 * (batch - 1);
    const round = 0.003 + (ms(2 * perPath) + ((1.5 * perPath) / 100) * 1.09 + ms(perPath) + (perPath / 100) * 1.09) / 1000;
    expect(p.tpotSec).toBeCloseTo(round, 6);
    expect(p.decodeThroughput).toBeCloseTo((2 * perPath) / round, 0);
  });

  it('takes a path as whole only where no other placed range could join or leave it', () => {
    const ranges = (...r: [number, number][]) => r.map(([start, end]) => ({ start, end }));
    const path = (...nodes: number[]) => ({ nodes, flow: 1, edges: [] });
    // A strict chain.
    expect(wholePaths([path(0, 1)], ranges([0, 2], [2, 4]), 4, false)).toEqual([true]);
    // A fork: b and c both continue a, so a's requests part and its batches mix both routes.
    expect(wholePaths([path(0, 1), path(0, 2)], ranges([0, 2], [2, 4], [2, 4]), 4, false)).toEqual([false, false]);
    // Two pipelines with their own boundaries never meet; with the same boundaries the routing
    // could cross from one to the other, so neither is whole.
    expect(wholePaths([path(0, 1), path(2, 3)], ranges([0, 2], [2, 4], [0, 1], [1, 4]), 4, false)).toEqual([true, true]);
    expect(wholePaths([path(0, 1), path(2, 3)], ranges([0, 2], [2, 4], [0, 2], [2, 4]), 4, false)).toEqual([false, false]);
    // A path through an unplaced node (a stale flow) is not whole; an idle placed node starting
    // where the chain's first stage ends could take its requests, so the chain is not whole either.
    expect(wholePaths([path(0, 1)], [...ranges([0, 2]), null], 4, false)).toEqual([false]);
    expect(wholePaths([path(0, 1)], ranges([0, 2], [2, 4], [2, 3]), 4, false)).toEqual([false]);
    // A replica of one stage joins the chain there.
    expect(wholePaths([path(0, 1)], [...ranges([0, 2], [2, 4]), null, ...ranges([2, 4])], 4, false)).toEqual([false]);
    // Partial inference lets ranges continue overlapping ones, which exact boundaries do not show.
    expect(wholePaths([path(0, 1)], ranges([0, 2], [2, 4]), 4, true)).toEqual([false]);
  });

  it('bunches whole convoys by the prompts they pick up: none without prompts, (g - 1) / 2 of a batch with many', () => {
    expect(bunchedWait(0, 2)).toBe(1);
    expect(bunchedWait(0.08, 2)).toBeCloseTo(1 + 0.5 * (1 - Math.exp(-1)), 12);
    expect(bunchedWait(10, 2)).toBeCloseTo(1.5, 9);
    expect(bunchedWait(10, 4)).toBeCloseTo(2.5, 9);
    // One convoy has nobody to wait for.
    expect(bunchedWait(10, 1)).toBe(1);
  });

  it('an online rate below capacity is delivered as offered, with fewer requests in flight', () => {
    const cluster = smallCluster({ layers: 2, nodes: [fast('a', 2)], ...quickLinks });
    const plan = smallPlan(cluster, [{ start: 0, end: 2 }]);
    const offline = predictDelivered(cluster, plan, fixed, base(4000));
    const online = predictDelivered(cluster, plan, fixed, base(4000, { requestRate: 100 }));
    expect(online.throughput).toBeCloseTo(100 * 20, 6);
    expect(online.inflight).toBeLessThan(offline.inflight);
    expect(online.tpotSec).toBeLessThan(offline.tpotSec);
  });

  it('splits a branching flow into paths that add up to the max flow', () => {
    const cluster = smallCluster({ layers: 2, nodes: [fast('a', 1), fast('b', 1), fast('c', 1)], ...quickLinks });
    const plan = smallPlan(cluster, [{ start: 0, end: 1 }, { start: 1, end: 2 }, { start: 1, end: 2 }]);
    const paths = decomposeFlow(cluster, plan);
    expect(paths.reduce((s, p) => s + p.flow, 0)).toBeCloseTo(plan.throughput, 3);
    for (const p of paths) expect(p.nodes[0]).toBe(0);
  });

  it('weights the resident context by output length', () => {
    const w = workloadOf([10, 10], [10, 30]);
    expect(w.input).toBe(10);
    expect(w.output).toBe(20);
    expect(w.residentContext).toBeCloseTo((20 * 10 + 40 * 30) / 40, 9);
  });

  it('never predicts more than max flow, in the units of the profiles (random clusters and placements)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), fc.integer({ min: 100, max: 1e7 }), fc.boolean(), (seed, kv, online) => {
        const cluster = randomSmallCluster(seed, { nodes: 4, layers: 4, maxLayers: 4 });
        const placement = wrappingPlacement(cluster);
        const plan = planFor(cluster, placement);
        const layerTimes = timings({ G0: flat, G1: flat, G2: { prompt: affine(3, 0.05), decode: affine(2, 0.001) } });
        const p = predictDelivered(cluster, plan, fixed, { layerTimes, kvTokens: () => kv, groups: 2, requestRate: online ? 50 : undefined, capacityMix: null });
        expect(p.throughput).toBeLessThanOrEqual(plan.throughput * (1 + 1e-9) + 1e-9);
        expect(p.throughput).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 150 },
    );
  });
});

describe('confirmCount', () => {
  it('keeps the fastest finalist busy past the confirming window', async () => {
    const { confirmCount } = await import('../../src/delivered/objective.js');
    const cluster = smallCluster({ layers: 2, nodes: [fast('a', 2)], ...quickLinks });
    const plan = smallPlan(cluster, [{ start: 0, end: 2 }]);
    const slow = predictDelivered(cluster, plan, fixed, base(400));
    const quick = predictDelivered(cluster, plan, fixed, base(40_000));
    const count = confirmCount([slow, quick]);
    // 800 s at the faster predicted rate, in requests of 20 tokens, with room to spare.
    expect(count).toBeGreaterThan((800 * quick.throughput) / 20);
    expect(count).toBeGreaterThanOrEqual(confirmCount([slow]));
    // A window ending later (the benchmark's, say) needs more.
    expect(confirmCount([slow, quick], 1600)).toBeGreaterThan((1600 * quick.throughput) / 20);
  });
});

describe('one-token answers', () => {
  it('have no TPOT to predict: 0, which the summary shows as none', () => {
    const cluster = smallCluster({ layers: 2, nodes: [{ name: 'a', gpu: 'G', throughput: [300, 100] }], ...quickLinks });
    const plan = smallPlan(cluster, [{ start: 0, end: 2 }]);
    expect(predictDelivered(cluster, plan, { input: 10, output: 1 }, base(4000)).tpotSec).toBe(0);
    expect(predictDelivered(cluster, plan, { input: 10, output: 2 }, base(4000)).tpotSec).toBeGreaterThan(0);
  });
});

describe('resizedConfirmCount', () => {
  it('sizes the stream again from the request rate runs that ran dry reached', async () => {
    const { resizedConfirmCount } = await import('../../src/delivered/objective.js');
    const dry = (finished: number, simulatedSec: number, meanInFlight = 0) => ({ requests: { finished }, simulatedSec, meanInFlight }) as unknown as import('../../src/sim/simulate.js').SimReport;
    // 1,000 requests done in 100 s: 10 per second, so 800 s of window needs 2 x 8,000.
    expect(resizedConfirmCount(1000, [dry(1000, 100)])).toBe(16_000);
    // The fastest run decides; requests still in flight are added.
    expect(resizedConfirmCount(1000, [dry(1000, 100), dry(1000, 50, 30)])).toBe(32_030);
    // Never less than twice the stream that ran dry.
    expect(resizedConfirmCount(1000, [dry(10, 1000)])).toBe(2000);
  });
});
