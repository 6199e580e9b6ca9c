// Hand-worked timelines. Conventions of every case here: coordinator links 1e6 bytes/s with 1 ms
// latency, token ids 2 bytes, activations 2048 bytes per token (test model, hidden 1024, fp16).

import { describe, expect, it } from 'vitest';
import { simulate, type SimOptions } from '../../src/sim/simulate.js';
import { generateRequests, type RequestStream } from '../../src/sim/requests.js';
import type { Cluster } from '../../src/spec/types.js';
import type { Plan } from '../../src/plan/types.js';
import { affine, smallCluster, smallPlan, timings } from './small.js';

// prompt: 1 ms per layer for one token, +0.01 ms per extra token (101 tokens: 2 ms);
// decode: 0.5 ms per layer for one sequence, +0.01 ms per extra sequence.
const TIMES = timings({ G: { prompt: affine(1, 0.01), decode: affine(0.5, 0.01) } });

function fixed(count: number, input: number, output: number): RequestStream {
  return generateRequests({ kind: 'offline', count }, { kind: 'fixed', input, output }, 1);
}

function run(cluster: Cluster, plan: Plan, requests: RequestStream, extra: Partial<SimOptions> = {}) {
  return simulate(cluster, plan, { requests, layerTimes: TIMES, kvFill: 1, kvTokens: () => 1e6, ...extra });
}

describe('one node, one request', () => {
  const cluster = smallCluster({ layers: 4, nodes: [{ name: 'a', gpu: 'G', throughput: [1, 1, 1, 1] }] });
  const plan = smallPlan(cluster, [{ start: 0, end: 4 }]);

  it('takes the times worked out by hand', () => {
    // Prompt of 101 tokens: 202 bytes to the node (0.202 ms + 1 ms), 4 layers x 2 ms, 2 bytes back
    // (0.002 ms + 1 ms): first token at 10.204 ms. Each of the 2 decode steps: 1.002 ms out,
    // 4 x 0.5 ms, 1.002 ms back = 4.004 ms; done at 18.212 ms.
    const r = run(cluster, plan, fixed(1, 101, 3));
    expect(r.requests).toEqual({ total: 1, finished: 1, rejected: 0, unfinished: 0, notArrived: 0 });
    expect(r.ttft.mean).toBeCloseTo(0.010204, 9);
    expect(r.tpot.mean).toBeCloseTo(0.004004, 9);
    expect(r.latency.mean).toBeCloseTo(0.018212, 9);
    expect(r.simulatedSec).toBeCloseTo(0.018212, 9);
    // 101 prompt tokens and 3 generated in 18.212 ms.
    expect(r.throughput.prompt).toBeCloseTo(101 / 0.018212, 6);
    expect(r.throughput.decode).toBeCloseTo(3 / 0.018212, 6);
    const node = r.nodes[0];
    expect(node.batches).toBe(3);
    expect(node.meanBatchTokens).toBeCloseTo((101 + 1 + 1) / 3, 9);
    expect(node.utilisation).toBeCloseTo((0.008 + 0.002 + 0.002) / 0.018212, 9);
    expect(node.kvPeak).toBeCloseTo(104 / 1e6, 12);
  });

  it('counts a one-token answer as done when the prompt pass returns', () => {
    const r = run(cluster, plan, fixed(1, 101, 1));
    expect(r.latency.mean).toBeCloseTo(0.010204, 9);
    expect(r.tpot.count).toBe(0);
  });
});

