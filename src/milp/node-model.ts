// The exact per-node model, for clusters where links can bind (regions, missing or pruned links).
// Each node picks at most one interval; nodes whose links to each other can never bind share one
// hub per layer boundary (as in the hub model), and every other link gets its own flow per
// boundary. Exact but large: meant for small clusters and for neighbourhoods, where most nodes
// are fixed (`fixed`) or limited to a few candidate intervals (`allowed`).

import type { Cluster, LayerRange, Placement } from '../spec/types.js';
import { hubGroups } from '../graph/binding.js';
import { interchangeable } from '../graph/classes.js';
import { nodeCapacityFor } from '../graph/placement-flow.js';
import { ModelBuilder, type MilpModel, type Term } from './model.js';
import { boundaryDepth, nodeFlow, nodeHolds, pairFlow } from './names.js';

export interface NodeModelOptions {
  /** Cap on every flow: the capped compute bound U (or any valid upper bound on the optimum). */
  readonly cap: number;
  /** Nodes whose interval is decided (null: unused); the model only places the others. */
  readonly fixed?: ReadonlyMap<number, LayerRange | null>;
  /** Candidate intervals per free node; nodes not listed may take any interval. */
  readonly allowed?: ReadonlyMap<number, readonly LayerRange[]>;
  /** Every free node used holds at least this many layers. */
  readonly minLayers?: number | null;
  /** At most this many stages on any chain of placed nodes from layer 0 (so on any flow path). */
  readonly maxStages?: number | null;
}

export interface NodeInterval {
  readonly start: number;
  readonly end: number;
  /** Flow variable. */
  readonly flow: string;
  /** The choice variable, or null when the node is fixed to this interval. */
  readonly holds: string | null;
  /** Most flow this interval can carry: min(t_i(k), U, coordinator links it uses). */
  readonly cap: number;
}

export interface NodeModel extends MilpModel {
  /** Per node, the intervals it may hold in this model (one, with holds = null, if fixed). */
  readonly intervals: readonly (readonly NodeInterval[])[];
  /** Groups of nodes sharing a hub at each boundary. */
  readonly groups: readonly (readonly number[])[];
  readonly fixed: ReadonlyMap<number, LayerRange | null>;
}

/** Intervals node i may hold: within its memory and minLayers, touching the coordinator only where linked. */
function candidates(cluster: Cluster, i: number, kMin: number, allowed: readonly LayerRange[] | undefined): LayerRange[] {
  const L = cluster.model.layers;
  const out: LayerRange[] = [];
  const K = cluster.nodes[i].capacity.length;
  for (let k = kMin; k <= K; k++) {
    for (let s = 0; s + k <= L; s++) {
      if (s === 0 && cluster.sourceCapacity[i] <= 0) continue;
      if (s + k === L && cluster.sinkCapacity[i] <= 0) continue;
      if (allowed && !allowed.some((r) => r.start === s && r.end === s + k)) continue;
      out.push({ start: s, end: s + k });
    }
  }
  return out;
}

function intervalCap(cluster: Cluster, i: number, range: LayerRange, U: number): number {
  let cap = Math.min(nodeCapacityFor(cluster, i, range), U);
  if (range.start === 0) cap = Math.min(cap, cluster.sourceCapacity[i]);
  if (range.end === cluster.model.layers) cap = Math.min(cap, cluster.sinkCapacity[i]);
  return Math.max(0, cap);
}

