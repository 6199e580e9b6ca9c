// Can a node-to-node link ever limit the flow? A link i -> j never carries more than the flow
// through i or through j, and neither exceeds its best capacity nor the bound U. If every pair is
// linked at least that fast, each layer boundary acts as one hub and the hub MILP is exact.

import type { Cluster } from '../spec/types.js';

export interface BindingReport {
  readonly neverBind: boolean;
  /** Ordered pairs [i, j] whose link (or its absence) could bind; at most `limit` of them. */
  readonly pairs: readonly (readonly [number, number])[];
}

/** Most tokens/s node i can ever pass on: its best table entry (0 for a node holding nothing). */
function bestRate(cluster: Cluster, i: number): number {
  return Math.max(0, ...cluster.nodes[i].capacity);
}

/** Whether the link i -> j (missing = capacity 0) could be what limits some plan's flow. */
export function linkCanBind(cluster: Cluster, bound: number, i: number, j: number): boolean {
  const needed = Math.min(bestRate(cluster, i), bestRate(cluster, j), bound);
  // A hair of tolerance: capacities computed two ways (bytes/s over bytes) must compare equal.
  return cluster.linkCapacity[i * cluster.nodes.length + j] < needed * (1 - 1e-12);
}

export function findBindingLinks(cluster: Cluster, bound: number, limit = 10_000): BindingReport {
  const n = cluster.nodes.length;
  const pairs: [number, number][] = [];
  for (let i = 0; i < n && pairs.length < limit; i++) {
    for (let j = 0; j < n && pairs.length < limit; j++) {
      if (i !== j && linkCanBind(cluster, bound, i, j)) pairs.push([i, j]);
    }
  }
  return { neverBind: pairs.length === 0, pairs };
}

/**
 * Splits the nodes into groups inside which no link can bind in either direction, so each group
 * can share one hub per layer boundary. Greedy (first group that fits), visiting nodes region by
 * region so groups tend to follow regions; any split is exact, fewer groups is just smaller.
 */
export function hubGroups(cluster: Cluster, bound: number): number[][] {
  const order = cluster.nodes.map((_, i) => i);
  order.sort((a, b) => (cluster.nodes[a].region < cluster.nodes[b].region ? -1 : cluster.nodes[a].region > cluster.nodes[b].region ? 1 : a - b));
  const groups: number[][] = [];
  for (const i of order) {
    const fits = (g: number[]) => g.every((j) => !linkCanBind(cluster, bound, i, j) && !linkCanBind(cluster, bound, j, i));
    const home = groups.find(fits);
    if (home) home.push(i);
    else groups.push([i]);
  }
  return groups;
}
