// Hub-model solution <-> a placement of concrete nodes. Decoding: each class's members take the
// counted intervals in order (members are interchangeable by construction, so any assignment is
// the same). Encoding: a known placement and its flow as model values, for a MIP start.

import type { Cluster, LayerRange, Placement } from '../spec/types.js';
import type { HubModel } from './hub-model.js';
import { hubCount, hubFlow } from './names.js';

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

/**
 * A placement and the flow through each node as hub-model values (counts and interval flows),
 * or null when the placement uses an interval the model does not have (for instance one it
 * left out under --min-layers). Valid for the model when the flow is a real max flow of a plan
 * without partial inference: what ends at a boundary then equals what starts there.
 */
export function encodeHubStart(model: HubModel, placement: Placement, nodeFlow: ArrayLike<number>): Map<string, number> | null {
  const values = new Map<string, number>();
  for (const c of model.classes) {
    const known = new Set(model.intervals[c.id].map(([s, k]) => `${s}:${k}`));
    for (const [s, k] of model.intervals[c.id]) {
      values.set(hubCount(c.id, s, k), 0);
      values.set(hubFlow(c.id, s, k), 0);
    }
    for (const i of c.members) {
      const r = placement[i];
      if (!r || !(nodeFlow[i] > 0)) continue;
      const k = r.end - r.start;
      if (!known.has(`${r.start}:${k}`)) return null;
      values.set(hubCount(c.id, r.start, k), values.get(hubCount(c.id, r.start, k))! + 1);
      values.set(hubFlow(c.id, r.start, k), values.get(hubFlow(c.id, r.start, k))! + nodeFlow[i]);
    }
  }
  return values;
}
