// Every placement method on the same inputs, scored the same way (exact max flow), for
// `helix compare` and the benchmark: the table a user pastes into a design review.

import type { Cluster, Placement } from '../spec/types.js';
import { runBaselines } from './baselines/index.js';
import { planCluster, type PlannerOptions } from './planner.js';
import { bestBound } from './bounds.js';

export interface MethodRow {
  readonly method: string;
  readonly throughput: number;
  /** Throughput / the best baseline's. */
  readonly vsBestBaseline: number;
  /** Throughput / the upper bound. */
  readonly vsBound: number;
  readonly nodesUsed: number;
  /** Layers held over all nodes / model layers: how many copies of each layer on average. */
  readonly layerCopies: number;
  readonly timeSec: number;
  readonly status: string;
}

function shape(placement: Placement, layers: number): { nodesUsed: number; layerCopies: number } {
  let held = 0;
  let used = 0;
  for (const r of placement) {
    if (!r) continue;
    used++;
    held += r.end - r.start;
  }
  return { nodesUsed: used, layerCopies: held / layers };
}

export async function compareMethods(cluster: Cluster, planner: PlannerOptions): Promise<{ rows: MethodRow[]; bound: number }> {
  const baselines = runBaselines(cluster);
  const best = Math.max(0, ...baselines.map((b) => b.throughput));
  const plan = await planCluster(cluster, planner);
  const bound = Math.min(plan.bound.value, bestBound(cluster).value);
  const row = (method: string, placement: Placement, throughput: number, timeSec: number, status: string): MethodRow => ({
    method,
    throughput,
    vsBestBaseline: best > 0 ? throughput / best : throughput > 0 ? Infinity : 0,
    vsBound: bound > 0 ? throughput / bound : 0,
    ...shape(placement, cluster.model.layers),
    timeSec,
    status,
  });
  return {
    rows: [
      row('milp', plan.placement, plan.throughput, plan.stats.wallTimeSec, plan.status),
      ...baselines.map((b) => row(b.method, b.placement, b.throughput, b.timeSec, 'heuristic')),
    ],
    bound,
  };
}
