// Compute bounds: what the GPUs could do if the network were free.
//
// Every token crosses every layer once, and no node carries more than the total flow F, so
//   L * F <= S(F) = sum_i g_i(F),   g_i(F) = max_k k * min(t_i(k), F).
// The capped compute bound U is the largest F with S(F) >= L * F. Measured tables are not
// monotone, so S(F) - L F can be >= 0, then < 0, then >= 0 again as F falls: a bisection over F
// may land on a lower root. Instead we walk down the breakpoints t_i(k). Between two consecutive
// breakpoints every min(t, F) is either the constant t or F itself, so
//   g_i(F) = max(K_i * F, C_i),  K_i = most layers with t_i(k) above the interval, C_i = best k t_i(k) below it,
// which is convex and piecewise linear with at most one inner kink C_i / K_i. Solving the
// linear pieces gives the top root exactly.

import type { Cluster } from '../spec/types.js';

/** The plain compute bound (Helix's UB): every node at its best layer count, network free. */
export function simpleComputeBound(cluster: Cluster): number {
  let total = 0;
  const L = cluster.model.layers;
  for (const table of usableTables(cluster)) {
    let best = 0;
    table.forEach((t, idx) => (best = Math.max(best, (idx + 1) * t)));
    total += best;
  }
  return total / L;
}

/** Identical tables counted once: real clusters have a few GPU types and many machines. */
interface TableGroup {
  readonly table: readonly number[];
  readonly count: number;
}

function groupTables(cluster: Cluster): TableGroup[] {
  const groups = new Map<string, { table: readonly number[]; count: number }>();
  for (const table of usableTables(cluster)) {
    const key = table.join(',');
    const g = groups.get(key);
    if (g) g.count++;
    else groups.set(key, { table, count: 1 });
  }
  return [...groups.values()];
}

/** Each node's table cut to the counts it can actually hold: no more layers than the model has. */
export function usableTables(cluster: Cluster): (readonly number[])[] {
  const L = cluster.model.layers;
  return cluster.nodes.map((node) => (node.capacity.length > L ? node.capacity.slice(0, L) : node.capacity));
}

/** The node's linear form max(K F, C) on the open interval (lo, hi) between breakpoints. */
function formOn(table: readonly number[], lo: number, hi: number): { K: number; C: number } {
  let K = 0;
  let C = 0;
  for (let k = 1; k <= table.length; k++) {
    const t = table[k - 1];
    if (t >= hi) K = k; // min(t, F) = F all over the interval
    else if (t <= lo) C = Math.max(C, k * t); // min(t, F) = t all over the interval
  }
  return { K, C };
}

/**
 * Largest F in [lo, hi] with sum_m count_m * max(K_m F, C_m) >= L F, knowing it fails at hi and
 * holds at lo. The left side is convex, so the crossing is unique: walk its kinks from the top and
 * solve the first linear piece that holds at its low end.
 */
function rootInInterval(forms: { K: number; C: number; count: number }[], L: number, lo: number, hi: number): number {
  const kinks = forms.filter((f) => f.K > 0 && f.C / f.K > lo && f.C / f.K < hi).map((f) => f.C / f.K);
  const points = [hi, ...kinks.sort((a, b) => b - a), lo];
  for (let m = 0; m + 1 < points.length; m++) {
    const top = points[m];
    const bottom = points[m + 1];
    const mid = (top + bottom) / 2;
    // On this piece each term is exactly one of K F or C: slack(F) = (A - L) F + B.
    let A = 0;
    let B = 0;
    for (const f of forms) {
      if (f.K * mid >= f.C) A += f.count * f.K;
      else B += f.count * f.C;
    }
    if ((A - L) * bottom + B < 0) continue;
    // Holds at the bottom, fails at the top of the walk so far: the root lies on this piece.
    if (A >= L) return top;
    return Math.min(top, Math.max(bottom, B / (L - A)));
  }
  return lo;
}

/** sum_i g_i(F) - L F, evaluated directly. */
function slackAt(groups: readonly TableGroup[], L: number, F: number): number {
  let total = 0;
  for (const g of groups) {
    let best = 0;
    for (let k = 1; k <= g.table.length; k++) best = Math.max(best, k * Math.min(g.table[k - 1], F));
    total += g.count * best;
  }
  return total - L * F;
}

/** The capped compute bound U (also capped by the coordinator's total link capacity). */
export function cappedComputeBound(cluster: Cluster): number {
  const L = cluster.model.layers;
  const groups = groupTables(cluster);
  const breaks = [...new Set(groups.flatMap((g) => g.table))].filter((t) => t > 0).sort((a, b) => b - a);
  const coordinator = Math.min(sum(cluster.sourceCapacity), sum(cluster.sinkCapacity));
  if (breaks.length === 0) return 0;
  // Above every breakpoint S is the constant sum of best products: the plain bound.
  const plain = simpleComputeBound(cluster);
  if (plain >= breaks[0]) return Math.min(plain, coordinator);
  const points = [...breaks, 0];
  for (let m = 0; m + 1 < points.length; m++) {
    const hi = points[m];
    const lo = points[m + 1];
    // Invariant: the slack is < 0 at hi (and everywhere above it).
    if (slackAt(groups, L, lo) < 0) continue;
    const forms = groups.map((g) => ({ ...formOn(g.table, lo, hi), count: g.count }));
    return Math.min(rootInInterval(forms, L, lo, hi), coordinator);
  }
  return 0;
}

function sum(values: Float64Array): number {
  let s = 0;
  for (const v of values) s += v;
  return s;
}
