// Is a delivered plan stale? It and a fresh delivered plan are compared the way the planner chose
// the fresh one: both simulated on the request stream of its confirming runs, or, where the
// cluster is too large to simulate, both by the model.

import type { Plan } from '../plan/types.js';
import type { Cluster } from '../spec/types.js';
import { tryPredict } from './attach.js';
import { confirmRun, type DeliveredChoice } from './objective.js';
import { planningWorkload } from './workload.js';

export interface FreshComparison {
  /** The fresh plan's all-token tokens/s. */
  readonly fresh: number;
  /** The plan's, measured the same way. */
  readonly served: number;
  readonly by: 'simulation' | 'model';
}

/** Null when the plan cannot be measured the way the fresh one was (no timings for its GPUs). */
export function compareWithFresh(cluster: Cluster, plan: Plan, choice: DeliveredChoice): FreshComparison | null {
  const { chosen, confirmRequests } = choice;
  // Judged on the requests the fresh plan was made for (the plan's own: see validate --fresh).
  const workload = planningWorkload(choice.workload);
  if (chosen.simulated !== null && confirmRequests !== null) {
    const r = confirmRun(cluster, plan, confirmRequests, { lengths: workload.lengths });
    return r && !r.eventLimitReached ? { fresh: chosen.simulated, served: r.throughput.total, by: 'simulation' } : null;
  }
  if (!chosen.predicted) return null;
  const p = tryPredict(cluster, plan, workload.model);
  return typeof p === 'string' ? null : { fresh: chosen.predicted.throughput, served: p.throughput, by: 'model' };
}