export function buildNodeModel(cluster: Cluster, options: NodeModelOptions): NodeModel {
  const n = cluster.nodes.length;
  const L = cluster.model.layers;
  const U = options.cap;
  const kMin = Math.max(1, options.minLayers ?? 1);
  const fixed = options.fixed ?? new Map<number, LayerRange | null>();
  for (const [i, r] of fixed) {
    if (i < 0 || i >= n || !Number.isInteger(i)) throw new RangeError(`fixed node ${i} is not in the cluster`);
    if (r && !(r.start >= 0 && r.end <= L && r.start < r.end)) throw new RangeError(`fixed node ${i}: [${r.start}, ${r.end}) is not a layer range of ${L} layers`);
  }
  const groups = hubGroups(cluster, U);
  const groupOf = new Int32Array(n);
  groups.forEach((g, gi) => g.forEach((i) => (groupOf[i] = gi)));

  const b = new ModelBuilder(`node:${cluster.name}`, 'max');
  const intervals: NodeInterval[][] = cluster.nodes.map(() => []);
  // Per node and boundary: flow terms of its intervals ending / starting there, and the choice
  // terms saying it ends / starts there (a constant 1 for a fixed node, kept as `always`).
  const endFlow = new Map<number, Term[]>();
  const startFlow = new Map<number, Term[]>();
  const endChoice = new Map<number, { terms: Term[]; always: boolean }>();
  const startChoice = new Map<number, { terms: Term[]; always: boolean }>();
  const key = (i: number, h: number) => i * (L + 1) + h;
  const push = <T>(m: Map<number, T[]>, k: number, t: T) => (m.get(k) ?? m.set(k, []).get(k)!).push(t);
  const choice = (m: Map<number, { terms: Term[]; always: boolean }>, k: number) => m.get(k) ?? m.set(k, { terms: [], always: false }).get(k)!;
  const objective: Term[] = [];

  // Intervals: z[i,s,k] binary for each free node's candidates (s + k <= L, k <= K_i, coordinator
  // ends only where linked), f[i,s,k] in [0, min(t_i(k), U, coordinator link)]; a fixed node
  // has one interval and no choice variable.
  b.step('intervals', () => {
    for (let i = 0; i < n; i++) {
      const isFixed = fixed.has(i);
      const ranges = isFixed ? (fixed.get(i) ? [fixed.get(i)!] : []) : candidates(cluster, i, kMin, options.allowed?.get(i));
      for (const r of ranges) {
        const k = r.end - r.start;
        const cap = intervalCap(cluster, i, r, U);
        if (!isFixed && cap <= 0) continue;
        const flow = b.variable(nodeFlow(i, r.start, k), 'continuous', 0, cap);
        const holds = isFixed ? null : b.variable(nodeHolds(i, r.start, k), 'binary');
        intervals[i].push({ start: r.start, end: r.end, flow, holds, cap });
        push(startFlow, key(i, r.start), { name: flow, coef: 1 });
        push(endFlow, key(i, r.end), { name: flow, coef: 1 });
        for (const [m, h] of [[startChoice, r.start], [endChoice, r.end]] as const) {
          const c = choice(m, key(i, h));
          if (holds) c.terms.push({ name: holds, coef: 1 });
          else c.always = true;
        }
        if (r.start === 0) objective.push({ name: flow, coef: 1 });
      }
    }
  });

  // Capacity: f[i,s,k] <= min(t_i(k), U) * z[i,s,k].
  b.step('capacity', () => {
    for (let i = 0; i < n; i++) {
      for (const iv of intervals[i]) {
        if (iv.holds) b.row(`cap_${iv.flow}`, [{ name: iv.flow, coef: 1 }, { name: iv.holds, coef: -iv.cap }], -Infinity, 0);
      }
    }
  });

  // One interval per node: sum over s, k of z[i,s,k] <= 1.
  b.step('one interval', () => {
    for (let i = 0; i < n; i++) {
      const terms = intervals[i].filter((iv) => iv.holds).map((iv) => ({ name: iv.holds!, coef: 1 }));
      if (terms.length > 1) b.row(`one_${i}`, terms, -Infinity, 1);
    }
  });

  // Pair flows for links outside a shared hub: g[i,j,b] in [0, min(c_ij, U)] where i can end and
  // j can start at b, with g <= c_ij [i ends at b] and g <= c_ij [j starts at b].
  const outPairs = new Map<number, Term[]>();
  const inPairs = new Map<number, Term[]>();
  b.step('pair flows', () => {
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const c = Math.min(cluster.linkCapacity[i * n + j], U);
        if (i === j || groupOf[i] === groupOf[j] || c <= 0) continue;
        for (let h = 1; h < L; h++) {
          const ends = endChoice.get(key(i, h));
          const starts = startChoice.get(key(j, h));
          if (!ends || !starts) continue;
          const g = b.variable(pairFlow(i, j, h), 'continuous', 0, c);
          push(outPairs, key(i, h), { name: g, coef: 1 });
          push(inPairs, key(j, h), { name: g, coef: 1 });
          for (const [side, at] of [['end', ends], ['start', starts]] as const) {
            if (!at.always) b.row(`${side}_${g}`, [{ name: g, coef: 1 }, ...at.terms.map((t) => ({ name: t.name, coef: -c }))], -Infinity, 0);
          }
        }
      }
    }
  });

  // Node sides: sum_j g[i,j,b] <= flow of i ending at b; sum_i g[i,j,b] <= flow of j starting at b.
  b.step('pair limits', () => {
    for (const [k, terms] of outPairs) b.row(`out_${k}`, [...terms, ...endFlow.get(k)!.map(neg)], -Infinity, 0);
    for (const [k, terms] of inPairs) b.row(`in_${k}`, [...terms, ...startFlow.get(k)!.map(neg)], -Infinity, 0);
  });

  // Hubs, per group G and boundary b = 1..L-1:
  // sum_{i in G} (ends_i,b - sum_j g[i,j,b]) = sum_{j in G} (starts_j,b - sum_i g[i,j,b]).
  b.step('hub balance', () => {
    groups.forEach((group, gi) => {
      for (let h = 1; h < L; h++) {
        const terms: Term[] = [];
        for (const i of group) {
          const k = key(i, h);
          terms.push(...(endFlow.get(k) ?? []), ...(outPairs.get(k) ?? []).map(neg));
          terms.push(...(startFlow.get(k) ?? []).map(neg), ...(inPairs.get(k) ?? []));
        }
        b.row(`hub_${gi}_${h}`, terms, 0, 0);
      }
    });
  });

  // Symmetry: interchangeable free nodes a < b (same data, same links, same candidates) are
  // ordered by their interval, unused last: sum (s (L + 1) + k) z[a,s,k] >= the same for b.
  b.step('symmetry', () => {
    const free = cluster.nodes.map((_, i) => i).filter((i) => !fixed.has(i) && intervals[i].length > 0);
    const sameCandidates = (a: number, c: number) =>
      intervals[a].length === intervals[c].length && intervals[a].every((iv, x) => iv.start === intervals[c][x].start && iv.end === intervals[c][x].end);
    const chains: number[][] = [];
    for (const i of free) {
      const chain = chains.find((ch) => ch.every((j) => interchangeable(cluster, i, j) && sameCandidates(i, j)));
      if (chain) chain.push(i);
      else chains.push([i]);
    }
    const order = (i: number, sign: number) => intervals[i].map((iv) => ({ name: iv.holds!, coef: sign * (iv.start * (L + 1) + (iv.end - iv.start)) }));
    for (const ch of chains) {
      for (let x = 0; x + 1 < ch.length; x++) b.row(`order_${ch[x]}_${ch[x + 1]}`, [...order(ch[x], 1), ...order(ch[x + 1], -1)], 0, Infinity);
    }
  });

  // Depth, as potentials on boundaries (see the hub model): p_0 = 0, p_b in [0, D], and for every
  // interval p_e - p_s - (D + 1) z[i,s,k] >= -D (p_e >= p_s + 1 for a fixed one); plus
  // sum of all f <= D * (flow from the source). Chains are counted as if every node ending at a
  // boundary linked to every node starting there, so this is safe, and exact where links exist.
  if (options.maxStages) {
    const D = options.maxStages;
    b.step('depth', () => {
      for (let h = 0; h <= L; h++) b.variable(boundaryDepth(h), 'continuous', 0, h === 0 ? 0 : D);
      const all: Term[] = [];
      for (let i = 0; i < n; i++) {
        for (const iv of intervals[i]) {
          const climb = [{ name: boundaryDepth(iv.end), coef: 1 }, { name: boundaryDepth(iv.start), coef: -1 }];
          if (iv.holds) b.row(`climb_${iv.holds}`, [...climb, { name: iv.holds, coef: -(D + 1) }], -D, Infinity);
          else b.row(`climb_${iv.flow}`, climb, 1, Infinity);
          all.push({ name: iv.flow, coef: iv.start === 0 ? 1 - D : 1 });
        }
      }
      b.row('stages_per_token', all, -Infinity, 0);
    });
  }

  // Objective: maximise the flow of intervals starting at layer 0.
  b.step('objective', () => b.maximise(objective));
  return { ...b.build(), intervals, groups, fixed };
}

const neg = (t: Term): Term => ({ name: t.name, coef: -t.coef });

/** Solution -> placement: fixed nodes as given, free nodes at the interval they chose. */
export function decodeNodeSolution(cluster: Cluster, model: NodeModel, values: ReadonlyMap<string, number>): Placement {
  return cluster.nodes.map((_, i) => {
    if (model.fixed.has(i)) return model.fixed.get(i) ?? null;
    const chosen = model.intervals[i].find((iv) => iv.holds !== null && (values.get(iv.holds) ?? 0) > 0.5);
    return chosen ? { start: chosen.start, end: chosen.end } : null;
  });
}

/** A known placement as a MIP start for this model (choices only; the solver completes flows). */
export function nodeModelStart(model: NodeModel, placement: Placement): Map<string, number> {
  const start = new Map<string, number>();
  model.intervals.forEach((list, i) => {
    for (const iv of list) {
      if (!iv.holds) continue;
      const r = placement[i];
      start.set(iv.holds, r && r.start === iv.start && r.end === iv.end ? 1 : 0);
    }
  });
  return start;
}
