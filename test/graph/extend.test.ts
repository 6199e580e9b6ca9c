import { describe, expect, it } from 'vitest';
import { clusterOfPlan, leftOutByReplan, withoutNodes } from '../../src/graph/extend.js';
import { randomSmallCluster } from '../fixtures/clusters.js';

const cluster = randomSmallCluster(3, { nodes: 5, layers: 6, maxLayers: 6 });
const origin = (c: typeof cluster) => ({ nodes: c.nodes.map((n) => ({ name: n.name })), cluster: { inputHash: c.inputHash } });

describe('the cluster a plan was made for', () => {
  it('is the spec without the nodes a replan left out, recognised by the input hash it records', () => {
    const reduced = withoutNodes(cluster, new Set([1, 3]));
    expect(leftOutByReplan(cluster, origin(reduced))).toEqual([1, 3]);
    const own = clusterOfPlan(cluster, origin(reduced));
    expect(own.nodes.map((n) => n.name)).toEqual(reduced.nodes.map((n) => n.name));
    expect(own.inputHash).toBe(reduced.inputHash);
  });

  it('is the spec itself for a plan of the whole spec, or one whose missing nodes are not what its hash says', () => {
    expect(clusterOfPlan(cluster, origin(cluster))).toBe(cluster);
    // A plan that lists fewer nodes under the spec's own hash (hand-edited) is not a replan's.
    const edited = { nodes: cluster.nodes.slice(1).map((n) => ({ name: n.name })), cluster: { inputHash: cluster.inputHash } };
    expect(leftOutByReplan(cluster, edited)).toEqual([]);
    // Nor is one that lost another node than the one its hash was made without.
    const other = { nodes: cluster.nodes.filter((_, i) => i !== 2).map((n) => ({ name: n.name })), cluster: { inputHash: withoutNodes(cluster, new Set([1])).inputHash } };
    expect(clusterOfPlan(cluster, other)).toBe(cluster);
  });

  it('leaves out what a replan does not list once the spec changed otherwise too (its hash no longer tells)', () => {
    const drifted = { nodes: cluster.nodes.filter((_, i) => i !== 2).map((n) => ({ name: n.name })), cluster: { inputHash: 'sha256:spec-edited-since' }, settings: { method: 'replan' } };
    expect(leftOutByReplan(cluster, drifted)).toEqual([]);
    expect(clusterOfPlan(cluster, drifted).nodes.map((n) => n.name)).toEqual(cluster.nodes.filter((_, i) => i !== 2).map((n) => n.name));
    // A plan from `helix plan` made without a node predates it: the node is spare capacity.
    expect(clusterOfPlan(cluster, { ...drifted, settings: { method: 'milp' } })).toBe(cluster);
  });
});
