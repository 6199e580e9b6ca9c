// Disjoint pipelines of like nodes, as many and as deep as a knapsack says. A class of identical
// machines (graph/classes.ts) splits best into pipelines of different depths: 29 T4s serving
// LLaMA-30B carry 893 tokens/s as two 10-node pipelines (6 layers a node, 331 each) and one of 9
// (6-7 layers, 231), where any one depth leaves nodes over (11 stages: 795). The rate-driven
// constructions and the baselines build one depth per group, and the exact model did not finish
// on that cluster within minutes, so this is offered as a floor.
//
// For a pipeline of n nodes, the best rate is the largest tau such that n layer counts k with
// capacity(k) >= tau add up to the model's layers (the profiles are measured and not monotone:
// a T4 runs 5 layers faster than 4). A knapsack over n then chooses the pipelines of each class.

import { nodeClasses } from '../graph/classes.js';
import type { Cluster, LayerRange, Placement } from '../spec/types.js';
import type { DepthControls } from './depth-chains.js';

export interface PipelineShape {
  /** Layers held by each node, in order (they add up to the model's layers). */
  readonly layers: readonly number[];
  /** The pipeline's rate: the slowest node's capacity at its layer count. */
  readonly rate: number;
}

/**
 * The fastest pipeline of exactly n nodes for each n from 1 to `most` (index n; null where no
 * pipeline of that length covers the model), for nodes of one capacity table.
 */
export function bestPipelines(capacity: readonly number[], layers: number, most: number, minLayers = 1): (PipelineShape | null)[] {
  const out: (PipelineShape | null)[] = Array.from({ length: most + 1 }, () => null);
  const rates = [...new Set(capacity.filter((c) => c > 0))].sort((a, b) => b - a);
  for (const tau of rates) {
    const allowed: number[] = [];
    for (let k = Math.max(1, minLayers); k <= capacity.length; k++) if (capacity[k - 1] >= tau) allowed.push(k);
    if (allowed.length === 0) continue;
    // via[c][s]: a layer count whose pipeline of c nodes reaches s layers (0: unreachable).
    const via: Int32Array[] = [new Int32Array(layers + 1)];
    via[0][0] = -1;
    for (let c = 1; c <= most; c++) {
      const row = new Int32Array(layers + 1);
      const prev = via[c - 1];
      for (let s = 0; s <= layers; s++) {
        if (prev[s] === 0) continue;
        for (const k of allowed) if (s + k <= layers && row[s + k] === 0) row[s + k] = k;
      }
      via.push(row);
      if (out[c] === null && row[layers] !== 0) {
        const counts: number[] = [];
        for (let cc = c, s = layers; cc > 0; cc--) {
          const k = via[cc][s];
          counts.push(k);
          s -= k;
        }
        out[c] = { layers: counts, rate: tau };
      }
    }
  }
  return out;
}

/** The pipelines (by length) that carry the most together with at most `nodes` nodes. */
export function packPipelines(shapes: readonly (PipelineShape | null)[], nodes: number): PipelineShape[] {
  const best = new Float64Array(nodes + 1);
  const pick = new Int32Array(nodes + 1);
  for (let c = 1; c <= nodes; c++) {
    best[c] = best[c - 1];
    pick[c] = 0;
    for (let n = 1; n < shapes.length && n <= c; n++) {
      const shape = shapes[n];
      if (shape && best[c - n] + shape.rate > best[c] + 1e-9) {
        best[c] = best[c - n] + shape.rate;
        pick[c] = n;
      }
    }
  }
  const chosen: PipelineShape[] = [];
  for (let c = nodes; c > 0; ) {
    if (pick[c] === 0) {
      c--;
      continue;
    }
    chosen.push(shapes[pick[c]]!);
    c -= pick[c];
  }
  return chosen;
}

/**
 * Each class of like nodes split into the pipelines that carry the most, under the depth
 * controls; null when no class can serve the model alone. Links are not consulted: the planner
 * scores the placement by its real max flow.
 */
export function classPipelines(cluster: Cluster, o: DepthControls): Placement | null {
  const L = cluster.model.layers;
  const placement: (LayerRange | null)[] = cluster.nodes.map(() => null);
  let any = false;
  for (const cls of nodeClasses(cluster)) {
    const most = Math.min(cls.members.length, L, o.maxStages ?? Infinity);
    const shapes = bestPipelines(cls.capacity, L, most, o.minLayers ?? 1);
    let next = 0;
    for (const shape of packPipelines(shapes, cls.members.length)) {
      let start = 0;
      for (const k of shape.layers) {
        placement[cls.members[next++]] = { start, end: start + k };
        start += k;
      }
      any = true;
    }
  }
  return any ? placement : null;
}
