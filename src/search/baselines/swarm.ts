// Swarm: the layers are split into equal consecutive stages and every node serves one stage, so
// links only ever join consecutive stages. The stage count is the operator's choice; a fair
// baseline tries every count the nodes can support and keeps the best by exact max flow.

import type { Cluster, Placement } from '../../spec/types.js';
import { evaluatePlacement } from '../../graph/placement-flow.js';
import { dealToStages, equalStages } from './stages.js';

export interface SwarmOptions {
  /** Only these nodes take part (the others stay unused); all nodes when absent. */
  readonly nodes?: readonly number[];
  /** Use exactly this many stages instead of trying every feasible count. */
  readonly stages?: number;
}

export interface SwarmResult {
  readonly placement: Placement;
  /** Exact max flow of the placement (only the chosen nodes hold layers). */
  readonly throughput: number;
  /** The stage count kept; 0 when no equal split gives every stage a node. */
  readonly stages: number;
}

export function swarmPlacement(cluster: Cluster, options: SwarmOptions = {}): Placement {
  return swarm(cluster, options).placement;
}

export function swarm(cluster: Cluster, options: SwarmOptions = {}): SwarmResult {
  const L = cluster.model.layers;
  const nodes = options.nodes ?? cluster.nodes.map((_, i) => i);
  let best: SwarmResult = { placement: cluster.nodes.map(() => null), throughput: 0, stages: 0 };
  if (nodes.length === 0) return best;
  // Fewer stages than this leave some stage longer than any node can hold; more stages than
  // nodes leave some stage empty.
  const maxHold = Math.max(...nodes.map((i) => cluster.nodes[i].capacity.length));
  const first = options.stages ?? Math.ceil(L / maxHold);
  const last = options.stages ?? Math.min(nodes.length, L);
  for (let stages = first; stages <= last; stages++) {
    const placement = dealToStages(cluster, equalStages(L, stages), nodes);
    if (!placement) continue;
    const throughput = evaluatePlacement(cluster, placement).throughput;
    if (throughput > best.throughput) best = { placement, throughput, stages };
  }
  return best;
}
