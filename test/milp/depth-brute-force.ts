// Brute-force optima under a stage limit, for checking the MILPs' depth rows. The limit is on
// chains of placed intervals (each starting where the previous ends), links or not: what the
// models' boundary potentials express.

import type { Cluster, LayerRange } from '../../src/spec/types.js';
import { evaluatePlacement } from '../../src/graph/placement-flow.js';

/** Stages on the longest chain of placed intervals, each starting where the previous one ends. */
export function longestChain(placement: readonly (LayerRange | null)[]): number {
  const placed = placement.filter((r): r is LayerRange => r !== null).sort((a, b) => a.end - b.end);
  const chainTo = new Map<number, number>(); // boundary -> longest chain ending there
  let best = 0;
  for (const r of placed) {
    const here = (chainTo.get(r.start) ?? 0) + 1;
    // Same-end intervals do not chain with each other, and starts are below ends, so sorting by
    // end makes every predecessor final before it is read.
    chainTo.set(r.end, Math.max(chainTo.get(r.end) ?? 0, here));
    best = Math.max(best, here);
  }
  return best;
}

export function bruteForceWithin(cluster: Cluster, maxStages: number, minLayers = 1): number {
  const L = cluster.model.layers;
  const options = cluster.nodes.map((node) => {
    const out: (LayerRange | null)[] = [null];
    for (let k = minLayers; k <= node.capacity.length; k++) for (let s = 0; s + k <= L; s++) out.push({ start: s, end: s + k });
    return out;
  });
  const current: (LayerRange | null)[] = cluster.nodes.map(() => null);
  let best = 0;
  const walk = (i: number): void => {
    if (i === options.length) {
      if (longestChain(current) <= maxStages) best = Math.max(best, evaluatePlacement(cluster, current).throughput);
      return;
    }
    for (const c of options[i]) {
      current[i] = c;
      walk(i + 1);
    }
  };
  walk(0);
  return best;
}
