import { describe, expect, it } from 'vitest';
import { evaluatePlacement } from '../../src/graph/placement-flow.js';
import { joinPlacements, subCluster } from '../../src/graph/sub-cluster.js';
import { randomSmallCluster } from '../fixtures/clusters.js';
import { wrappingPlacement } from '../fixtures/plans.js';

const cluster = randomSmallCluster(7, { nodes: 6, layers: 6, maxLayers: 6, regions: 2, missingLinks: 0.2 });
const n = cluster.nodes.length;

describe('subCluster', () => {
  it('keeps the chosen nodes, renumbered in the order given, with their links and coordinator links', () => {
    const keep = [4, 1, 3];
    const g = subCluster(cluster, keep);
    expect(g.nodes.map((x) => x.name)).toEqual(['n4', 'n1', 'n3']);
    expect(g.nodes.map((x) => x.index)).toEqual([0, 1, 2]);
    keep.forEach((i, x) => {
      expect(g.sourceCapacity[x]).toBe(cluster.sourceCapacity[i]);
      expect(g.sinkLatency[x]).toBe(cluster.sinkLatency[i]);
      keep.forEach((j, y) => {
        expect(g.linkCapacity[x * 3 + y]).toBe(cluster.linkCapacity[i * n + j]);
        expect(g.linkBandwidth[x * 3 + y]).toBe(cluster.linkBandwidth[i * n + j]);
        expect(g.linkLatency[x * 3 + y]).toBe(cluster.linkLatency[i * n + j]);
      });
    });
    expect(g.model).toBe(cluster.model);
  });

  it('a placement found on a group means the same flow once joined back into the whole cluster', () => {
    const full = randomSmallCluster(7, { nodes: 6, layers: 6, maxLayers: 6 });
    // Enough nodes to hold every layer between them, most layers first, in a chain.
    const keep: number[] = [];
    for (const x of [...full.nodes].sort((a, b) => b.maxLayers - a.maxLayers)) {
      if (keep.reduce((s, i) => s + full.nodes[i].maxLayers, 0) >= full.model.layers) break;
      keep.push(x.index);
    }
    expect(keep.length).toBeLessThan(n);
    const g = subCluster(full, keep);
    const onGroup = wrappingPlacement(g);
    const joined = joinPlacements(n, [{ keep, placement: onGroup }]);
    expect(joined.filter((r) => r !== null)).toHaveLength(keep.length);
    keep.forEach((i, x) => expect(joined[i]).toEqual(onGroup[x]));
    const alone = evaluatePlacement(g, onGroup).throughput;
    expect(alone).toBeGreaterThan(0);
    // Links into nodes outside the group cannot matter: those nodes hold nothing.
    expect(evaluatePlacement(full, joined).throughput).toBeCloseTo(alone, 6);
  });
});
