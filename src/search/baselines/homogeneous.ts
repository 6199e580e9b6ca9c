// Homogeneous: every node holds the same number of layers, the most the weakest node can hold,
// as a naive operator would configure a mixed cluster. Stages are cut every k layers from layer 0;
// when k does not divide L the last stage holds the remainder (the only way to keep every other
// node at exactly k under the rule that a link carries tokens only where one range ends and the
// next begins). Nodes are dealt to stages to even out stage capacities, as in Swarm.

import type { Cluster, LayerRange, Placement } from '../../spec/types.js';
import { dealToStages } from './stages.js';

export interface HomogeneousOptions {
  /** Layers per node; the weakest node's maximum when absent. */
  readonly layersPerNode?: number;
}

export interface HomogeneousResult {
  readonly placement: Placement;
  readonly layersPerNode: number;
  readonly stages: number;
  /** False when some stage got no node (more stages than nodes that fit): nothing is placed. */
  readonly served: boolean;
}

export function homogeneousPlacement(cluster: Cluster, options: HomogeneousOptions = {}): Placement {
  return homogeneous(cluster, options).placement;
}

export function homogeneous(cluster: Cluster, options: HomogeneousOptions = {}): HomogeneousResult {
  const L = cluster.model.layers;
  const k = options.layersPerNode ?? Math.min(...cluster.nodes.map((x) => x.capacity.length));
  const stages: LayerRange[] = [];
  for (let s = 0; s < L; s += k) stages.push({ start: s, end: Math.min(L, s + k) });
  const dealt = dealToStages(cluster, stages, cluster.nodes.map((_, i) => i));
  return { placement: dealt ?? cluster.nodes.map(() => null), layersPerNode: k, stages: stages.length, served: dealt !== null };
}
