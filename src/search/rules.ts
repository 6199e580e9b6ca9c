// The constraints every placement the search produces must meet: ranges inside the model, within
// each node's memory (its capacity table is as long as its max layers), at least minLayers on every
// used node, no path deeper than maxStages, and whatever extra test the caller adds (re-planning
// limits how many machines may load new weights).

import type { Cluster } from '../spec/types.js';
import type { Layout } from './layout.js';
import { structuralDepth } from './depth.js';

export interface SearchRules {
  /** Least layers on a used node (>= 1). */
  readonly minLayers: number;
  /** Most stages on any coordinator-to-coordinator path, or null for no limit. */
  readonly maxStages: number | null;
  readonly partialInference: boolean;
  /** Extra condition on a whole layout (checked before scoring). */
  readonly accept?: (layout: Layout) => boolean;
}

export function rulesOf(o: { minLayers?: number | null; maxStages?: number | null; partialInference?: boolean; accept?: (l: Layout) => boolean }): SearchRules {
  return {
    minLayers: Math.max(1, o.minLayers ?? 1),
    maxStages: o.maxStages ?? null,
    partialInference: o.partialInference ?? false,
    accept: o.accept,
  };
}

/** Whether node i may hold [start, end). */
export function rangeAllowed(cluster: Cluster, rules: SearchRules, i: number, start: number, end: number): boolean {
  const k = end - start;
  return start >= 0 && end <= cluster.model.layers && k >= rules.minLayers && k <= cluster.nodes[i].capacity.length;
}

/** Every used node's range is allowed, and the caller's extra test passes. */
export function layoutAllowed(cluster: Cluster, rules: SearchRules, layout: Layout): boolean {
  for (let i = 0; i < layout.start.length; i++) {
    if (layout.start[i] < 0) continue;
    if (!rangeAllowed(cluster, rules, i, layout.start[i], layout.end[i])) return false;
  }
  return rules.accept?.(layout) ?? true;
}

/**
 * Depth check after scoring. Nodes that carry nothing can be dropped without changing the max
 * flow, so only carrying nodes count; and the structural depth over them bounds the depth of every
 * max flow of the trimmed layout, so the plan passes whichever max flow a verifier finds.
 */
export function depthAllowed(cluster: Cluster, rules: SearchRules, layout: Layout, nodeFlow: Float64Array): boolean {
  if (rules.maxStages === null) return true;
  return structuralDepth(cluster, layout, { partialInference: rules.partialInference, active: (i) => nodeFlow[i] > 1e-9 }) <= rules.maxStages;
}
