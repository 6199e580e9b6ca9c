// Separate pipelines: each GPU type (or region) forms its own pipelines and no flow crosses
// groups. Within a group, pipelines of m nodes split the layers evenly, with m the fewest nodes
// that can hold the model; the group's nodes are dealt out m at a time.

import type { Cluster, LayerRange, Placement } from '../../spec/types.js';
import { evaluatePlacement } from '../../graph/placement-flow.js';
import { equalStages } from './stages.js';

export type GroupBy = 'gpu' | 'region';

export function groupsOf(cluster: Cluster, by: GroupBy): number[][] {
  const groups = new Map<string, number[]>();
  cluster.nodes.forEach((node, i) => {
    const key = by === 'gpu' ? node.gpu : node.region;
    groups.set(key, [...(groups.get(key) ?? []), i]);
  });
  return [...groups.values()];
}

export function separatePlacement(cluster: Cluster, by: GroupBy = 'gpu'): Placement {
  const L = cluster.model.layers;
  const placement: (LayerRange | null)[] = cluster.nodes.map(() => null);
  for (const members of groupsOf(cluster, by)) {
    const hold = Math.min(...members.map((i) => cluster.nodes[i].capacity.length));
    const m = Math.ceil(L / hold);
    const stages = equalStages(L, m);
    for (let p = 0; (p + 1) * m <= members.length; p++) {
      stages.forEach((st, s) => (placement[members[p * m + s]] = st));
    }
  }
  return placement;
}

/** Throughput with no flow crossing groups: the sum of each group's own max flow. */
export function separateThroughput(cluster: Cluster, placement: Placement, by: GroupBy = 'gpu'): number {
  let total = 0;
  for (const members of groupsOf(cluster, by)) {
    const only = new Set(members);
    total += evaluatePlacement(cluster, placement.map((r, i) => (only.has(i) ? r : null))).throughput;
  }
  return total;
}
