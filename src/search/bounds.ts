// Upper bounds on the max-flow throughput of any placement, and the tightest of them for reports
// and stopping rules. Each one is valid on its own, so the minimum is too.

import type { Cluster } from '../spec/types.js';
import { cappedComputeBound, simpleComputeBound } from './compute-bound.js';
import { roleBound } from './role-bound.js';

export { cappedComputeBound, simpleComputeBound } from './compute-bound.js';
export { roleBound } from './role-bound.js';

export interface BoundSet {
  readonly value: number;
  /** Name of the tightest bound: 'simple', 'compute' or 'role'. */
  readonly source: string;
  readonly all: Readonly<Record<string, number>>;
}

export interface BoundOptions {
  /** Time allowed to the role bound's scan (ms, default 3000). */
  readonly roleBudgetMs?: number;
  /**
   * With partial inference two holders of a layer may both carry the whole flow, which breaks the
   * role bound's premise (the holders of a layer share F), so only the compute bounds apply.
   */
  readonly partialInference?: boolean;
}

/** Above this many nodes the role bound's scan is too slow to run by default. */
const ROLE_BOUND_MAX_NODES = 300;

/** The tightest of the bounds computed, with every one of them for the report. */
export function bestBound(cluster: Cluster, options: BoundOptions = {}): BoundSet {
  const compute = cappedComputeBound(cluster);
  const all: Record<string, number> = {
    simple: simpleComputeBound(cluster),
    compute,
  };
  if (!options.partialInference && cluster.nodes.length <= ROLE_BOUND_MAX_NODES) {
    all.role = roleBound(cluster, { start: compute, budgetMs: options.roleBudgetMs ?? 3000 });
  }
  let source = 'compute';
  for (const [k, v] of Object.entries(all)) if (v < all[source]) source = k;
  return { value: all[source], source, all };
}
