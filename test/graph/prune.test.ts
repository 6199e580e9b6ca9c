import { describe, expect, it } from 'vitest';
import { keepLinks } from '../../src/graph/prune.js';
import { evaluatePlacement } from '../../src/graph/placement-flow.js';
import { randomSmallCluster } from '../fixtures/clusters.js';
import { createRng } from '../../src/search/rng.js';
import type { LayerRange } from '../../src/spec/types.js';

describe('link pruning', () => {
  const c = randomSmallCluster(21, { nodes: 6, layers: 5, maxLayers: 3, regions: 2, missingLinks: 0.1 });
  const n = c.nodes.length;
  const out = (cap: Float64Array, i: number) => Array.from({ length: n }, (_, j) => cap[i * n + j]).filter((x) => x > 0);

  it("keeps each node's N fastest outgoing links and counts the rest", () => {
    const { cluster: p, dropped } = keepLinks(c, 2);
    let expectedDropped = 0;
    for (let i = 0; i < n; i++) {
      const before = out(c.linkCapacity, i).sort((a, b) => b - a);
      const after = out(p.linkCapacity, i).sort((a, b) => b - a);
      expect(after).toEqual(before.slice(0, 2));
      expectedDropped += Math.max(0, before.length - 2);
    }
    expect(dropped).toBe(expectedDropped);
    expect(dropped).toBeGreaterThan(0);
  });

  it('breaks ties among equal links by the nodes after each one, so every node keeps N incoming links', () => {
    const flat = randomSmallCluster(3, { nodes: 7, layers: 4, maxLayers: 2 });
    const m = flat.nodes.length;
    const linkCapacity = new Float64Array(m * m).map((_, x) => (Math.floor(x / m) === x % m ? 0 : 100));
    const { cluster: p } = keepLinks({ ...flat, linkCapacity }, 2);
    for (let i = 0; i < m; i++) {
      const kept = Array.from({ length: m }, (_, j) => j).filter((j) => p.linkCapacity[i * m + j] > 0);
      expect(kept).toEqual([(i + 1) % m, (i + 2) % m].sort((a, b) => a - b));
      expect(Array.from({ length: m }, (_, j) => j).filter((j) => p.linkCapacity[j * m + i] > 0)).toHaveLength(2);
    }
  });

  it('rebuilds every link array consistently and leaves the rest alone', () => {
    const { cluster: p } = keepLinks(c, 1);
    for (let x = 0; x < n * n; x++) {
      const kept = p.linkCapacity[x] > 0;
      expect(p.linkBandwidth[x] > 0).toBe(kept);
      if (kept) expect([p.linkBandwidth[x], p.linkLatency[x]]).toEqual([c.linkBandwidth[x], c.linkLatency[x]]);
      else expect(p.linkLatency[x]).toBe(0);
    }
    expect(p.sourceCapacity).toBe(c.sourceCapacity);
    expect(p.sinkCapacity).toBe(c.sinkCapacity);
    expect(p.inputHash).toBe(c.inputHash);
    expect(p.linkCapacity).not.toBe(c.linkCapacity);
    expect(out(c.linkCapacity, 0).length).toBeGreaterThan(1); // the original is untouched
  });

  it('drops nothing when N covers every link, everything when N is 0', () => {
    expect(keepLinks(c, n).dropped).toBe(0);
    const none = keepLinks(c, 0);
    expect(none.cluster.linkCapacity.every((x) => x === 0)).toBe(true);
    expect(() => keepLinks(c, -1)).toThrow(RangeError);
    expect(() => keepLinks(c, 1.5)).toThrow(RangeError);
  });

  it('never raises the throughput of a placement', () => {
    const rng = createRng(5);
    const { cluster: p } = keepLinks(c, 2);
    for (let t = 0; t < 200; t++) {
      const placement = c.nodes.map((node): LayerRange | null => {
        if (rng.next() < 0.2) return null;
        const k = rng.int(1, node.capacity.length);
        const s = rng.int(0, c.model.layers - k);
        return { start: s, end: s + k };
      });
      expect(evaluatePlacement(p, placement).throughput).toBeLessThanOrEqual(evaluatePlacement(c, placement).throughput + 1e-9);
    }
  });
});
