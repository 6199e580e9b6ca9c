// The speed splits of partition.ts made into whole-cluster layouts: each group's own layout found by
// a short delivered-model search on that group alone (from the heuristic placements of the group),
// the groups' layouts joined. Two passes: every split, then the two the model rates best again
// from their first layouts. The joined layouts are candidates like any other: the model ranks
// them, they seed the whole-cluster search, and the confirming runs judge the best.

import type { Cluster, Placement } from '../spec/types.js';
import { evaluatePlacement, type FlowResult } from '../graph/placement-flow.js';
import { joinPlacements, subCluster } from '../graph/sub-cluster.js';
import { runBaselines } from '../search/baselines/index.js';
import { layoutOf } from '../search/layout.js';
import { respectsDepthControls, withoutIdleNodes } from '../search/planner.js';
import type { SearchRun } from '../search/search.js';
import { predictLayout } from './layout-score.js';
import { phaseTimes, type Workload } from './model.js';
import { searchDeliveredModels } from './parallel-search.js';
import { speedSplits } from './partition.js';

export interface SplitLayout {
  readonly label: string;
  /** The joined layout, without the nodes the whole cluster's max flow leaves idle. */
  readonly placement: Placement;
  readonly flow: FlowResult;
  /** Each side's own layout (its nodes' indices in the cluster), as its search found it. */
  readonly sides: readonly { readonly keep: readonly number[]; readonly placement: Placement }[];
  /** Layouts the groups' searches scored together. */
  readonly evaluations: number;
}

export interface SplitSearchOptions extends SearchRun {
  readonly threads: number;
  readonly workload?: Workload;
  readonly log?: (message: string) => void;
}

/**
 * Share of the splits' time that every split gets first; the rest goes to the best two by the
 * model. A joined layout is only as good as its sides' short searches: on hetero42 (eight seeds,
 * held-out streams) one even pass gave 1.14x-1.36x petals by run, two passes 1.18x-1.28x, the
 * same on average (1,884 against 1,869 tokens/s).
 */
const FIRST_PASS_SHARE = 0.4;
/** Splits searched again with the rest of the time. */
const SECOND_PASS_SPLITS = 2;

interface SplitState {
  readonly label: string;
  readonly groups: readonly { readonly keep: readonly number[]; readonly group: Cluster; readonly seeds: readonly Placement[] }[];
  parts: { keep: readonly number[]; placement: Placement }[];
  evaluations: number;
}

/** Each speed split's joined layout, within `o.timeLimitSec` for all of them. */
export async function searchSplits(cluster: Cluster, o: SplitSearchOptions): Promise<SplitLayout[]> {
  const times = phaseTimes(cluster);
  const splits = speedSplits(cluster, (gpu) => times.get(gpu)?.decode);
  if (splits.length === 0) return [];
  const t0 = performance.now();
  const deadline = t0 + o.timeLimitSec * 1000;
  const firstDeadline = t0 + FIRST_PASS_SHARE * o.timeLimitSec * 1000;
  const states: SplitState[] = [];
  /** Each split's joined first-pass layout as the model rates it: what picks the second pass. */
  const firstPass = new Map<SplitState, number>();
  for (const [k, split] of splits.entries()) {
    if (o.signal?.aborted) break;
    // The heuristic placements are not time-limited (2.5 s on a 1,000-node cluster): a split
    // that would start past the deadline is left out rather than run late.
    if (performance.now() >= firstDeadline) {
      o.log?.(`objective delivered: no time left for ${splits.length - k} of ${splits.length} speed splits`);
      break;
    }
    const groups = split.groups.map((keep) => {
      const group = subCluster(cluster, keep);
      const seeds = runBaselines(group)
        .filter((b) => b.throughput > 0)
        .map((b) => b.placement);
      return { keep, group, seeds };
    });
    if (groups.some((g) => g.seeds.length === 0)) {
      o.log?.(`objective delivered: ${split.label}: a group has no layout that carries flow`);
      continue;
    }
    const state: SplitState = { label: split.label, groups, parts: [], evaluations: 0 };
    // What is left of the first pass, shared evenly by the splits still to search.
    await searchGroups(cluster, state, groups.map((g) => g.seeds), Math.max(0.05, (firstDeadline - performance.now()) / 1000 / (splits.length - k)), o);
    states.push(state);
    firstPass.set(state, predictLayout(cluster, layoutOf(joinPlacements(cluster.nodes.length, state.parts)), { partialInference: o.partialInference, workload: o.workload })?.throughput ?? 0);
  }
  // The rest of the time to the splits the model rates best, each side from its first-pass layout.
  const best = [...states].sort((a, b) => firstPass.get(b)! - firstPass.get(a)!).slice(0, SECOND_PASS_SPLITS);
  for (const [k, state] of best.entries()) {
    if (o.signal?.aborted || performance.now() >= deadline) break;
    const seeds = state.groups.map((g, i) => [state.parts[i].placement, ...g.seeds]);
    await searchGroups(cluster, state, seeds, Math.max(0.05, (deadline - performance.now()) / 1000 / (best.length - k)), o);
  }
  const out: SplitLayout[] = [];
  for (const state of states) {
    const joined = joinPlacements(cluster.nodes.length, state.parts);
    const { placement, flow } = withoutIdleNodes(cluster, joined, evaluatePlacement(cluster, joined, { partialInference: o.partialInference }), o.partialInference);
    // Across groups the cluster's max flow may route through paths deeper than either group's.
    if (flow.throughput > 0 && respectsDepthControls(cluster, placement, flow, o)) out.push({ label: state.label, placement, flow, sides: state.parts, evaluations: state.evaluations });
  }
  return out;
}

/** Searches a split's groups at once, each on its own share of the threads; keeps each group's best layout. */
async function searchGroups(cluster: Cluster, state: SplitState, seeds: readonly (readonly Placement[])[], seconds: number, o: SplitSearchOptions): Promise<void> {
  const threads = Math.max(1, Math.floor(o.threads / state.groups.length));
  const run = { seed: o.seed, signal: o.signal, minLayers: o.minLayers, maxStages: o.maxStages, partialInference: o.partialInference };
  const found = await searchDeliveredModels(
    cluster,
    { ...run, seeds: [], timeLimitSec: seconds, keep: 1 },
    state.groups.map((g, i) => ({ workload: o.workload, threads, on: { cluster: g.group, seeds: seeds[i] } })),
    o.threads < 2,
  );
  state.evaluations += found.reduce((sum, r) => sum + r.evaluations, 0);
  // A search returns only layouts that beat their own seed, so its best may still fall below
  // another seed (a second pass's first seed is the first pass's layout): the better one stands.
  state.parts = state.groups.map((g, i) => {
    const top = found[i].best[0]?.placement;
    return { keep: g.keep, placement: bestByModel(g.group, top ? [top, seeds[i][0]] : seeds[i], o) };
  });
}

function bestByModel(cluster: Cluster, placements: readonly Placement[], o: SplitSearchOptions): Placement {
  let best = placements[0];
  let score = 0;
  for (const p of placements) {
    const s = predictLayout(cluster, layoutOf(p), { partialInference: o.partialInference, workload: o.workload })?.throughput ?? 0;
    if (s > score) [best, score] = [p, s];
  }
  return best;
}
