// Link pruning as Helix does it on big clusters: keep each node's N fastest outgoing links
// (coordinator links always stay). A pruned cluster has fewer links, so every plan made on it is
// also valid on the full cluster.

import type { Cluster } from '../spec/types.js';

export function keepFastestLinks(cluster: Cluster, keep: number): { cluster: Cluster; dropped: number } {
  const n = cluster.nodes.length;
  const linkCapacity = new Float64Array(n * n);
  let dropped = 0;
  for (let i = 0; i < n; i++) {
    const row: number[] = [];
    for (let j = 0; j < n; j++) if (cluster.linkCapacity[i * n + j] > 0) row.push(j);
    row.sort((a, b) => cluster.linkCapacity[i * n + b] - cluster.linkCapacity[i * n + a] || a - b);
    for (const j of row.slice(0, keep)) linkCapacity[i * n + j] = cluster.linkCapacity[i * n + j];
    dropped += Math.max(0, row.length - keep);
  }
  return { cluster: { ...cluster, linkCapacity }, dropped };
}
