// Petals-style greedy load balancing: each node in turn (strongest first) takes the contiguous
// span, as long as its memory allows, where the cluster's current throughput is lowest. Spans
// start at layer 0 or where a placed node ends: under Helix's rule (a link carries tokens only
// where one range continues another) unaligned spans could never receive any flow.

import type { Cluster, LayerRange, Placement } from '../../spec/types.js';

export function petalsPlacement(cluster: Cluster): Placement {
  const L = cluster.model.layers;
  const coverage = new Float64Array(L); // tokens/s of all nodes holding each layer
  const placement: (LayerRange | null)[] = cluster.nodes.map(() => null);
  const strength = (i: number) => Math.max(...cluster.nodes[i].capacity.map((t, k) => t * (k + 1)));
  const order = cluster.nodes.map((_, i) => i).sort((a, b) => strength(b) - strength(a) || a - b);
  for (const i of order) {
    const hold = Math.min(cluster.nodes[i].capacity.length, L);
    const starts = [...new Set([0, ...placement.flatMap((r) => (r && r.end < L ? [r.end] : []))])].sort((a, b) => a - b);
    let bestStart = 0;
    let bestKey = [Infinity, Infinity];
    for (const s of starts) {
      const k = Math.min(hold, L - s);
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
    const k = Math.min(hold, L - bestStart);
    placement[i] = { start: bestStart, end: bestStart + k };
    for (let x = bestStart; x < bestStart + k; x++) coverage[x] += cluster.nodes[i].capacity[k - 1];
  }
  return placement;
}
