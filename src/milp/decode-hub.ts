// Hub-model solution -> a placement of concrete nodes: each class's members take the counted
// intervals in order. Members are interchangeable by construction, so any assignment is the same.

import type { Cluster, LayerRange } from '../spec/types.js';
import type { HubModel } from './hub-model.js';
import { hubCount } from './names.js';

export function decodeHubSolution(cluster: Cluster, model: HubModel, values: ReadonlyMap<string, number>): (LayerRange | null)[] {
  const placement: (LayerRange | null)[] = cluster.nodes.map(() => null);
  for (const c of model.classes) {
    let next = 0;
    for (const [s, k] of model.intervals[c.id]) {
      const count = Math.round(values.get(hubCount(c.id, s, k)) ?? 0);
      for (let m = 0; m < count && next < c.members.length; m++) placement[c.members[next++]] = { start: s, end: s + k };
    }
  }
  return placement;
}
