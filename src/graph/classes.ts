// Nodes that are interchangeable for the hub model: same capacity table, same coordinator links,
// same region. Counting the members of a class instead of ordering nodes removes the model's
// symmetry; keeping regions apart lets a plan be read per region and keeps classes valid for
// models that treat regions differently.

import type { Cluster } from '../spec/types.js';

export interface NodeClass {
  readonly id: number;
  /** Node indices, in cluster order. */
  readonly members: readonly number[];
  readonly region: string;
  readonly capacity: readonly number[];
  readonly sourceCapacity: number;
  readonly sinkCapacity: number;
}

export function nodeClasses(cluster: Cluster): NodeClass[] {
  const byKey = new Map<string, number[]>();
  cluster.nodes.forEach((node, i) => {
    const key = JSON.stringify([node.region, node.capacity, cluster.sourceCapacity[i], cluster.sinkCapacity[i]]);
    const list = byKey.get(key) ?? [];
    list.push(i);
    byKey.set(key, list);
  });
  return [...byKey.values()].map((members, id) => ({
    id,
    members,
    region: cluster.nodes[members[0]].region,
    capacity: cluster.nodes[members[0]].capacity,
    sourceCapacity: cluster.sourceCapacity[members[0]],
    sinkCapacity: cluster.sinkCapacity[members[0]],
  }));
}

/**
 * Whether nodes a and b can swap places without changing any plan's value: same class data and
 * the same links to and from every other node (and to each other both ways). Used to order
 * identical nodes in the per-node model.
 */
export function interchangeable(cluster: Cluster, a: number, b: number): boolean {
  const n = cluster.nodes.length;
  const na = cluster.nodes[a];
  const nb = cluster.nodes[b];
  if (a === b) return true;
  if (cluster.sourceCapacity[a] !== cluster.sourceCapacity[b] || cluster.sinkCapacity[a] !== cluster.sinkCapacity[b]) return false;
  if (na.capacity.length !== nb.capacity.length || na.capacity.some((t, k) => t !== nb.capacity[k])) return false;
  const link = cluster.linkCapacity;
  if (link[a * n + b] !== link[b * n + a]) return false;
  for (let m = 0; m < n; m++) {
    if (m === a || m === b) continue;
    if (link[a * n + m] !== link[b * n + m] || link[m * n + a] !== link[m * n + b]) return false;
  }
  return true;
}
