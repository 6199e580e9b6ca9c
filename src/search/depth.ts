// Pipeline depth: the number of stages (nodes) on the longest coordinator-to-coordinator path.
// Depth adds latency per request, so users may cap it (--max-stages). Two measures:
//  - pipelineDepth: the longest path that carries flow in one max flow (what a plan reports);
//  - structuralDepth: the longest path over every usable link, flow or not. It bounds the depth of
//    every max flow of the placement, so a search that keeps it <= maxStages can hand its plan to
//    any verifier, whichever max flow that verifier happens to find.
// Ranges advance along every usable link (end_j > end_i), so visiting nodes by decreasing end
// gives a topological order without recursion.

import type { Cluster, Placement } from '../spec/types.js';
import { connects, SINK, SOURCE, type FlowResult } from '../graph/placement-flow.js';
import type { Layout } from './layout.js';

const FLOW_EPS = 1e-9;

/** Stages on the longest source-to-sink path whose every edge carries flow; 0 without flow. */
export function pipelineDepth(cluster: Cluster, placement: Placement, flow: FlowResult): number {
  const n = cluster.nodes.length;
  const out: number[][] = Array.from({ length: n }, () => []);
  const fromSource = new Uint8Array(n);
  const toSink = new Uint8Array(n);
  for (const e of flow.edges) {
    if (e.flow <= FLOW_EPS) continue;
    if (e.from === SOURCE) fromSource[e.to] = 1;
    else if (e.to === SINK) toSink[e.from] = 1;
    else out[e.from].push(e.to);
  }
  const order = placedByEnd(placement.map((r) => (r ? r.end : -1)));
  return longestPath(n, order, out, fromSource, toSink);
}

export interface StructuralDepthOptions {
  readonly partialInference?: boolean;
  /** Only these nodes count (e.g. those carrying flow); default: every placed node. */
  readonly active?: (node: number) => boolean;
}

/** Stages on the longest path of placed, linked nodes from a coordinator link to a coordinator link. */
export function structuralDepth(cluster: Cluster, layout: Layout, options: StructuralDepthOptions = {}): number {
  const n = cluster.nodes.length;
  const L = cluster.model.layers;
  const partial = options.partialInference ?? false;
  const live = (i: number) => {
    const s = layout.start[i];
    const k = layout.end[i] - s;
    return s >= 0 && k >= 1 && k <= cluster.nodes[i].capacity.length && (options.active?.(i) ?? true);
  };
  const out: number[][] = Array.from({ length: n }, () => []);
  const fromSource = new Uint8Array(n);
  const toSink = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    if (!live(i)) continue;
    if (layout.start[i] === 0 && cluster.sourceCapacity[i] > 0) fromSource[i] = 1;
    if (layout.end[i] === L && cluster.sinkCapacity[i] > 0) toSink[i] = 1;
    if (layout.end[i] === L) continue;
    const a = { start: layout.start[i], end: layout.end[i] };
    for (let j = 0; j < n; j++) {
      if (j === i || !live(j) || cluster.linkCapacity[i * n + j] <= 0) continue;
      if (connects(a, { start: layout.start[j], end: layout.end[j] }, partial)) out[i].push(j);
    }
  }
  const ends = Array.from(layout.end, (e, i) => (live(i) ? e : -1));
  return longestPath(n, placedByEnd(ends), out, fromSource, toSink);
}

/** Node indices with end >= 0, by decreasing end: successors come first. */
function placedByEnd(ends: readonly number[] | Int32Array): number[] {
  const order: number[] = [];
  for (let i = 0; i < ends.length; i++) if (ends[i] >= 0) order.push(i);
  return order.sort((a, b) => ends[b] - ends[a]);
}

/** Longest path in stages from a `fromSource` node to a `toSink` node, over `out`; 0 if none. */
function longestPath(n: number, order: readonly number[], out: readonly number[][], fromSource: Uint8Array, toSink: Uint8Array): number {
  // toEnd[v] = stages from v (inclusive) to the sink, 0 when the sink cannot be reached.
  const toEnd = new Int32Array(n);
  let best = 0;
  for (const v of order) {
    let d = toSink[v] ? 1 : 0;
    for (const w of out[v]) if (toEnd[w] > 0) d = Math.max(d, toEnd[w] + 1);
    toEnd[v] = d;
    if (fromSource[v]) best = Math.max(best, d);
  }
  return best;
}
