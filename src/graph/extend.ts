// What-if clusters for `helix explain`: one more machine like an existing one, or one link faster.

import { createHash } from 'node:crypto';
import type { Cluster } from '../spec/types.js';
import { subCluster } from './sub-cluster.js';

/** The cluster plus a copy of node `template` (same type, region and links), appended last. */
export function withExtraNode(cluster: Cluster, template: number, name: string): Cluster {
  const n = cluster.nodes.length;
  const m = n + 1;
  // The copy links to others as its template does; to the template itself as the template's
  // region peer does (or as its fastest link, without a peer).
  const peer = cluster.nodes.findIndex((x, k) => k !== template && x.region === cluster.nodes[template].region);
  const grow = (a: Float64Array) => {
    const twin = peer >= 0 ? a[template * n + peer] : Math.max(0, ...a.subarray(template * n, template * n + n));
    const b = new Float64Array(m * m);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < m; j++) {
        if (i === j) continue;
        if (i < n && j < n) b[i * m + j] = a[i * n + j];
        else if (i === n) b[i * m + j] = j === template ? twin : a[template * n + j];
        else b[i * m + j] = i === template ? twin : a[i * n + template];
      }
    }
    return b;
  };
  const append = (a: Float64Array) => Float64Array.from([...a, a[template]]);
  return {
    ...cluster,
    nodes: [...cluster.nodes, { ...cluster.nodes[template], index: n, name }],
    linkCapacity: grow(cluster.linkCapacity),
    linkBandwidth: grow(cluster.linkBandwidth),
    linkLatency: grow(cluster.linkLatency),
    sourceCapacity: append(cluster.sourceCapacity),
    sinkCapacity: append(cluster.sinkCapacity),
    sourceLatency: append(cluster.sourceLatency),
    sinkLatency: append(cluster.sinkLatency),
  };
}

/** The cluster with link i -> j (both directions) set to `capacity` tokens/s. */
export function withLinkCapacity(cluster: Cluster, i: number, j: number, capacity: number): Cluster {
  const n = cluster.nodes.length;
  const linkCapacity = cluster.linkCapacity.slice();
  linkCapacity[i * n + j] = capacity;
  linkCapacity[j * n + i] = capacity;
  return { ...cluster, linkCapacity };
}

/** The cluster without the given nodes (a machine failed or left), under its own input hash. */
export function withoutNodes(cluster: Cluster, remove: ReadonlySet<number>): Cluster {
  const keep = cluster.nodes.map((_, i) => i).filter((i) => !remove.has(i));
  return { ...subCluster(cluster, keep), inputHash: inputHashWithout(cluster, remove) };
}

/**
 * The input hash of the cluster without the given nodes: derived from the spec's own, so a plan
 * made after a failure can still be traced to the spec that names the failed machine.
 */
export function inputHashWithout(cluster: Cluster, remove: ReadonlySet<number>): string {
  const removed = [...remove].map((i) => cluster.nodes[i].name).sort();
  return `sha256:${createHash('sha256').update(`${cluster.inputHash} without ${removed.join(',')}`).digest('hex')}`;
}

/** What identifies the cluster a plan was made for: the nodes it lists and the input hash it records. */
export interface PlanOrigin {
  readonly nodes: readonly { readonly name: string }[];
  readonly cluster: { readonly inputHash: string };
  readonly settings?: { readonly method?: string };
}

/** Indices of the spec's nodes that the plan does not list. */
export function unlistedNodes(cluster: Cluster, plan: PlanOrigin): number[] {
  const listed = new Set(plan.nodes.map((node) => node.name));
  return cluster.nodes.flatMap((node, i) => (listed.has(node.name) ? [] : [i]));
}

/** Nodes of the spec a replan left out (indices), and whether its input hash proves it. */
export interface ReplanLeftOut {
  readonly nodes: readonly number[];
  readonly proven: boolean;
}

/**
 * The nodes a replan left out of the spec. Proven where the plan's input hash is the spec's
 * without exactly the nodes it does not list. Once the spec has changed in any other way too (a
 * latency edited) the hash cannot tell, and a replan's unlisted nodes are still taken as out,
 * unproven: counting a dead machine as spare capacity fails a CI gate on capacity that is not
 * there, while a machine added since only goes uncounted until replan brings it in. None for
 * any other plan.
 */
export function replanLeftOut(cluster: Cluster, plan: PlanOrigin): ReplanLeftOut {
  const missing = unlistedNodes(cluster, plan);
  if (missing.length > 0 && plan.cluster.inputHash === inputHashWithout(cluster, new Set(missing))) return { nodes: missing, proven: true };
  if (missing.length > 0 && missing.length < cluster.nodes.length && plan.settings?.method === 'replan') return { nodes: missing, proven: false };
  return { nodes: [], proven: false };
}

/** The nodes a replan left out, where its input hash proves it (empty for any other plan). */
export function leftOutByReplan(cluster: Cluster, plan: PlanOrigin): readonly number[] {
  const out = replanLeftOut(cluster, plan);
  return out.proven ? out.nodes : [];
}

/** The cluster without the nodes a replan left out. */
export function clusterWithout(cluster: Cluster, out: ReplanLeftOut): Cluster {
  return out.nodes.length > 0 ? withoutNodes(cluster, new Set(out.nodes)) : cluster;
}

/** The cluster the plan was made for: the spec without the nodes a replan left out (replanLeftOut), else the spec. */
export function clusterOfPlan(cluster: Cluster, plan: PlanOrigin): Cluster {
  return clusterWithout(cluster, replanLeftOut(cluster, plan));
}
