// Which edges a balanced flow may use. Balancing by utilisation alone is blind to latency: to
// unload a fast node it would send requests down a detour through two extra cross-region links,
// which costs every such request 100 ms a token and more (measured on geo3's petals placement:
// 312 -> 274 tokens/s). So the flow is first confined to a latency band:
//  - through(e) = the link latency of the shortest source-to-sink path that uses edge e;
//  - Λ = the smallest bound such that the edges with through(e) <= Λ still carry the flow's value
//    (no request needs a slower path than this);
//  - allowed: through(e) <= Λ x (1 + slack). The slack admits near-equal paths (links in a
//    cluster spec carry jitter, so two equivalent branches rarely have identical latencies);
//    a path with one more slow link is far outside it.
// The graph must be acyclic (flow graphs of placements are: layer ends grow along every edge).

import { FlowNetwork, type FlowSnapshot } from '../graph/maxflow.js';
import type { EdgeGraph } from './balance.js';

/** Share above the needed latency within which a path counts as near-equal (10%). */
export const LATENCY_SLACK = 0.1;

export interface LatencyBandProblem extends EdgeGraph {
  /** Seconds a token spends on edge k beyond compute (0 for a node's own edge). */
  readonly latency: Float64Array;
  readonly value: number;
  readonly slack?: number;
}

export interface LatencyBand {
  /** 1 where edge k may carry flow. */
  readonly allowed: Uint8Array;
  /** Latency of the shortest source-to-sink path through each edge (Infinity: on none). */
  readonly through: Float64Array;
  /** The latency the flow's value needs (Λ), seconds. */
  readonly needed: number;
}

/** Vertices in topological order (Kahn); throws on a cycle, which a placement cannot make. */
function topologicalOrder(p: LatencyBandProblem): Int32Array {
  const V = p.vertexCount;
  const indeg = new Int32Array(V);
  const out: number[][] = Array.from({ length: V }, () => []);
  for (let k = 0; k < p.from.length; k++) {
    out[p.from[k]].push(k);
    indeg[p.to[k]]++;
  }
  const order = new Int32Array(V);
  let head = 0;
  let tail = 0;
  for (let v = 0; v < V; v++) if (indeg[v] === 0) order[tail++] = v;
  while (head < tail) {
    const u = order[head++];
    for (const k of out[u]) if (--indeg[p.to[k]] === 0) order[tail++] = p.to[k];
  }
  if (tail < V) throw new Error('latencyBand: the flow graph has a cycle');
  return order;
}

/** through(e) for every edge: shortest latency source -> tail, plus the edge, plus head -> sink. */
export function throughLatency(p: LatencyBandProblem): Float64Array {
  const V = p.vertexCount;
  const m = p.from.length;
  const order = topologicalOrder(p);
  const rank = new Int32Array(V);
  order.forEach((v, i) => (rank[v] = i));
  // Edges by the rank of their tail, so one sweep in each direction relaxes them in order.
  const edges = Array.from({ length: m }, (_, k) => k).sort((a, b) => rank[p.from[a]] - rank[p.from[b]]);
  const fromSource = new Float64Array(V).fill(Infinity);
  const toSink = new Float64Array(V).fill(Infinity);
  fromSource[p.source] = 0;
  toSink[p.sink] = 0;
  for (const k of edges) {
    const d = fromSource[p.from[k]] + p.latency[k];
    if (d < fromSource[p.to[k]]) fromSource[p.to[k]] = d;
  }
  for (let i = m - 1; i >= 0; i--) {
    const k = edges[i];
    const d = toSink[p.to[k]] + p.latency[k];
    if (d < toSink[p.from[k]]) toSink[p.from[k]] = d;
  }
  const through = new Float64Array(m);
  for (let k = 0; k < m; k++) through[k] = fromSource[p.from[k]] + p.latency[k] + toSink[p.to[k]];
  return through;
}

function carries(p: LatencyBandProblem, through: Float64Array, bound: number, net: FlowNetwork): number {
  net.clear();
  for (let k = 0; k < p.from.length; k++) if (through[k] <= bound) net.addEdge(p.from[k], p.to[k], p.capacity[k]);
  return net.maxFlow(p.source, p.sink);
}

/**
 * A bound below which no flow of `enough` fits, read off the minimum cut the max flow in `net`
 * leaves: any flow of that value crosses the cut with at least `enough` on its forward edges, so
 * an edge whose loss would leave less (capacity above the cut's capacity minus `enough`) must be
 * inside the band, and so must its through-latency. Holds for any cut, minimal or not.
 */
