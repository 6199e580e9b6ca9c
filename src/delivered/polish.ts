// The last step of `--objective delivered`: local search scored by the simulator itself. The model
// ranks layouts in microseconds but shares its errors across every layout it finds (on hetero42
// it overrates deep layouts by 15-20% and underrates shallow ones), so the confirming runs only
// choose among shapes the model liked. Starting from the finalists the simulation liked best, the
// same moves as the other searches, each layout scored by a confirming run on the same request
// stream, climb (search/climb.ts) where the simulation, not the model, says throughput is.

import { assemblePlan } from '../plan/assemble.js';
import type { Plan } from '../plan/types.js';
import { evaluatePlacement, type FlowResult } from '../graph/placement-flow.js';
import { placementOf, type Layout } from '../search/layout.js';
import { respectsDepthControls, withoutIdleNodes, type PlannerOptions } from '../search/planner.js';
import { measuredTpotP95, type SimReport } from '../sim/simulate.js';
import type { Cluster, Placement } from '../spec/types.js';

export interface SimulatedLayout {
  readonly plan: Plan;
  /** The plan's placement (idle nodes dropped) and its max flow, as simulated. */
  readonly placement: Placement;
  readonly flow: FlowResult;
  /** All-token tokens/s in the run. */
  readonly throughput: number;
  /** Seconds, p95 time per output token. */
  readonly tpotP95: number | null;
  /** Simulated seconds the figures were measured over. */
  readonly window: { readonly start: number; readonly end: number };
}

export interface SimulatedObjective {
  readonly score: (layout: Layout) => number;
  /** The same scores for several layouts, their confirming runs made at once where `runMany` allows. */
  readonly scoreMany: (layouts: readonly Layout[]) => Promise<number[]>;
  /** Every layout simulated so far that met the TPOT limit, by layout key. */
  readonly simulated: ReadonlyMap<string, SimulatedLayout>;
  /** Confirming runs made (repeats of a layout are not run again). */
  runs(): number;
}

export interface SimulatedObjectiveOptions extends Pick<PlannerOptions, 'minLayers' | 'maxStages' | 'partialInference'> {
  /** Runs the confirming simulation; null when it cannot (or would cost too much). */
  readonly run: (plan: Plan) => SimReport | null;
  /** Runs several at once (a pool of simulation threads); default: `run` on each in turn. */
  readonly runMany?: (plans: readonly Plan[]) => Promise<(SimReport | null)[]>;
  /** Fields of the plans built for simulation (settings, status, bound, stats). */
  readonly template: Plan;
  /** Seconds: layouts whose simulated p95 TPOT is above this score 0 (null: no limit). */
  readonly tpotLimit: number | null;
}

export const layoutKey = (l: Layout): string => `${l.start.join(',')}|${l.end.join(',')}`;

/**
 * The objective's TPOT rule, for finalists and search layouts alike: a p95 TPOT no worse than the
 * limit (the max-flow plan's), or no limit to compare. A plan with no figure where the limit has
 * one fails: none of its requests finished (with a second token to time) in the run where the
 * max-flow plan's did, which is no evidence that its tokens come as fast (a cluster behind 2 s
 * links read as "p95 TPOT 0 ms" and won against a max-flow plan with a shorter one).
 */
export function meetsTpotLimit(tpotP95: number | null | undefined, limit: number | null): boolean {
  return limit === null || (tpotP95 != null && tpotP95 <= limit * (1 + 1e-9));
}

/**
 * A layout score is the simulated all-token throughput of the layout's plan (idle
 * nodes dropped, as the plan would be assembled). A layout that breaks the depth controls, or
 * whose p95 TPOT is above the limit, scores 0: the annealing then never moves to it.
 */
export function simulatedObjective(cluster: Cluster, o: SimulatedObjectiveOptions): SimulatedObjective {
  const seen = new Map<string, number>();
  const simulated = new Map<string, SimulatedLayout>();
  let runs = 0;
  const partialInference = o.partialInference ?? false;
  type Pending = { readonly key: string; readonly plan: Plan; readonly placement: Placement; readonly flow: FlowResult };
  /** A known score, or the plan to simulate for one. */
  const prepare = (layout: Layout): number | Pending => {
    const key = layoutKey(layout);
    const known = seen.get(key);
    if (known !== undefined) return known;
    const candidate = placementOf(layout);
    const raw = evaluatePlacement(cluster, candidate, { partialInference });
    const { placement, flow } = withoutIdleNodes(cluster, candidate, raw, partialInference);
    if (!(flow.throughput > 0 && respectsDepthControls(cluster, placement, flow, o))) {
      seen.set(key, 0);
      return 0;
    }
    const t = o.template;
    const plan = assemblePlan({ cluster, placement, flow, settings: t.settings, status: t.status, bound: t.bound, stats: t.stats });
    return { key, plan, placement, flow };
  };
  const record = (p: Pending, report: SimReport | null): number => {
    runs++;
    let value = 0;
    const tpotP95 = report ? measuredTpotP95(report) : null;
    if (report && !report.eventLimitReached && meetsTpotLimit(tpotP95, o.tpotLimit)) {
      value = report.throughput.total;
      simulated.set(p.key, { plan: p.plan, placement: p.placement, flow: p.flow, throughput: value, tpotP95, window: report.window });
    }
    seen.set(p.key, value);
    return value;
  };
  const score = (layout: Layout): number => {
    const p = prepare(layout);
    return typeof p === 'number' ? p : record(p, o.run(p.plan));
  };
  const scoreMany = async (layouts: readonly Layout[]): Promise<number[]> => {
    const prepared = layouts.map(prepare);
    // The same layout twice in one batch is simulated once.
    const unique = new Map<string, Pending>();
    for (const p of prepared) if (typeof p !== 'number' && !unique.has(p.key)) unique.set(p.key, p);
    const todo = [...unique.values()];
    const reports = o.runMany ? await o.runMany(todo.map((p) => p.plan)) : todo.map((p) => o.run(p.plan));
    todo.forEach((p, k) => record(p, reports[k]));
    return prepared.map((p) => (typeof p === 'number' ? p : seen.get(p.key)!));
  };
  return { score, scoreMany, simulated, runs: () => runs };
}
