// Homogeneous: every node holds the same number of layers, the most the weakest node can hold,
// as a naive operator would configure a mixed cluster.

import type { Cluster, Placement } from '../../spec/types.js';
import { dealToStages } from './stages.js';

export function homogeneousPlacement(cluster: Cluster): Placement {
  const L = cluster.model.layers;
  const k = Math.min(...cluster.nodes.map((x) => x.capacity.length));
  const stages = [];
  for (let s = 0; s < L; s += k) stages.push({ start: s, end: Math.min(L, s + k) });
  return dealToStages(cluster, stages, cluster.nodes.map((_, i) => i)) ?? cluster.nodes.map(() => null);
}