describe('two-node pipeline', () => {
  // a holds 0-2, b holds 2-4; a -> b carries 1000 activation-tokens/s (2.048e6 bytes/s), 2 ms.
  const cluster = smallCluster({
    layers: 4,
    nodes: [
      { name: 'a', gpu: 'G', throughput: [1, 1] },
      { name: 'b', gpu: 'G', throughput: [1, 1] },
    ],
    link: () => ({ bandwidth: 2.048e6, latency: 0.002 }),
  });
  const plan = smallPlan(cluster, [
    { start: 0, end: 2 },
    { start: 2, end: 4 },
  ]);

  it('adds each stage and each hop, the prompt\'s activations paying the link\'s bandwidth', () => {
    // to a 1.202 ms; a: 2 x 2 ms -> 5.202; a -> b: 101 x 2048 B = 101 ms + 2 ms -> 108.202;
    // b: 4 ms -> 112.202; back 1.002 ms -> 113.204 (first token).
    // decode: to a 1.002 -> 114.206; a 1 ms -> 115.206; a -> b 1 ms + 2 ms -> 118.206;
    // b 1 ms -> 119.206; back 1.002 -> 120.208.
    const r = run(cluster, plan, fixed(1, 101, 2));
    expect(r.ttft.mean).toBeCloseTo(0.113204, 9);
    expect(r.latency.mean).toBeCloseTo(0.120208, 9);
    expect(r.tpot.mean).toBeCloseTo(0.007004, 9);
    expect(r.nodes.map((n) => n.batches)).toEqual([2, 2]);
  });

  it('queues a second prompt behind the first on the shared link', () => {
    // Both prompts leave a at 5.202 and 9.202 ms (a runs them one after the other: the second
    // arrives at 1.404 ms, while a is busy). The link is free again at 5.202 + 101 = 106.202 ms,
    // so the second transfer starts only then, not at 9.202 ms: arrival 207.202 + 2 = 209.202 ms.
    // Hence its first token at 209.202 + 4 (b) + 1.002 = 214.204 ms.
    const r = run(cluster, plan, fixed(2, 101, 1));
    expect(r.requests.finished).toBe(2);
    expect(r.ttft.mean).toBeCloseTo((0.113204 + 0.214204) / 2, 9);
    expect(r.simulatedSec).toBeCloseTo(0.214204, 9);
  });
});

describe('KV cache admission', () => {
  const cluster = smallCluster({ layers: 2, nodes: [{ name: 'a', gpu: 'G', throughput: [1, 1] }] });
  const plan = smallPlan(cluster, [{ start: 0, end: 2 }]);

  it('holds a request back until a finishing one frees room', () => {
    // Room for 150 tokens, each request needs 101 + 3 = 104: the second waits for the first.
    const r = simulate(cluster, plan, { requests: fixed(2, 101, 3), layerTimes: TIMES, kvFill: 1, kvTokens: () => 150 });
    expect(r.requests.finished).toBe(2);
    // One alone takes 1.202 + 2 x 2 + 1.002 = 6.204 ms to its first token, then 2 steps of
    // 1.002 + 2 x 0.5 + 1.002 = 3.004 ms: done at 12.212 ms. The second starts then, ending
    // 12.212 ms later.
    expect(r.latency.mean).toBeCloseTo((0.012212 + 0.024424) / 2, 9);
    expect(r.ttft.mean).toBeCloseTo((0.006204 + 0.012212 + 0.006204) / 2, 9);
    expect(r.nodes[0].kvPeak).toBeCloseTo(104 / 150, 9);
    expect(r.meanInFlight).toBeCloseTo(1, 6);
  });

  it('rejects a request no path can ever hold, and one longer than the model\'s context', () => {
    const small = simulate(cluster, plan, { requests: fixed(1, 101, 3), layerTimes: TIMES, kvFill: 1, kvTokens: () => 100 });
    expect(small.requests).toEqual({ total: 1, finished: 0, rejected: 1, unfinished: 0, notArrived: 0 });
    const long = simulate(cluster, plan, { requests: fixed(1, 4000, 200), layerTimes: TIMES, kvFill: 1, kvTokens: () => 1e9 });
    expect(long.requests.rejected).toBe(1);
  });

  it('sizes the cache from memory left after the weights, scaled by the fill', () => {
    // vramBytes 16e9 -> usable 0.9 x 16e9 - 2e9 = 12.4e9; minus 2 layers x 0.2e9 = 12.0e9;
    // over 2 layers x 4096 bytes per token per layer: 1,464,843 tokens; 30% of that.
    const r = simulate(cluster, plan, { requests: fixed(1, 10, 2), layerTimes: TIMES, kvFill: 0.3 });
    expect(r.nodes[0].kvLimitTokens).toBe(Math.floor(0.3 * (12.0e9 / (2 * 4096))));
  });
});

