// Can a node-to-node link ever limit the flow? A link i -> j never carries more than the flow
// through i or through j, and neither exceeds its best capacity nor the bound U. If every pair is
// linked at least that fast, each layer boundary acts as one hub and the hub MILP is exact.

import type { Cluster } from '../spec/types.js';

export interface BindingReport {
  readonly neverBind: boolean;
  /** Ordered pairs [i, j] whose link (or its absence) could bind. */
  readonly pairs: readonly (readonly [number, number])[];
}

export function findBindingLinks(cluster: Cluster, bound: number, limit = 10_000): BindingReport {
  const n = cluster.nodes.length;
  const best = cluster.nodes.map((node) => Math.max(0, ...node.capacity));
  const pairs: [number, number][] = [];
  for (let i = 0; i < n && pairs.length < limit; i++) {
    for (let j = 0; j < n && pairs.length < limit; j++) {
      if (i === j) continue;
      const needed = Math.min(best[i], best[j], bound);
      if (cluster.linkCapacity[i * n + j] < needed * (1 - 1e-12)) pairs.push([i, j]);
    }
  }
  return { neverBind: pairs.length === 0, pairs };
}
