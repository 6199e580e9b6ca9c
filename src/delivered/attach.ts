// Fills a plan's `delivered` field from the model. Plans for GPUs without per-layer timing tables
// (estimated profiles) cannot be predicted: they keep no `delivered` field and say why in a note.

import { HelixError } from '../errors.js';
import type { Plan, PlanDelivered } from '../plan/types.js';
import type { Cluster } from '../spec/types.js';
import { azureConvWorkload, predictDelivered, type DeliveredOptions, type DeliveredPrediction, type Workload } from './model.js';

const r6 = (x: number): number => Math.round(x * 1e6) / 1e6;

export function deliveredSummary(p: DeliveredPrediction): PlanDelivered {
  return {
    throughput: r6(p.throughput),
    decodeThroughput: r6(p.decodeThroughput),
    ttftSec: r6(p.ttftSec),
    tpotSec: r6(p.tpotSec),
    inflight: r6(p.inflight),
    limitedBy: p.limitedBy,
    workload: { input: r6(p.workload.input), output: r6(p.workload.output) },
  };
}

/** A prediction, or the reason there is none when the cluster lacks what the model needs (per-layer timings). */
export function orReason<T>(predict: () => T): T | string {
  try {
    return predict();
  } catch (e) {
    if (e instanceof HelixError) return e.message;
    throw e;
  }
}

/** The prediction for a plan, or the reason there is none. */
export function tryPredict(cluster: Cluster, plan: Plan, workload: Workload = azureConvWorkload(), options: DeliveredOptions = {}): DeliveredPrediction | string {
  return orReason(() => predictDelivered(cluster, plan, workload, options));
}

/** The plan with `delivered` filled in (or a note saying why it could not be). */
export function withDelivered(cluster: Cluster, plan: Plan, workload?: Workload, options: DeliveredOptions = {}): Plan {
  const p = tryPredict(cluster, plan, workload, options);
  if (typeof p === 'string') return { ...plan, stats: { ...plan.stats, notes: [...plan.stats.notes, `no delivered-throughput prediction: ${p}`] } };
  const { stats, ...rest } = plan;
  // `delivered` sits before `stats` so saved plans read top-down: flow, then what it delivers.
  return { ...rest, delivered: deliveredSummary(p), stats };
}
