// Why a plan carries what it carries: the minimum cut in words, and what would raise throughput
// most. Each suggestion is measured, not guessed: re-placing the layers on the same machines, one
// more machine of a type (the search re-plans from the current placement; its gain is what it
// adds beyond the re-placement), or one cut link made as fast as the cluster's fastest (cut links
// nothing is faster than: those twice as fast, or where that moves the cut, the whole network).

import type { Cluster, Placement } from '../spec/types.js';
import { evaluatePlacement, SINK, SOURCE } from '../graph/placement-flow.js';
import { withExtraNode, withLinkCapacity } from '../graph/extend.js';
import { searchPlacement } from '../search/search.js';
import { bestBound } from '../search/bounds.js';
import { formatLayerRange } from '../spec/layer-range.js';

export interface Bottleneck {
  readonly kind: 'node' | 'link';
  /** For people: `t4-1 (T4, layers [46, 53))`, `a100-2 -> coordinator`. */
  readonly name: string;
  /** A node: its name, GPU type and layer range; null for a link. */
  readonly node: { readonly name: string; readonly gpu: string; readonly start: number; readonly end: number } | null;
  /** A link: its ends (node names, or "coordinator"); null for a node. */
  readonly link: { readonly from: string; readonly to: string } | null;
  readonly flow: number;
  readonly capacity: number;
}

export interface Suggestion {
  readonly change: string;
  readonly throughput: number;
  readonly gain: number;
  /** The throughput the gain is counted over (a new machine's: over the re-placement's). */
  readonly over: number;
}

export interface Explanation {
  readonly throughput: number;
  readonly bottlenecks: readonly Bottleneck[];
  readonly suggestions: readonly Suggestion[];
  /**
   * The fewest placements any what-if search scored before its time ran out (those that reached
   * the upper bound left out; null when all did). On thousands of nodes a second's search scores
   * a handful and finds nothing: its +0 then says too little time, not no gain.
   */
  readonly fewestSearchEvaluations: number | null;
  readonly secondsPerTry: number;
}

/** Below this many placements scored, a what-if search's +0 says little (24 nodes score ~50,000 a second). */
export const THIN_SEARCH_EVALUATIONS = 1000;

const label = (cluster: Cluster, v: number) => (v === SOURCE ? 'coordinator' : v === SINK ? 'coordinator' : cluster.nodes[v].name);

/** A what-if search that ends once it reaches the cluster's upper bound: nothing more is there. */
async function searchToBound(cluster: Cluster, o: Parameters<typeof searchPlacement>[1]): Promise<Awaited<ReturnType<typeof searchPlacement>> & { readonly reachedBound: boolean }> {
  const bound = bestBound(cluster).value;
  const done = new AbortController();
  const atBound = (t: number) => t >= bound * (1 - 1e-6);
  if ((o.initial ?? []).some((p) => atBound(evaluatePlacement(cluster, p, { partialInference: o.partialInference }).throughput))) done.abort();
  const r = await searchPlacement(cluster, { ...o, signal: done.signal, onImprove: (t) => atBound(t) && done.abort() });
  return { ...r, reachedBound: done.signal.aborted };
}

export interface ExplainOptions {
  readonly secondsPerTry: number;
  readonly seed: number;
  /** The plan's own controls: what-ifs that ignored them promised flows its rules forbid (2,046 tokens/s for a plan under --max-stages 9, whose best is 952). */
  readonly minLayers?: number | null;
  readonly maxStages?: number | null;
  readonly partialInference?: boolean;
}

