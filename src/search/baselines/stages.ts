// Shared by the stage-based baselines: split L layers into S consecutive stages as evenly as
// possible, and deal nodes to stages so that stage capacities come out even.

import type { Cluster, LayerRange } from '../../spec/types.js';

export function equalStages(layers: number, stages: number): LayerRange[] {
  const out: LayerRange[] = [];
  for (let s = 0; s < stages; s++) out.push({ start: Math.round((s * layers) / stages), end: Math.round(((s + 1) * layers) / stages) });
  return out;
}

/** A node's best layer-throughput (tokens/s times layers held): what "strongest" means here. */
export function nodeStrength(cluster: Cluster, node: number): number {
  return Math.max(0, ...cluster.nodes[node].capacity.map((t, k) => t * (k + 1)));
}

/**
 * Greedy balancing: strongest nodes first (ties by index), each to the stage it can hold whose
 * total capacity is currently lowest (ties to the earlier stage). Nodes that fit no stage stay
 * unused. Returns null when some stage gets no capacity at all, since then nothing can flow.
 */
export function dealToStages(cluster: Cluster, stages: readonly LayerRange[], nodes: readonly number[]): (LayerRange | null)[] | null {
  const placement: (LayerRange | null)[] = cluster.nodes.map(() => null);
  const total = new Float64Array(stages.length);
  const strength = new Map(nodes.map((i) => [i, nodeStrength(cluster, i)]));
  const order = [...nodes].sort((a, b) => strength.get(b)! - strength.get(a)! || a - b);
  for (const i of order) {
    const table = cluster.nodes[i].capacity;
    let pick = -1;
    for (let s = 0; s < stages.length; s++) {
      const k = stages[s].end - stages[s].start;
      if (k > table.length) continue;
      if (pick < 0 || total[s] < total[pick]) pick = s;
    }
    if (pick < 0) continue;
    placement[i] = stages[pick];
    total[pick] += table[stages[pick].end - stages[pick].start - 1];
  }
  return total.every((t) => t > 0) ? placement : null;
}
