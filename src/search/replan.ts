// Re-planning after machines fail, leave or join, moving as few weights as possible. The
// reference throughput is what the plan in force carried, or a full re-plan's where that is
// lower or machines joined; then searches seeded with the plan in force allow
// 0, 1, 2, 4, ... machines to load new layers, and the first that keeps within `tolerance` of
// the reference wins. What an operator needs at 3 a.m.: most machines keep their weights.

import type { Cluster, Placement } from '../spec/types.js';
import { evaluatePlacement } from '../graph/placement-flow.js';
import { layoutOf } from './scorer.js';
import { loadsAgainst, searchPlacement } from './search.js';
import { planCluster, respectsDepthControls, type PlannerOptions, type PlannerResult } from './planner.js';
import { gapRepairs } from './repair.js';

export interface ReplanOptions {
  readonly planner: PlannerOptions;
  /** Most machines allowed to load new layers (default: as many as it takes). */
  readonly maxMoves: number | null;
  /** Accept the fewest moves that keep within this fraction of the reference. */
  readonly tolerance: number;
  /**
   * Max flow the plan in force carried before the change: the reference is then the lower of it
   * and the full re-plan, so an unchanged cluster, or one that lost only idle machines, moves
   * nothing rather than reshuffling towards a max flow the plan never aimed at (a plan made for
   * delivered throughput gives up 25-40% of it). Null (machines joined): the full re-plan.
   */
  readonly keepFlow?: number | null;
}

export interface ReplanResult {
  readonly placement: Placement;
  readonly throughput: number;
  readonly moves: number;
  readonly full: PlannerResult;
  /** Throughput of the plan in force with nothing moved (lost nodes simply gone). */
  readonly untouched: number;
  /** What the moves aimed to keep within the tolerance of (see ReplanOptions.keepFlow). */
  readonly reference: number;
}

export async function replan(cluster: Cluster, current: Placement, o: ReplanOptions): Promise<ReplanResult> {
  const untouched = evaluatePlacement(cluster, current).throughput;
  const share = o.planner.timeLimitSec / 2;
  const full = await planCluster(cluster, { ...o.planner, timeLimitSec: share });
  const reference = o.keepFlow != null ? Math.min(full.throughput, o.keepFlow) : full.throughput;
  const target = reference * (1 - o.tolerance);
  let best = { placement: current, throughput: untouched, moves: 0 };
  const n = cluster.nodes.length;
  const budgets = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024].filter((m) => m < n && m < (o.maxMoves ?? Infinity));
  budgets.push(Math.min(n, o.maxMoves ?? n));
  // Larger budgets have more to search (and the last decides the result when moves are capped):
  // budget j of m gets a share proportional to j + 1.
  const weightSum = (budgets.length * (budgets.length + 1)) / 2;
  if (untouched < target) {
    const repairs = gapRepairs(cluster, current, o.planner.minLayers ?? 1);
    for (const [j, maxLoads] of budgets.entries()) {
      if (o.planner.signal?.aborted) break;
      const r = await searchPlacement(cluster, {
        seed: o.planner.seed,
        timeLimitSec: (share * (j + 1)) / weightSum,
        signal: o.planner.signal,
        minLayers: o.planner.minLayers,
        maxStages: o.planner.maxStages,
        partialInference: o.planner.partialInference,
        // Closing the gaps first gives the search a start with flow; from nothing it often finds none.
        initial: [current, ...repairs(maxLoads)],
        reference: current,
        maxLoads,
      });
      if (r.throughput > best.throughput) best = { placement: r.placement, throughput: r.throughput, moves: loadsAgainst(layoutOf(r.placement), layoutOf(current)) };
      if (best.throughput >= target) break;
    }
  }
  if (best.moves > 0 && best.placement !== current) {
    const placement = tidyMoves(cluster, best.placement, current, best.throughput, o.planner);
    if (placement !== best.placement) best = { placement, throughput: evaluatePlacement(cluster, placement, { partialInference: o.planner.partialInference }).throughput, moves: loadsAgainst(layoutOf(placement), layoutOf(current)) };
  }
  // The full re-plan itself is the fallback when no budget gets close enough and moves are free.
  if (best.throughput < target && o.maxMoves === null && full.throughput > best.throughput) {
    best = { placement: full.placement, throughput: full.throughput, moves: loadsAgainst(layoutOf(full.placement), layoutOf(current)) };
  }
  return { ...best, full, untouched, reference };
}

/**
 * Undoes the moves a time-limited search made for nothing: a machine loading new layers whose old
 * range (or its swap with a machine of the same type that took that range) carries as much. On
 * single24 at -t 2 a replan loaded 4 machines, two of them A100s trading ranges, where 1 load
 * reached the same tokens/s. Each undo is kept only if the max flow stays at `floor` and the
 * plan's depth controls still hold.
 */
export function tidyMoves(cluster: Cluster, placement: Placement, current: Placement, floor: number, o: Pick<PlannerOptions, 'minLayers' | 'maxStages' | 'partialInference'>): Placement {
  const keeps = (p: Placement): boolean => {
    const flow = evaluatePlacement(cluster, p, { partialInference: o.partialInference });
    return flow.throughput >= floor * (1 - 1e-9) && respectsDepthControls(cluster, p, flow, o);
  };
  const same = (a: Placement[number], b: Placement[number]) => (a === null ? b === null : b !== null && a.start === b.start && a.end === b.end);
  let best = placement;
  const moved = () => best.flatMap((r, i) => (!same(r, current[i]) ? [i] : []));
  for (const i of moved()) {
    // Back where it was.
    const back = best.slice();
    back[i] = current[i];
    if (keeps(back)) {
      best = back;
      continue;
    }
    // Or swapped with a machine of its type that now holds its old range, both back home.
    if (current[i] === null) continue;
    const j = best.findIndex((r, k) => k !== i && cluster.nodes[k].gpu === cluster.nodes[i].gpu && same(r, current[i]) && same(best[i], current[k]));
    if (j >= 0) {
      const swapped = best.slice();
      swapped[i] = current[i];
      swapped[j] = current[j];
      if (keeps(swapped)) best = swapped;
    }
  }
  return best;
}