export async function explainPlacement(cluster: Cluster, placement: Placement, o: ExplainOptions): Promise<Explanation> {
  const partialInference = o.partialInference ?? false;
  const flow = evaluatePlacement(cluster, placement, { partialInference });
  const cut = flow.cut ?? { nodes: [], edges: [] };
  const bottlenecks: Bottleneck[] = [
    ...cut.nodes.map((i) => ({
      kind: 'node' as const,
      name: `${cluster.nodes[i].name} (${cluster.nodes[i].gpu}, layers ${formatLayerRange(placement[i])})`,
      node: { name: cluster.nodes[i].name, gpu: cluster.nodes[i].gpu, start: placement[i]!.start, end: placement[i]!.end },
      link: null,
      flow: flow.nodeFlow[i],
      capacity: flow.nodeCapacity[i],
    })),
    ...cut.edges.map((e) => ({
      kind: 'link' as const,
      name: `${label(cluster, e.from)} -> ${label(cluster, e.to)}`,
      node: null,
      link: { from: label(cluster, e.from), to: label(cluster, e.to) },
      flow: e.flow,
      capacity: e.capacity,
    })),
  ];

  const suggestions: Suggestion[] = [];
  const search = { seed: o.seed, timeLimitSec: o.secondsPerTry, minLayers: o.minLayers ?? null, maxStages: o.maxStages ?? null, partialInference };
  // The same search on the same machines first: a plan that is not max-flow optimal (a delivered
  // plan trades max flow on purpose) would otherwise credit new hardware with what re-placing the
  // layers alone gives.
  let fewestSearchEvaluations: number | null = null;
  const measured = <T extends { evaluations: number; reachedBound: boolean }>(r: T): T => {
    if (!r.reachedBound) fewestSearchEvaluations = Math.min(fewestSearchEvaluations ?? Infinity, r.evaluations);
    return r;
  };
  const same = measured(await searchToBound(cluster, { ...search, initial: [placement] }));
  const base = Math.max(flow.throughput, same.throughput);
  if (same.throughput > flow.throughput * (1 + 1e-6)) {
    suggestions.push({ change: 're-place the layers on the same machines (no new hardware)', throughput: same.throughput, gain: same.throughput - flow.throughput, over: flow.throughput });
  }
  // One more machine of each type present, placed by the same search from the current plan with
  // the same time: its gain is counted over the re-placement (the better of it and the plan).
  // Started from the re-placement as well, it had that search's time on top of its own, and
  // credited the extra search to the hardware (on 1,000 nodes: +6,700 tokens/s for a T4 that
  // raises the upper bound by 71).
  const types = new Map<string, number>();
  cluster.nodes.forEach((node, i) => types.has(node.gpu) || types.set(node.gpu, i));
  for (const [gpu, template] of types) {
    const bigger = withExtraNode(cluster, template, `new-${gpu.toLowerCase()}`);
    const r = measured(await searchToBound(bigger, { ...search, initial: [[...placement, null]] }));
    const throughput = Math.max(r.throughput, base);
    suggestions.push({ change: `add one ${gpu} in ${cluster.nodes[template].region}`, throughput, gain: throughput - base, over: base });
  }
  // Each node-to-node link in the cut, as fast as the fastest link in the cluster.
  // A loop, not Math.max(...): the table is nodes x nodes, past the engine's argument limit from
  // about 400 nodes.
  let fastest = 0;
  for (const capacity of cluster.linkCapacity) if (capacity > fastest) fastest = capacity;
  const measure = (c: Cluster) => evaluatePlacement(c, placement, { partialInference }).throughput;
  const atFastest: (typeof cut.edges)[number][] = [];
  const coordinator: (typeof cut.edges)[number][] = [];
  for (const e of cut.edges) {
    if (e.from < 0 || e.to < 0) {
      coordinator.push(e);
      continue;
    }
    if (e.capacity >= fastest) {
      atFastest.push(e);
      continue;
    }
    const t = measure(withLinkCapacity(cluster, e.from, e.to, fastest));
    suggestions.push({ change: `make ${label(cluster, e.from)} <-> ${label(cluster, e.to)} as fast as the fastest link`, throughput: t, gain: t - flow.throughput, over: flow.throughput });
  }
  // Cut links no link of the spec is faster than (the cluster's fastest, or the coordinator's):
  // first those links twice as fast; where that only moves the cut to another link of the same
  // speed, the whole network twice as fast.
  const doubled = (c: Cluster, edges: readonly (typeof cut.edges)[number][]): Cluster => {
    let out = c;
    for (const e of edges) {
      if (e.from >= 0 && e.to >= 0) out = withLinkCapacity(out, e.from, e.to, 2 * e.capacity);
      else if (e.from < 0) out = { ...out, sourceCapacity: out.sourceCapacity.map((x, i) => (i === e.to ? 2 * x : x)) };
      else out = { ...out, sinkCapacity: out.sinkCapacity.map((x, i) => (i === e.from ? 2 * x : x)) };
    }
    return out;
  };
  const stuck = [...atFastest, ...coordinator];
  if (stuck.length > 0) {
    const t = measure(doubled(cluster, stuck));
    const names = stuck.map((e) => `${label(cluster, e.from)} -> ${label(cluster, e.to)}`);
    const what = stuck.length === 1 ? names[0] : names.length <= 3 ? names.join(', ') : `the ${stuck.length} links of the cut`;
    if (t > flow.throughput * (1 + 1e-9)) {
      suggestions.push({ change: `double the bandwidth of ${what} (no link of the cluster is faster)`, throughput: t, gain: t - flow.throughput, over: flow.throughput });
    } else {
      const x2 = (a: Float64Array) => a.map((v) => 2 * v);
      const all = measure({ ...cluster, linkCapacity: x2(cluster.linkCapacity), linkBandwidth: x2(cluster.linkBandwidth), sourceCapacity: x2(cluster.sourceCapacity), sinkCapacity: x2(cluster.sinkCapacity) });
      suggestions.push({ change: `double every link's bandwidth, the coordinator's included (doubling only ${what} moves the cut to another link as fast)`, throughput: all, gain: all - flow.throughput, over: flow.throughput });
    }
  }
  suggestions.sort((a, b) => b.gain - a.gain);
  return { throughput: flow.throughput, bottlenecks, suggestions, fewestSearchEvaluations, secondsPerTry: o.secondsPerTry };
}
