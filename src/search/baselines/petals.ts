// Petals-style greedy load balancing: each node in turn (strongest first) takes the contiguous
// span, as long as its memory allows, where the cluster's current throughput is lowest. Spans
// start at layer 0 or where a placed node ends: under Helix's rule (a link carries tokens only
// where one range continues another) unaligned spans could never receive any flow.

import type { Cluster, LayerRange, Placement } from '../../spec/types.js';
import { nodeStrength } from './stages.js';

export interface PetalsOptions {
  /** The order in which nodes choose their spans; strongest first when absent. */
  readonly order?: readonly number[];
}

export function petalsPlacement(cluster: Cluster, options: PetalsOptions = {}): Placement {
  const L = cluster.model.layers;
  const coverage = new Float64Array(L); // tokens/s of all nodes holding each layer
  const placement: (LayerRange | null)[] = cluster.nodes.map(() => null);
  const strength = cluster.nodes.map((_, i) => nodeStrength(cluster, i));
  const order = options.order ?? cluster.nodes.map((_, i) => i).sort((a, b) => strength[b] - strength[a] || a - b);
  // Layer 0 and the ends of the spans placed so far, in layer order as they are tried.
  const isStart = new Uint8Array(L);
  isStart[0] = 1;
  for (const i of order) {
    const hold = Math.min(cluster.nodes[i].capacity.length, L);
    if (hold === 0) continue;
    const starts: number[] = [];
    for (let x = 0; x < L; x++) if (isStart[x]) starts.push(x);
    // Lowest bottleneck first; between equal bottlenecks, the span with less total coverage.
    let bestStart = 0;
    let bestMin = Infinity;
    let bestSum = Infinity;
    for (const s of starts) {
      const k = Math.min(hold, L - s);
      let min = Infinity;
      let sum = 0;
      for (let x = s; x < s + k; x++) {
        min = Math.min(min, coverage[x]);
        sum += coverage[x];
      }
      if (min < bestMin || (min === bestMin && sum < bestSum)) {
        bestMin = min;
        bestSum = sum;
        bestStart = s;
      }
    }
    const k = Math.min(hold, L - bestStart);
    placement[i] = { start: bestStart, end: bestStart + k };
    if (bestStart + k < L) isStart[bestStart + k] = 1;
    for (let x = bestStart; x < bestStart + k; x++) coverage[x] += cluster.nodes[i].capacity[k - 1];
  }
  return placement;
}
