// Petals-style greedy load balancing: each node in turn (strongest first) takes the contiguous
// span, as long as its memory allows, where the cluster's current throughput is lowest.

import type { Cluster, LayerRange, Placement } from '../../spec/types.js';

export function petalsPlacement(cluster: Cluster): Placement {
  const L = cluster.model.layers;
  const coverage = new Float64Array(L); // tokens/s of all nodes holding each layer
  const placement: (LayerRange | null)[] = cluster.nodes.map(() => null);
  const strength = (i: number) => Math.max(...cluster.nodes[i].capacity.map((t, k) => t * (k + 1)));
  const order = cluster.nodes.map((_, i) => i).sort((a, b) => strength(b) - strength(a) || a - b);
  for (const i of order) {
    const k = Math.min(cluster.nodes[i].capacity.length, L);
    let bestStart = 0;
    let bestKey = [Infinity, Infinity];
    for (let s = 0; s + k <= L; s++) {
      let min = Infinity;
      let sum = 0;
      for (let x = s; x < s + k; x++) {
        min = Math.min(min, coverage[x]);
        sum += coverage[x];
      }
      if (min < bestKey[0] || (min === bestKey[0] && sum < bestKey[1])) {
        bestKey = [min, sum];
        bestStart = s;
      }
    }
    placement[i] = { start: bestStart, end: bestStart + k };
    for (let x = bestStart; x < bestStart + k; x++) coverage[x] += cluster.nodes[i].capacity[k - 1];
  }
  return placement;
}
