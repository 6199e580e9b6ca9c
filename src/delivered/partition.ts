// Splitting a mixed cluster by GPU speed, for the delivered-model search to start from. A request's
// time per token is the sum of its path's stage times, so a path through slow GPUs is slow however
// fast the rest of it is. On hetero42, layouts in which the fastest types serve their own
// pipelines and the slower ones theirs served 1,860 tokens/s in simulation, against about 1,750
// for what the search found from its other starting points, whose paths share the fast GPUs and
// all cross slow ones; the annealing had not reached such layouts from those starting points in
// any run. So they are built directly: each group searched on its own, the placements joined
// (split-search.ts; docs/delivered.md, "Speed splits").

import type { Cluster } from '../spec/types.js';
import { msPerLayer, type LayerTimeTable } from '../spec/layer-time.js';

export interface SpeedSplit {
  /** e.g. `split A100-40G+4xT4 | V100+2xL4+2xT4+L4+T4`. */
  readonly label: string;
  /** Node indices of each group, fastest group first. */
  readonly groups: readonly (readonly number[])[];
}

/**
 * Decoding sequences per batch at which GPU types are ranked: about the batches the simulator's
 * nodes run in KV-bound plans (15-55 sequences on hetero42's best layouts).
 */
export const RANKING_BATCH = 32;

/**
 * Two-way splits of the cluster's GPU types into the faster and the slower ones, by per-layer
 * decode time at RANKING_BATCH: one split between each pair of neighbouring types, kept where
 * each side's nodes can hold every layer of the model between them.
 */
export function speedSplits(cluster: Cluster, decodeTimes: (gpu: string) => LayerTimeTable | undefined): SpeedSplit[] {
  const speed = new Map<string, number>();
  for (const node of cluster.nodes) {
    if (speed.has(node.gpu)) continue;
    const t = decodeTimes(node.gpu);
    if (!t) return [];
    speed.set(node.gpu, msPerLayer(t, RANKING_BATCH));
  }
  const types = [...speed.keys()].sort((a, b) => speed.get(a)! - speed.get(b)! || a.localeCompare(b));
  const splits: SpeedSplit[] = [];
  for (let s = 1; s < types.length; s++) {
    const sides = [types.slice(0, s), types.slice(s)];
    const groups = sides.map((side) => cluster.nodes.filter((node) => side.includes(node.gpu)).map((node) => node.index));
    const holdsModel = groups.every((g) => g.reduce((sum, i) => sum + cluster.nodes[i].maxLayers, 0) >= cluster.model.layers);
    if (holdsModel) splits.push({ label: `split ${sides.map((side) => side.join('+')).join(' | ')}`, groups });
  }
  return splits;
}
