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

import { FlowNetwork } from '../graph/maxflow.js';
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

export function latencyBand(p: LatencyBandProblem): LatencyBand {
  const m = p.from.length;
  const through = throughLatency(p);
  const bounds = [...new Set(Array.from(through).filter(Number.isFinite))].sort((a, b) => a - b);
  const net = new FlowNetwork(p.vertexCount, m);
  // A value read back from a saved plan (flows rounded to 6 decimals) can exceed the graph's max
  // flow by a hair; aim for what the graph carries, or no bound would do and the band would be lost.
  const enough = Math.min(p.value, carries(p, through, Infinity, net)) * (1 - 1e-9);
  // Smallest bound that carries the value; the largest always does when the value is feasible.
  let lo = 0;
  let hi = bounds.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (carries(p, through, bounds[mid], net) >= enough) hi = mid;
    else lo = mid + 1;
  }
  const needed = bounds.length > 0 ? bounds[hi] : 0;
  const limit = needed * (1 + (p.slack ?? LATENCY_SLACK)) + 1e-12;
  const allowed = new Uint8Array(m);
  for (let k = 0; k < m; k++) allowed[k] = through[k] <= limit ? 1 : 0;
  return { allowed, through, needed };
}
