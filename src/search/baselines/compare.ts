// Every placement method on the same inputs, scored the same way (exact max flow), for
// `helix compare` and the benchmark: the table a user pastes into a design review.

import { round6 } from '../../plan/assemble.js';
import { deliveredStatus } from '../../delivered/status.js';
import type { Cluster, Placement } from '../../spec/types.js';
import { runBaselines } from './index.js';
import { planCluster, type PlannerOptions } from '../planner.js';
import { bestBound } from '../bounds.js';
import type { FlowResult } from '../../graph/placement-flow.js';
import { flowDepth } from '../../plan/assemble.js';
import { predictRouted } from '../../delivered/layout-score.js';
import { planningWorkload } from '../../delivered/workload.js';
import { orReason } from '../../delivered/attach.js';
import { planForDelivered, type Objective } from '../../delivered/objective.js';

export interface MethodRow {
  readonly method: string;
  /** Exact max flow of the method's placement, tokens/s. */
  readonly throughput: number;
  /** Throughput / the best baseline's; null when no baseline serves anything. */
  readonly vsBestBaseline: number | null;
  /** Throughput / the upper bound (the tighter of the planner's bound and the compute bound). */
  readonly vsBound: number;
  /** Nodes that hold layers. */
  readonly nodesUsed: number;
  /**
   * Layers held over all nodes / model layers: the average number of copies of each layer.
   * 1.00 is one pipeline's worth of weights; 2.00 means every layer is loaded twice on average.
   */
  readonly layerCopies: number;
  readonly timeSec: number;
  /** Stages on the deepest path the flow uses (0 when nothing flows). */
  readonly depth: number;
  /**
   * What the delivered-throughput model predicts the placement serves (for planner.workload), or
   * null when nothing flows or the cluster has no per-layer timings for some machine: max flow
   * ignores KV-cache room and per-stage latency, this does not.
   */
  readonly delivered: {
    readonly throughput: number;
    readonly ttftSec: number;
    readonly tpotSec: number;
    /** The delivered row only: tokens/s of the confirming simulation that chose it (as a plan's delivered.simulated). */
    readonly simulated?: number;
  } | null;
  /** The planner's status for milp; 'heuristic' for the baselines ('no-flow' where they carry nothing). */
  readonly status: string;
  /** What the method chose (stage count, groups) or why it serves nothing. */
  readonly note: string;
}

export interface Comparison {
  /** milp first (the max-flow plan), then `delivered` (the default plan) when asked for, then the baselines in BASELINE_METHODS order. */
  readonly rows: readonly MethodRow[];
  readonly bound: number;
}

export function placementShape(placement: Placement, layers: number): { nodesUsed: number; layerCopies: number } {
  let held = 0;
  let used = 0;
  for (const r of placement) {
    if (!r) continue;
    used++;
    held += r.end - r.start;
  }
  return { nodesUsed: used, layerCopies: held / layers };
}

export async function compareMethods(cluster: Cluster, planner: PlannerOptions, objective: Objective = 'maxflow'): Promise<Comparison> {
  // The baselines run on the full cluster (what an operator would deploy), as the planner's floor
  // (grouped for `separate` by planner.by); the planner prunes links itself when asked to. The
  // delivered objective makes the max-flow plan as its first candidate, so one run gives both.
  const t0 = performance.now();
  const choice = objective === 'delivered' ? await planForDelivered(cluster, { ...planner, method: 'milp' }) : null;
  const wall = (performance.now() - t0) / 1000;
  const plan = choice ? choice.candidates[0].result : await planCluster(cluster, { ...planner, method: 'milp' });
  const baselines = plan.baselines ?? runBaselines(cluster, { by: planner.by });
  const best = Math.max(0, ...baselines.map((b) => b.throughput));
  const bound = Math.min(plan.bound.value, bestBound(cluster).value);
  const workload = planningWorkload(planner.workload).model;
  // Baselines are placed without partial inference whatever the planner was told (as `plan -m`
  // places them), so only the planner's own rows are predicted with it.
  const row = (method: string, placement: Placement, flow: FlowResult, timeSec: number, status: string, note: string, partialInference = false): MethodRow => {
    // Rounded as plans record it, so a row and `plan -m METHOD --json` give the same figure.
    const throughput = round6(flow.throughput);
    const p = orReason(() => predictRouted(cluster, placement, flow, { partialInference, workload }));
    const predicted = typeof p === 'string' ? null : p;
    return {
      method,
      throughput,
      vsBestBaseline: best > 0 ? throughput / best : null,
      vsBound: bound > 0 ? throughput / bound : 0,
      ...placementShape(placement, cluster.model.layers),
      depth: throughput > 0 ? flowDepth(cluster, flow) : 0,
      delivered: predicted ? { throughput: predicted.throughput, ttftSec: predicted.ttftSec, tpotSec: predicted.tpotSec } : null,
      timeSec,
      status,
      note,
    };
  };
  const deliveredRow = (c: NonNullable<typeof choice>['chosen'], timeSec: number): MethodRow => {
    const r = row(
      'delivered',
      c.result.placement,
      c.result.flow,
      timeSec,
      // As `helix plan` records it: the run's status, not the winning candidate's own.
      deliveredStatus(c.result.status, planner.signal?.aborted ?? false, timeSec, planner.timeLimitSec),
      `the default plan (--objective delivered): ${c.label}${c.simulated !== null ? `, simulated ${c.simulated.toFixed(0)} tokens/s offline` : ''}; the milp row is its max-flow candidate`,
      planner.partialInference,
    );
    return r.delivered && c.simulated !== null ? { ...r, delivered: { ...r.delivered, simulated: round6(c.simulated) } } : r;
  };
  const planNotes = [...plan.stats.notes];
  // Its status and time are those of the share of the limit the delivered run gave it (2 s of
  // -t 10 reads "time-limit" after 2 s): say so.
  if (choice?.objective === 'delivered') planNotes.unshift(`the default plan's max-flow candidate, searched for ${Number(plan.settings.timeLimitSec.toFixed(2))} s of the ${planner.timeLimitSec} s limit (--objective maxflow gives it the whole limit)`);
  if (plan.stats.linksDropped > 0) planNotes.push(`${plan.stats.linksDropped} links dropped by --keep-links`);
  // No delivered row where the default objective fell back to max flow (GPUs without timings): say why.
  if (choice && choice.objective !== 'delivered') planNotes.push(`the default plan is this row: ${choice.notes[0] ?? 'the delivered objective could not rank its candidates'}`);
  return {
    rows: [
      row('milp', plan.placement, plan.flow, plan.stats.wallTimeSec, plan.status, planNotes.join('; '), planner.partialInference),
      ...(choice?.objective === 'delivered' ? [deliveredRow(choice.chosen, wall)] : []),
      // As `helix plan -m <baseline>` would record it: a placement that carries nothing is no-flow.
      ...baselines.map((b) => row(b.method, b.placement, b.flow, b.timeSec, b.flow.throughput > 0 ? 'heuristic' : 'no-flow', b.note)),
    ],
    bound,
  };
}
