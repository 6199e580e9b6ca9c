// The class-counted interval model with layer-boundary hubs (exact when links never bind).
// Helix's published start/end big-M model gives a useless LP relaxation on real clusters; here
// each (class, start, length) interval carries a count and a flow, boundaries balance as hubs, and
// the cap U on every flow makes the relaxation as strong as the compute bound.

import type { Cluster } from '../spec/types.js';
import { nodeClasses, type NodeClass } from '../graph/classes.js';
import { ModelBuilder, type MilpModel, type Term } from './model.js';
import { boundaryDepth, hubCount, hubFlow, intervalHeld } from './names.js';

export interface HubModelOptions {
  /** Cap on every interval's flow: the capped compute bound U (or any valid upper bound). */
  readonly cap: number;
  /** Every node used holds at least this many layers. */
  readonly minLayers?: number | null;
  /**
   * At most this many stages on any chain of held intervals from layer 0 (so on any path of any
   * max flow): exact for that structural depth. Much harder for the solvers than the plain model.
   */
  readonly maxStages?: number | null;
}

export interface HubModel extends MilpModel {
  readonly classes: readonly NodeClass[];
  /** Intervals that exist in the model, per class: [s, k]. */
  readonly intervals: readonly (readonly (readonly [number, number])[])[];
}

export function buildHubModel(cluster: Cluster, options: HubModelOptions): HubModel {
  const L = cluster.model.layers;
  const U = options.cap;
  const kMin = Math.max(1, options.minLayers ?? 1);
  const classes = nodeClasses(cluster);
  const b = new ModelBuilder(`hub:${cluster.name}`, 'max');
  const intervals: [number, number][][] = classes.map(() => []);
  const starting: Term[][] = Array.from({ length: L }, () => []);
  const ending: Term[][] = Array.from({ length: L + 1 }, () => []);

  // Intervals: for each class c, length k in [kMin, K_c], start s in [0, L - k]; an interval at
  // the coordinator's ends exists only for classes the coordinator is linked to.
  b.step('intervals', () => {
    for (const c of classes) {
      for (let k = kMin; k <= c.capacity.length; k++) {
        for (let s = 0; s + k <= L; s++) {
          if (s === 0 && c.sourceCapacity <= 0) continue;
          if (s + k === L && c.sinkCapacity <= 0) continue;
          b.variable(hubCount(c.id, s, k), 'integer', 0, c.members.length);
          b.variable(hubFlow(c.id, s, k), 'continuous', 0);
          intervals[c.id].push([s, k]);
          starting[s].push({ name: hubFlow(c.id, s, k), coef: 1 });
          ending[s + k].push({ name: hubFlow(c.id, s, k), coef: 1 });
        }
      }
    }
  });

  // Node capacity: x[c,s,k] <= min(t_c(k), U, coordinator link) * n[c,s,k].
  b.step('capacity', () => {
    for (const c of classes) {
      for (const [s, k] of intervals[c.id]) {
        let per = Math.min(c.capacity[k - 1], U);
        if (s === 0) per = Math.min(per, c.sourceCapacity);
        if (s + k === L) per = Math.min(per, c.sinkCapacity);
        b.row(`cap_${c.id}_${s}_${k}`, [
          { name: hubFlow(c.id, s, k), coef: 1 },
          { name: hubCount(c.id, s, k), coef: -per },
        ], -Infinity, 0);
      }
    }
  });

  // Count: sum over s, k of n[c,s,k] <= N_c.
  b.step('count', () => {
    for (const c of classes) {
      b.row(`count_${c.id}`, intervals[c.id].map(([s, k]) => ({ name: hubCount(c.id, s, k), coef: 1 })), -Infinity, c.members.length);
    }
  });

  // Hub balance at b = 1..L-1: flow of intervals ending at b = flow of intervals starting at b.
  b.step('hub balance', () => {
    for (let h = 1; h < L; h++) {
      const terms = [...ending[h], ...starting[h].map((t) => ({ name: t.name, coef: -1 }))];
      if (ending[h].length === 0 || starting[h].length === 0) {
        // Nothing can pass this boundary: every interval touching it carries no flow.
        for (const t of terms) b.row(`dead_${h}_${t.name}`, [{ name: t.name, coef: 1 }], 0, 0);
      } else {
        b.row(`hub_${h}`, terms, 0, 0);
      }
    }
  });

  // Depth, as potentials on boundaries: p_0 = 0, p_b in [0, D]; a[s,e] = 1 when any node holds
  // [s, e) (n[c,s,k] <= N_c a[s,s+k]), and then p_e >= p_s + 1, written
  // p_e - p_s - (D + 1) a[s,e] >= -D. Any chain of held intervals from layer 0 climbs one per
  // stage, so no chain (hence no path, whatever max flow is routed) has more than D stages; and
  // every placement within the limit has such potentials (its longest chain to each boundary).
  // Every unit of flow passes at most D nodes: sum of all x <= D * (flow from the source). That
  // row is implied by the others for integer counts, but it is what keeps the relaxation honest.
  if (options.maxStages) {
    const D = options.maxStages;
    b.step('depth', () => {
      for (let h = 0; h <= L; h++) b.variable(boundaryDepth(h), 'continuous', 0, h === 0 ? 0 : D);
      for (const c of classes) {
        for (const [s, k] of intervals[c.id]) {
          const a = intervalHeld(s, s + k);
          if (!b.has(a)) {
            b.variable(a, 'binary');
            b.row(`climb_${s}_${s + k}`, [
              { name: boundaryDepth(s + k), coef: 1 },
              { name: boundaryDepth(s), coef: -1 },
              { name: a, coef: -(D + 1) },
            ], -D, Infinity);
          }
          b.row(`held_${c.id}_${s}_${k}`, [{ name: hubCount(c.id, s, k), coef: 1 }, { name: a, coef: -c.members.length }], -Infinity, 0);
        }
      }
      const all = classes.flatMap((c) => intervals[c.id].map(([s, k]) => ({ name: hubFlow(c.id, s, k), coef: s === 0 ? 1 - D : 1 })));
      b.row('stages_per_token', all, -Infinity, 0);
    });
  }

  // Objective: maximise the flow of intervals starting at layer 0.
  b.step('objective', () => b.maximise(starting[0]));
  return { ...b.build(), classes, intervals };
}