function cutFloor(p: LatencyBandProblem, through: Float64Array, net: FlowNetwork, enough: number): number {
  const side = net.residualReachable(p.source);
  let cutCapacity = 0;
  for (let k = 0; k < p.from.length; k++) if (side[p.from[k]] && !side[p.to[k]]) cutCapacity += p.capacity[k];
  const spare = cutCapacity - enough;
  let floor = 0;
  for (let k = 0; k < p.from.length; k++) {
    if (side[p.from[k]] && !side[p.to[k]] && p.capacity[k] > spare && Number.isFinite(through[k])) floor = Math.max(floor, through[k]);
  }
  return floor;
}

/** Index of the first of the sorted `bounds` at or above `floor` (the last one if none is). */
function lowerBoundIndex(bounds: readonly number[], floor: number): number {
  let lo = 0;
  let hi = bounds.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (bounds[mid] >= floor) hi = mid;
    else lo = mid + 1;
  }
  return Math.max(0, lo);
}

/**
 * The edges on some source-to-sink path in order of through-latency, the distinct latencies
 * among them (the bounds a band may need), and how many of the edges lie within each bound.
 */
interface SortedEdges {
  readonly order: readonly number[];
  readonly bounds: readonly number[];
  readonly upTo: Int32Array;
}

function sortEdges(through: Float64Array): SortedEdges {
  const order = Array.from({ length: through.length }, (_, k) => k)
    .filter((k) => Number.isFinite(through[k]))
    .sort((a, b) => through[a] - through[b]);
  const bounds: number[] = [];
  const counts: number[] = [];
  for (let c = 0; c < order.length; c++) {
    const t = through[order[c]];
    if (bounds.length === 0 || t !== bounds[bounds.length - 1]) bounds.push(t);
    counts[bounds.length - 1] = c + 1;
  }
  return { order, bounds, upTo: Int32Array.from(counts) };
}

/**
 * Index of the smallest of the bounds whose edges carry `enough` (the last always does), knowing
 * none below `floor` does. A bisection, warm-started: a prefix of the edges sorted by latency that
 * falls short keeps its flow, and the longer prefixes tried after it add their edges and augment
 * from there instead of starting from nothing.
 */
function smallestBoundCarrying(p: LatencyBandProblem, { order, bounds, upTo }: SortedEdges, floor: number, enough: number, net: FlowNetwork): number {
  let added = 0;
  let flow = 0;
  let short: { index: number; state: FlowSnapshot; flow: number } | null = null;
  const carriesUpTo = (i: number): number => {
    if (short) {
      net.restore(short.state);
      added = upTo[short.index];
      flow = short.flow;
    } else {
      net.clear();
      added = 0;
      flow = 0;
    }
    for (; added < upTo[i]; added++) {
      const k = order[added];
      net.addEdge(p.from[k], p.to[k], p.capacity[k]);
    }
    flow += net.maxFlow(p.source, p.sink);
    return flow;
  };
  let fails = floor - 1;
  let carries = bounds.length - 1;
  // The floor is often the answer itself: try it first.
  let next = floor;
  while (carries - fails > 1) {
    const mid = next > fails && next < carries ? next : (fails + carries) >> 1;
    next = -1;
    if (carriesUpTo(mid) >= enough) carries = mid;
    else {
      fails = mid;
      short = { index: mid, state: net.snapshot(), flow };
    }
  }
  return carries;
}

export function latencyBand(p: LatencyBandProblem): LatencyBand {
  const m = p.from.length;
  const through = throughLatency(p);
  const sorted = sortEdges(through);
  const { bounds } = sorted;
  const net = new FlowNetwork(p.vertexCount, m);
  // A value read back from a saved plan (flows rounded to 6 decimals) can exceed the graph's max
  // flow by a hair; aim for what the graph carries, or no bound would do and the band would be lost.
  const enough = Math.min(p.value, carries(p, through, Infinity, net)) * (1 - 1e-9);
  const hi = smallestBoundCarrying(p, sorted, lowerBoundIndex(bounds, cutFloor(p, through, net, enough)), enough, net);
  const needed = bounds.length > 0 ? bounds[hi] : 0;
  const limit = needed * (1 + (p.slack ?? LATENCY_SLACK)) + 1e-12;
  const allowed = new Uint8Array(m);
  for (let k = 0; k < m; k++) allowed[k] = through[k] <= limit ? 1 : 0;
  return { allowed, through, needed };
}
