// Upper bounds on the max-flow throughput of any placement.
//
// Capped compute bound U: every token crosses every layer once, and no node carries more than the
// total flow F, so L * F <= sum_i max_k k * min(t_i(k), F). U is the largest F that satisfies it.

import type { Cluster } from '../spec/types.js';
import { roleBound } from './role-bound.js';

/** The plain compute bound: every node at its best layer count, network free. */
export function simpleComputeBound(cluster: Cluster): number {
  let total = 0;
  for (const node of cluster.nodes) {
    let best = 0;
    node.capacity.forEach((t, idx) => (best = Math.max(best, (idx + 1) * t)));
    total += best;
  }
  return total / cluster.model.layers;
}

/** sum_i max_k k * min(t_i(k), F) - L * F. */
function slack(cluster: Cluster, F: number): number {
  let total = 0;
  for (const node of cluster.nodes) {
    let best = 0;
    for (let k = 1; k <= node.capacity.length; k++) best = Math.max(best, k * Math.min(node.capacity[k - 1], F));
    total += best;
  }
  return total - cluster.model.layers * F;
}

/**
 * U, found by walking the intervals between breakpoints t_i(k) from the top down. The right-hand
 * side is not concave in F (tables are not monotone), so a global bisection can stop too low; but
 * inside one interval every min(t, F) is either constant or F, so the slack is a sum of maxima of
 * linear functions: convex. A convex function that is >= 0 at the low end and < 0 at the high end
 * crosses zero exactly once there, which bisection finds to machine precision.
 */
export function cappedComputeBound(cluster: Cluster): number {
  const L = cluster.model.layers;
  const breaks = [...new Set(cluster.nodes.flatMap((n) => n.capacity))].filter((t) => t > 0).sort((a, b) => b - a);
  let result = 0;
  const top = simpleComputeBound(cluster);
  if (breaks.length === 0) return 0;
  if (top >= breaks[0]) {
    result = top; // above every breakpoint the right side is the constant sum of best products
  } else {
    const points = [...breaks, 0];
    for (let m = 0; m + 1 < points.length; m++) {
      const hi = points[m];
      const lo = points[m + 1];
      if (slack(cluster, hi) >= -1e-9 * L * hi) {
        result = hi;
        break;
      }
      if (slack(cluster, lo) < 0) continue;
      let a = lo;
      let b = hi;
      for (let it = 0; it < 200 && b - a > 1e-12 * Math.max(1, b); it++) {
        const mid = (a + b) / 2;
        if (slack(cluster, mid) >= 0) a = mid;
        else b = mid;
      }
      result = a;
      break;
    }
  }
  // The coordinator's links bound the flow too.
  const sourceTotal = cluster.sourceCapacity.reduce((s, c) => s + c, 0);
  const sinkTotal = cluster.sinkCapacity.reduce((s, c) => s + c, 0);
  return Math.min(result, sourceTotal, sinkTotal);
}

export interface BoundSet {
  readonly value: number;
  readonly source: string;
  readonly all: Readonly<Record<string, number>>;
}

/** Above this many nodes the role bound's scan is too slow to run by default. */
const ROLE_BOUND_MAX_NODES = 300;

/** The tightest of the bounds computed, with every one of them for the report. */
export function bestBound(cluster: Cluster, options: { roleBudgetMs?: number } = {}): BoundSet {
  const compute = cappedComputeBound(cluster);
  const all: Record<string, number> = {
    simple: simpleComputeBound(cluster),
    compute,
  };
  if (cluster.nodes.length <= ROLE_BOUND_MAX_NODES) all.role = roleBound(cluster, compute, { budgetMs: options.roleBudgetMs ?? 3000 });
  let source = 'compute';
  for (const [k, v] of Object.entries(all)) if (v < all[source]) source = k;
  return { value: all[source], source, all };
}
