import { describe, expect, it } from 'vitest';
import { FlowNetwork } from '../../src/graph/maxflow.js';
import { evaluatePlacement, SINK, SOURCE } from '../../src/graph/placement-flow.js';
import { buildCluster } from '../../src/spec/build.js';
import { testModel } from '../fixtures/clusters.js';

describe('FlowNetwork', () => {
  it('finds the max flow of a textbook network', () => {
    // CLRS figure 26.1: max flow 23.
    const net = new FlowNetwork(6);
    const e = [
      [0, 1, 16], [0, 2, 13], [1, 3, 12], [2, 1, 4], [2, 4, 14],
      [3, 2, 9], [3, 5, 20], [4, 3, 7], [4, 5, 4],
    ];
    for (const [u, v, c] of e) net.addEdge(u, v, c);
    expect(net.maxFlow(0, 5)).toBeCloseTo(23, 9);
  });

  it('returns zero when the sink is unreachable', () => {
    const net = new FlowNetwork(3);
    net.addEdge(0, 1, 5);
    expect(net.maxFlow(0, 2)).toBe(0);
  });
});

describe('evaluatePlacement', () => {
  const model = testModel(4);
  const act = model.activationBytesPerToken;
  const cluster = buildCluster({
    name: 'two',
    model,
    coordinatorRegion: 'r',
    nodes: [
      { name: 'a', gpu: 'X', region: 'r', vramBytes: 1e9, maxLayers: 4, nicBytesPerSec: 0, throughput: [400, 200, 100, 50], profileSource: 'measured' },
      { name: 'b', gpu: 'X', region: 'r', vramBytes: 1e9, maxLayers: 4, nicBytesPerSec: 0, throughput: [400, 200, 100, 50], profileSource: 'measured' },
    ],
    link: () => ({ bandwidth: 150 * act, latency: 0.001 }),
    coordinatorLink: () => ({ bandwidth: 1e9, latency: 0.001 }),
  });

  it('chains two nodes and is limited by the link', () => {
    const r = evaluatePlacement(cluster, [{ start: 0, end: 2 }, { start: 2, end: 4 }]);
    expect(r.throughput).toBeCloseTo(150, 6);
    const link = r.edges.find((e) => e.from === 0 && e.to === 1)!;
    expect(link.flow).toBeCloseTo(150, 6);
    expect(r.edges.some((e) => e.from === SOURCE && e.to === 0)).toBe(true);
    expect(r.edges.some((e) => e.from === 1 && e.to === SINK)).toBe(true);
  });

  it('adds up parallel full replicas', () => {
    const r = evaluatePlacement(cluster, [{ start: 0, end: 4 }, { start: 0, end: 4 }]);
    expect(r.throughput).toBeCloseTo(100, 6);
  });

  it('gives no flow when ranges do not connect', () => {
    const r = evaluatePlacement(cluster, [{ start: 0, end: 2 }, { start: 3, end: 4 }]);
    expect(r.throughput).toBe(0);
  });
});

describe('FlowNetwork snapshot and restore', () => {
  const rng = (seed: number) => () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const randomEdges = (seed: number, n: number, m: number): [number, number, number][] => {
    const r = rng(seed);
    return Array.from({ length: m }, () => [Math.floor(r() * n), Math.floor(r() * n), Math.round(r() * 100) / 10]);
  };
  const network = (n: number, edges: readonly [number, number, number][]) => {
    const net = new FlowNetwork(n);
    for (const [u, v, c] of edges) if (u !== v) net.addEdge(u, v, c);
    return net;
  };

  it('after restore, adding edges and augmenting gives the max flow of the larger graph', () => {
    for (let seed = 1; seed <= 100; seed++) {
      const edges = randomEdges(seed, 12, 40);
      const net = network(12, edges.slice(0, 20));
      let flow = net.maxFlow(0, 11);
      const state = net.snapshot();
      // A detour that is then undone: edges added and augmented over must vanish with restore.
      for (const [u, v, c] of edges.slice(20, 30)) if (u !== v) net.addEdge(u, v, c);
      net.maxFlow(0, 11);
      net.restore(state);
      for (const [u, v, c] of edges.slice(20)) if (u !== v) net.addEdge(u, v, c);
      flow += net.maxFlow(0, 11);
      expect(flow, `seed ${seed}`).toBeCloseTo(network(12, edges).maxFlow(0, 11), 9);
    }
  });
});

describe('FlowNetwork.restore', () => {
  it('refuses a snapshot of edges the network no longer holds', () => {
    const net = new FlowNetwork(3);
    net.addEdge(0, 1, 1);
    net.addEdge(1, 2, 1);
    const state = net.snapshot();
    net.clear();
    net.addEdge(0, 2, 5);
    net.addEdge(0, 1, 5);
    expect(() => net.restore(state)).toThrow(/no longer holds/);
  });
});
