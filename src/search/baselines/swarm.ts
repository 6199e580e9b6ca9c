// Swarm: the layers are split into equal consecutive stages and every node serves one stage, so
// links only ever join consecutive stages. The stage count is the operator's choice; a fair
// baseline tries every count the nodes can support and keeps the best by exact max flow.

import type { Cluster, Placement } from '../../spec/types.js';
import { evaluatePlacement, nodeCapacityFor, type FlowResult } from '../../graph/placement-flow.js';
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
  /** That max flow. */
  readonly flow: FlowResult;
  /** The stage count kept; 0 when no equal split gives every stage a node. */
  readonly stages: number;
}

export function swarmPlacement(cluster: Cluster, options: SwarmOptions = {}): Placement {
  return swarm(cluster, options).placement;
}

export function swarm(cluster: Cluster, options: SwarmOptions = {}): SwarmResult {
  const L = cluster.model.layers;
  const nodes = options.nodes ?? cluster.nodes.map((_, i) => i);
  const none = cluster.nodes.map(() => null);
  let best: SwarmResult = { placement: none, throughput: 0, flow: evaluatePlacement(cluster, none), stages: 0 };
  if (nodes.length === 0) return best;
  // Fewer stages than this leave some stage longer than any node can hold; more stages than
  // nodes leave some stage empty.
  const maxHold = Math.max(...nodes.map((i) => cluster.nodes[i].capacity.length));
  const first = options.stages ?? Math.ceil(L / maxHold);
  const last = options.stages ?? Math.min(nodes.length, L);
  const candidates: { placement: Placement; stages: number; bound: number }[] = [];
  for (let stages = first; stages <= last; stages++) {
    const placement = dealToStages(cluster, equalStages(L, stages), nodes);
    if (placement) candidates.push({ placement, stages, bound: cutBound(cluster, placement) });
  }
  // Exact max flows cost seconds each on thousands of nodes (4,000: 23 s for every count), so the
  // counts go in order of a cut bound and stop where the bound cannot beat the best. The result is
  // the plain loop's: the most throughput, ties to the fewest stages.
  candidates.sort((a, b) => b.bound - a.bound || a.stages - b.stages);
  for (const c of candidates) {
    if (c.bound * (1 + 1e-9) < best.throughput) break;
    const flow = evaluatePlacement(cluster, c.placement);
    const throughput = flow.throughput;
    if (throughput > best.throughput || (throughput === best.throughput && best.throughput > 0 && c.stages < best.stages)) {
      best = { placement: c.placement, throughput, flow, stages: c.stages };
    }
  }
  return best;
}

/**
 * An upper bound on a stage placement's max flow: the coordinator's links into the first stage,
 * each stage's compute, and the last stage's links back (each a cut of the flow graph).
 */
function cutBound(cluster: Cluster, placement: Placement): number {
  const L = cluster.model.layers;
  const byStart = new Map<number, number>();
  let into = 0;
  let back = 0;
  placement.forEach((r, i) => {
    if (!r) return;
    const capacity = nodeCapacityFor(cluster, i, r);
    byStart.set(r.start, (byStart.get(r.start) ?? 0) + capacity);
    if (r.start === 0) into += Math.min(capacity, cluster.sourceCapacity[i]);
    if (r.end === L) back += Math.min(capacity, cluster.sinkCapacity[i]);
  });
  return Math.min(into, back, ...byStart.values());
}
