// The class-counted interval model with layer-boundary hubs (exact when links never bind).
// Helix's published start/end big-M model gives a useless LP relaxation on real clusters; here
// each (class, start, length) interval carries a count and a flow, boundaries balance as hubs, and
// the cap U on every flow makes the relaxation as strong as the compute bound.

import type { Cluster } from '../spec/types.js';
import { nodeClasses, type NodeClass } from '../graph/classes.js';
import { ModelBuilder, type MilpModel, type Term } from './model.js';
import { boundaryUsed, hubCount, hubFlow } from './names.js';

export interface HubModelOptions {
  /** Cap on every interval's flow: the capped compute bound U (or any valid upper bound). */
  readonly cap: number;
  /** Every node used holds at least this many layers. */
  readonly minLayers?: number | null;
  /**
   * At most this many stages on any path. Expressed as at most maxStages - 1 boundaries in use
   * across the whole plan: sufficient (every path crosses only used boundaries), not necessary.
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

  // Depth: u_b = 1 when an interval starts at b; at most maxStages - 1 such boundaries.
  if (options.maxStages) {
    b.step('depth', () => {
      const used: Term[] = [];
      for (let h = 1; h < L; h++) {
        b.variable(boundaryUsed(h), 'binary');
        used.push({ name: boundaryUsed(h), coef: 1 });
        for (const c of classes) {
          for (const [s, k] of intervals[c.id]) {
            if (s !== h) continue;
            b.row(`open_${c.id}_${s}_${k}`, [
              { name: hubCount(c.id, s, k), coef: 1 },
              { name: boundaryUsed(h), coef: -c.members.length },
            ], -Infinity, 0);
          }
        }
      }
      b.row('max_boundaries', used, -Infinity, options.maxStages! - 1);
    });
  }

  // Objective: maximise the flow of intervals starting at layer 0.
  b.step('objective', () => b.maximise(starting[0]));
  return { ...b.build(), classes, intervals };
}
