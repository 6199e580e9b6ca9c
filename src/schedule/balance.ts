// A balanced flow of a given value: among all flows that carry `value` from source to sink, the
// one whose utilisations (flow / capacity, per edge) are lexicographically smallest when sorted
// from the largest down ("max-min fair" in the network sense). Max flows are not unique: the
// solver's flow may send everything down one of two identical parallel nodes and nothing down
// the other, and IWRR weights taken from it would starve the idle node. The balanced flow of the
// same value spreads load in proportion to capacity wherever the graph allows, and is unique.
//
// Method (progressive filling with exact bottleneck detection), each round:
//  1. t* = the smallest t such that a flow of `value` fits when every free edge may carry t x its
//     capacity (edges fixed in earlier rounds keep their level). max flow(t) is concave and
//     piecewise linear in t, the minimum of the cut lines a + b t, so Newton's method from t = 0
//     reaches t* exactly in a few max flows: each step jumps to the root of the current min cut's
//     line, never past t*.
//  2. At t*, every free edge in *some* minimum cut is saturated in every flow of `value`, so its
//     level is t* in the balanced flow too: fix it. Those edges are exactly the saturated ones
//     whose ends lie in different strongly connected components of the residual graph (Picard and
//     Queyranne). At least one is found per round, so the loop ends.
// The result is the max flow at the fixed levels, which carries `value`.

import { FlowNetwork } from '../graph/maxflow.js';

/** A flow graph as edge arrays: what balancing and the latency band both work on. */
export interface EdgeGraph {
  readonly vertexCount: number;
  readonly source: number;
  readonly sink: number;
  /** Edge k runs from[k] -> to[k] with capacity[k] > 0 (finite). */
  readonly from: Int32Array;
  readonly to: Int32Array;
  readonly capacity: Float64Array;
}

export interface BalanceProblem extends EdgeGraph {
  /** Flow to carry; at most the graph's max flow (it is clamped to it). */
  readonly value: number;
  /**
   * Work allowed, in edges x max flows (default DEFAULT_WORK): once spent, the edges still free
   * are fixed at the current level, so the top levels are exact and the rest merely capped.
   * Deterministic, unlike a time limit; bundled clusters never reach it.
   */
  readonly work?: number;
}

export interface BalancedFlow {
  /** Flow on each edge. */
  readonly flow: Float64Array;
  /** Each edge's utilisation cap: flow <= level x capacity (equal on every edge a min cut fixed). */
  readonly level: Float64Array;
  /** The value carried. */
  readonly value: number;
  readonly rounds: number;
  readonly maxFlows: number;
  /** True when the work budget ran out before every level was found. */
  readonly truncated: boolean;
}

/** Relative tolerance on flow values: Dinic's sums of doubles, not a modelling choice. */
const REL = 1e-9;
const NEWTON_STEPS = 100;
/** 1-3 s of max flows on a generated 1,000-node plan; geo3 needs about 2% of it. */
export const DEFAULT_WORK = 1e6;

class Solver {
  readonly net: FlowNetwork;
  readonly superSource: number;
  readonly m: number;
  readonly ids: Int32Array;
  readonly caps: Float64Array;
  maxFlows = 0;

  constructor(readonly p: BalanceProblem) {
    this.m = p.from.length;
    this.superSource = p.vertexCount;
    this.net = new FlowNetwork(p.vertexCount + 1, this.m + 1);
    this.ids = new Int32Array(this.m);
    this.caps = new Float64Array(this.m);
  }

  /**
   * Max flow from a super source (one edge of capacity `limit` into the source) with edge k
   * capped at caps[k]; returns the value, flows readable through `flowOf`.
   */
  run(limit: number): number {
    const { net, p } = this;
    net.clear();
    net.addEdge(this.superSource, p.source, limit);
    for (let k = 0; k < this.m; k++) this.ids[k] = net.addEdge(p.from[k], p.to[k], this.caps[k]);
    this.maxFlows++;
    return net.maxFlow(this.superSource, p.sink);
  }

  flowOf(k: number): number {
    return this.net.flowOn(this.ids[k]);
  }
}

