// Link pruning as Helix does it on big clusters: keep each node's N fastest outgoing links
// (coordinator links always stay). A pruned cluster has fewer links, so every plan made on it is
// also valid on the full cluster. The input hash stays the original's: the inputs are the same
// files, and the caller records the pruning (flag and links dropped) beside the plan.

import type { Cluster } from '../spec/types.js';

export interface PrunedCluster {
  readonly cluster: Cluster;
  /** Node-to-node links removed. */
  readonly dropped: number;
}

export function keepLinks(cluster: Cluster, keep: number): PrunedCluster {
  if (!Number.isInteger(keep) || keep < 0) throw new RangeError(`links to keep must be a whole number >= 0, got ${keep}`);
  const n = cluster.nodes.length;
  const linkCapacity = new Float64Array(n * n);
  const linkBandwidth = new Float64Array(n * n);
  const linkLatency = new Float64Array(n * n);
  let dropped = 0;
  for (let i = 0; i < n; i++) {
    const targets: number[] = [];
    for (let j = 0; j < n; j++) if (cluster.linkCapacity[i * n + j] > 0) targets.push(j);
    // Fastest first. Ties go to the nodes that follow i in index order, wrapping round: pruning
    // stays deterministic, and on a cluster of equal links every node keeps N incoming links too.
    // (Lowest index first would point every node at the same N machines and leave the rest
    // reachable only from the coordinator.)
    const after = (j: number) => (j - i + n) % n;
    targets.sort((a, b) => cluster.linkCapacity[i * n + b] - cluster.linkCapacity[i * n + a] || after(a) - after(b));
    for (const j of targets.slice(0, keep)) {
      linkCapacity[i * n + j] = cluster.linkCapacity[i * n + j];
      linkBandwidth[i * n + j] = cluster.linkBandwidth[i * n + j];
      linkLatency[i * n + j] = cluster.linkLatency[i * n + j];
    }
    dropped += Math.max(0, targets.length - keep);
  }
  return { cluster: { ...cluster, linkCapacity, linkBandwidth, linkLatency }, dropped };
}

/** The name the planner uses. */
export const keepFastestLinks = keepLinks;
