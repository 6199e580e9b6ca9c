// Nodes that are interchangeable for the hub model: same capacity table and same coordinator
// links. Counting members of a class instead of ordering nodes removes the model's symmetry.

import type { Cluster } from '../spec/types.js';

export interface NodeClass {
  readonly id: number;
  /** Node indices, in cluster order. */
  readonly members: readonly number[];
  readonly capacity: readonly number[];
  readonly sourceCapacity: number;
  readonly sinkCapacity: number;
}

export function nodeClasses(cluster: Cluster): NodeClass[] {
  const byKey = new Map<string, number[]>();
  cluster.nodes.forEach((node, i) => {
    const key = JSON.stringify([node.capacity, cluster.sourceCapacity[i], cluster.sinkCapacity[i]]);
    const list = byKey.get(key) ?? [];
    list.push(i);
    byKey.set(key, list);
  });
  return [...byKey.values()].map((members, id) => ({
    id,
    members,
    capacity: cluster.nodes[members[0]].capacity,
    sourceCapacity: cluster.sourceCapacity[members[0]],
    sinkCapacity: cluster.sinkCapacity[members[0]],
  }));
}
