// A cluster restricted to some of its nodes: what a search on one group of machines sees, and
// (extend.ts, withoutNodes) the cluster after machines leave. The links among the kept nodes and
// to the coordinator stay as they were; nodes are renumbered in the order given, so a placement
// found on the group maps back through `keep`. Name and input hash are the parent's.

import type { Cluster, Placement } from '../spec/types.js';

export function subCluster(cluster: Cluster, keep: readonly number[]): Cluster {
  const n = cluster.nodes.length;
  const m = keep.length;
  const perNode = (a: Float64Array) => Float64Array.from(keep, (i) => a[i]);
  const links = (a: Float64Array) => {
    const out = new Float64Array(m * m);
    keep.forEach((i, x) => keep.forEach((j, y) => (out[x * m + y] = a[i * n + j])));
    return out;
  };
  return {
    ...cluster,
    nodes: keep.map((i, x) => ({ ...cluster.nodes[i], index: x })),
    linkCapacity: links(cluster.linkCapacity),
    linkBandwidth: links(cluster.linkBandwidth),
    linkLatency: links(cluster.linkLatency),
    sourceCapacity: perNode(cluster.sourceCapacity),
    sinkCapacity: perNode(cluster.sinkCapacity),
    sourceLatency: perNode(cluster.sourceLatency),
    sinkLatency: perNode(cluster.sinkLatency),
  };
}

/** One placement of the whole cluster from placements of disjoint groups (nodes in no group unused). */
export function joinPlacements(n: number, parts: readonly { keep: readonly number[]; placement: Placement }[]): Placement {
  const out: (Placement[number])[] = new Array(n).fill(null);
  for (const { keep, placement } of parts) keep.forEach((i, x) => (out[i] = placement[x]));
  return out;
}
