// The speed splits of partition.ts made into whole-cluster layouts: each group's own layout found by
// a short delivered-model search on that group alone (from the heuristic placements of the group),
// the groups' layouts joined. The joined layouts are candidates like any other: the model ranks
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
  readonly placement: Placement;
  readonly flow: FlowResult;
  /** Layouts the groups' searches scored together. */
  readonly evaluations: number;
}

export interface SplitSearchOptions extends SearchRun {
  readonly threads: number;
  readonly workload?: Workload;
  readonly log?: (message: string) => void;
}

/** Each speed split's joined layout, within `o.timeLimitSec` for all of them. */
export async function searchSplits(cluster: Cluster, o: SplitSearchOptions): Promise<SplitLayout[]> {
  const times = phaseTimes(cluster);
  const splits = speedSplits(cluster, (gpu) => times.get(gpu)?.decode);
  if (splits.length === 0) return [];
  const deadline = performance.now() + o.timeLimitSec * 1000;
  const out: SplitLayout[] = [];
  for (const [k, split] of splits.entries()) {
    if (o.signal?.aborted) break;
    // The heuristic placements are not time-limited (2.5 s on a 1,000-node cluster): a split
    // that would start past the deadline is left out rather than run late.
    if (performance.now() >= deadline) {
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
    // What is left, shared evenly by the splits still to search; a split's groups search at once,
    // each on its own share of the threads.
    const seconds = Math.max(0.05, (deadline - performance.now()) / 1000 / (splits.length - k));
    const threads = Math.max(1, Math.floor(o.threads / groups.length));
    const run = { seed: o.seed, signal: o.signal, minLayers: o.minLayers, maxStages: o.maxStages, partialInference: o.partialInference };
    const found = await searchDeliveredModels(
      cluster,
      { ...run, seeds: [], timeLimitSec: seconds, keep: 1 },
      groups.map((g) => ({ workload: o.workload, threads, on: { cluster: g.group, seeds: g.seeds } })),
      o.threads < 2,
    );
    // A search returns only layouts that beat their seed; else the group's best seed stands.
    const parts = groups.map((g, i) => ({ keep: g.keep, placement: found[i].best[0]?.placement ?? bestByModel(g.group, g.seeds, o) }));
    const joined = joinPlacements(cluster.nodes.length, parts);
    const { placement, flow } = withoutIdleNodes(cluster, joined, evaluatePlacement(cluster, joined, { partialInference: o.partialInference }), o.partialInference);
    // Across groups the cluster's max flow may route through paths deeper than either group's.
    if (flow.throughput > 0 && respectsDepthControls(cluster, placement, flow, o)) {
      out.push({ label: split.label, placement, flow, evaluations: found.reduce((sum, r) => sum + r.evaluations, 0) });
    }
  }
  return out;
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