describe('a saturated path', () => {
  // Time proportional to tokens (no fixed cost): a node holding k layers processes
  // 1000 / (k x per-token ms) tokens/s whatever its batch, so its profile is exact.
  const linear = (msPerToken: number) => ({ prompt: affine(msPerToken, msPerToken), decode: affine(msPerToken, msPerToken) });

  it('delivers the profile throughput of a single node holding every layer', () => {
    const cluster = smallCluster({ layers: 4, nodes: [{ name: 'a', gpu: 'G', throughput: [0, 0, 0, 25000] }], coordinator: { bandwidth: 1e12, latency: 0 } });
    const plan = smallPlan(cluster, [{ start: 0, end: 4 }]);
    expect(plan.throughput).toBeCloseTo(25000, 6);
    const r = simulate(cluster, plan, { requests: fixed(100, 100, 100), layerTimes: timings({ G: linear(0.01) }), kvFill: 1, kvTokens: () => 1e9, maxBatchTokens: 1e6 });
    // 100 x (100 prompt + 99 decode passes) at 0.04 ms each = 796 ms; 100 x 200 tokens counted.
    expect(r.simulatedSec).toBeCloseTo(0.796, 6);
    expect(r.throughput.total).toBeCloseTo(25000 * (200 / 199), 3);
  });

  it('keeps a two-stage pipeline at its bottleneck\'s profile rate when batches are capped', () => {
    // a: 2 layers at 0.02 ms per token each -> 25,000 tokens/s; b twice as fast. Max flow 25,000.
    const cluster = smallCluster({
      layers: 4,
      nodes: [
        { name: 'a', gpu: 'A', throughput: [0, 25000] },
        { name: 'b', gpu: 'B', throughput: [0, 50000] },
      ],
      link: () => ({ bandwidth: 1e12, latency: 0 }),
      coordinator: { bandwidth: 1e12, latency: 0 },
    });
    const plan = smallPlan(cluster, [
      { start: 0, end: 2 },
      { start: 2, end: 4 },
    ]);
    expect(plan.throughput).toBeCloseTo(25000, 6);
    const r = simulate(cluster, plan, {
      requests: fixed(128, 32, 32),
      layerTimes: timings({ A: linear(0.02), B: linear(0.01) }),
      kvFill: 1,
      kvTokens: () => 1e9,
      maxBatchTokens: 64,
    });
    const passRate = (r.throughput.total * 63) / 64; // 63 passes per 64 tokens counted
    expect(passRate / 25000).toBeGreaterThan(0.97);
    expect(passRate / 25000).toBeLessThan(1.0001);
    expect(r.nodes[0].utilisation).toBeGreaterThan(0.97);
    expect(r.nodes[1].utilisation).toBeGreaterThan(0.45);
    expect(r.nodes[1].utilisation).toBeLessThan(0.55);
  });
});

describe('determinism', () => {
  const cluster = smallCluster({
    layers: 4,
    nodes: [
      { name: 'a', gpu: 'G', throughput: [6000, 3000] },
      { name: 'b', gpu: 'G', throughput: [4000, 2000] },
      { name: 'c', gpu: 'G', throughput: [2000, 1000] },
    ],
  });
  const plan = smallPlan(cluster, [
    { start: 0, end: 2 },
    { start: 2, end: 4 },
    { start: 2, end: 4 },
  ]);
  const stream = (seed: number) => generateRequests({ kind: 'poisson', rate: 20, durationSec: 5 }, { kind: 'fixed', input: 50, output: 20 }, seed);
  const strip = ({ wallSec: _w, ...rest }: ReturnType<typeof simulate>) => rest;

  it('gives identical reports for the same seed, random routing included', () => {
    for (const policy of ['iwrr', 'random'] as const) {
      const a = run(cluster, plan, stream(5), { policy, seed: 3 });
      const b = run(cluster, plan, stream(5), { policy, seed: 3 });
      expect(strip(a)).toEqual(strip(b));
      expect(a.requests.finished).toBe(a.requests.total);
    }
  });

  it('changes with the seed', () => {
    const a = run(cluster, plan, stream(5));
    const b = run(cluster, plan, stream(6));
    expect(a.requests.total === b.requests.total && a.latency.mean === b.latency.mean).toBe(false);
  });

  it('stops at --until with the unfinished counted', () => {
    const r = run(cluster, plan, stream(5), { untilSec: 2 });
    expect(r.truncated).toBe(true);
    expect(r.simulatedSec).toBe(2);
    expect(r.requests.unfinished).toBeGreaterThan(0);
    expect(r.window.end).toBe(2);
  });
});