/** Strongly connected component ids of the residual graph (Kosaraju, iterative). */
function residualComponents(s: Solver, tol: (k: number) => number): Int32Array {
  const V = s.p.vertexCount;
  const out: number[][] = Array.from({ length: V }, () => []);
  const inc: number[][] = Array.from({ length: V }, () => []);
  const arc = (u: number, v: number) => {
    out[u].push(v);
    inc[v].push(u);
  };
  for (let k = 0; k < s.m; k++) {
    const f = s.flowOf(k);
    if (s.caps[k] - f > tol(k)) arc(s.p.from[k], s.p.to[k]);
    if (f > tol(k)) arc(s.p.to[k], s.p.from[k]);
  }
  // First pass: vertices in order of finishing time.
  const order: number[] = [];
  const seen = new Uint8Array(V);
  const stack: number[] = [];
  const pos: number[] = new Array(V).fill(0);
  for (let r = 0; r < V; r++) {
    if (seen[r]) continue;
    seen[r] = 1;
    stack.push(r);
    while (stack.length > 0) {
      const u = stack[stack.length - 1];
      if (pos[u] < out[u].length) {
        const v = out[u][pos[u]++];
        if (!seen[v]) {
          seen[v] = 1;
          stack.push(v);
        }
      } else {
        order.push(stack.pop()!);
      }
    }
  }
  // Second pass on the reversed graph, latest finisher first.
  const comp = new Int32Array(V).fill(-1);
  let c = 0;
  for (let i = V - 1; i >= 0; i--) {
    const r = order[i];
    if (comp[r] >= 0) continue;
    comp[r] = c;
    stack.push(r);
    while (stack.length > 0) {
      const u = stack.pop()!;
      for (const v of inc[u]) {
        if (comp[v] < 0) {
          comp[v] = c;
          stack.push(v);
        }
      }
    }
    c++;
  }
  return comp;
}

/** The balanced flow of `p.value` (see the file comment). Deterministic. */
export function balancedFlow(p: BalanceProblem): BalancedFlow {
  const s = new Solver(p);
  const { m } = s;
  const level = new Float64Array(m).fill(NaN);
  const fixed = new Uint8Array(m);
  const setCaps = (t: number) => {
    for (let k = 0; k < m; k++) s.caps[k] = fixed[k] ? level[k] * p.capacity[k] : t * p.capacity[k];
  };

  setCaps(1);
  const value = Math.min(p.value, s.run(p.value));
  if (!(value > 0)) {
    return { flow: new Float64Array(m), level: new Float64Array(m), value: 0, rounds: 0, maxFlows: s.maxFlows, truncated: false };
  }
  const enough = value * (1 - REL);
  const work = p.work ?? DEFAULT_WORK;
  let truncated = false;
  let free = m;
  let rounds = 0;
  let t = 0;
  while (free > 0) {
    rounds++;
    // 1. Newton from below on the concave max flow(t).
    t = 0;
    for (let step = 0; step < NEWTON_STEPS; step++) {
      setCaps(t);
      if (s.run(value) >= enough) break;
      const reach = s.net.residualReachable(s.superSource);
      let a = 0;
      let b = 0;
      for (let k = 0; k < m; k++) {
        if (!reach[p.from[k]] || reach[p.to[k]]) continue;
        if (fixed[k]) a += s.caps[k];
        else b += p.capacity[k];
      }
      // b = 0: the fixed edges alone cut the flow below `value`, which earlier rounds rule out;
      // guard against rounding by stopping at the last feasible-looking t.
      if (!(b > 0)) break;
      const next = (value - a) / b;
      if (!(next > t)) break;
      t = next;
    }
    // Rounding can leave t a hair below t*: nudge it so the flow at t carries `value`.
    setCaps(t);
    for (let tries = 0; s.run(value) < enough && tries < 30; tries++) {
      t = t * (1 + 1e-9) + 1e-12;
      setCaps(t);
    }
    // 2. Fix the free edges in some minimum cut (or everything, when nothing needs to flow
    // through free edges, or when the round budget is spent).
    let fixedNow = 0;
    const tol = (k: number) => REL * Math.max(1, p.capacity[k]);
    if (s.maxFlows * Math.max(1, m) > work) truncated = true;
    if (t > 0 && !truncated) {
      const comp = residualComponents(s, tol);
      for (let k = 0; k < m; k++) {
        if (fixed[k]) continue;
        if (s.caps[k] - s.flowOf(k) <= tol(k) && comp[p.from[k]] !== comp[p.to[k]]) {
          fixed[k] = 1;
          level[k] = t;
          fixedNow++;
        }
      }
    }
    if (fixedNow === 0) {
      for (let k = 0; k < m; k++) {
        if (fixed[k]) continue;
        fixed[k] = 1;
        level[k] = t;
        fixedNow++;
      }
    }
    free -= fixedNow;
  }
  setCaps(0);
  // Every level was feasible when fixed; a sliver of slack absorbs the rounding in t.
  for (let k = 0; k < m; k++) s.caps[k] *= 1 + 1e-11;
  const carried = s.run(value);
  const flow = new Float64Array(m);
  for (let k = 0; k < m; k++) flow[k] = Math.max(0, s.flowOf(k));
  return { flow, level, value: carried, rounds, maxFlows: s.maxFlows, truncated };
}
