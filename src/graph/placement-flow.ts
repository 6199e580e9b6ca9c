// A placement turned into Helix's flow graph, and its exact max flow.
// Vertex layout: 0 = source (coordinator out), 1 = sink (coordinator in),
// node i = in-vertex 2 + 2i and out-vertex 3 + 2i joined by an edge of the node's capacity.

import type { Cluster, LayerRange, Placement } from '../spec/types.js';
import { FlowNetwork } from './maxflow.js';

export const SOURCE = -1;
export const SINK = -2;

export interface FlowOptions {
  /** Allow i -> j when start_j <= end_i < end_j (j skips the layers i already ran). */
  readonly partialInference?: boolean;
}

/** One used (or usable) edge of the flow graph; SOURCE / SINK stand for the coordinator. */
export interface FlowEdge {
  readonly from: number;
  readonly to: number;
  readonly flow: number;
  readonly capacity: number;
}

export interface FlowResult {
  readonly throughput: number;
  /** Tokens/s through each node (0 for unused nodes). */
  readonly nodeFlow: Float64Array;
  /** Capacity of each node at its placement (0 for unused nodes). */
  readonly nodeCapacity: Float64Array;
  /** Every usable edge with its flow, coordinator edges included. */
  readonly edges: readonly FlowEdge[];
  /** Node indices on the source side of a minimum cut (their out-edges or capacities are saturated). */
  readonly cutSide: readonly number[];
  /** The minimum cut itself: nodes whose own capacity is cut, and edges crossing it. */
  readonly cut?: { readonly nodes: readonly number[]; readonly edges: readonly FlowEdge[] };
}

/** Whether a link from a node holding `a` to one holding `b` can carry tokens. */
export function connects(a: LayerRange, b: LayerRange, partialInference = false): boolean {
  if (partialInference) return b.start <= a.end && a.end < b.end;
  return b.start === a.end;
}

/** Node capacity (tokens/s) when holding `range`; 0 when the range is outside its limits. */
export function nodeCapacityFor(cluster: Cluster, node: number, range: LayerRange | null): number {
  if (!range) return 0;
  const k = range.end - range.start;
  const table = cluster.nodes[node].capacity;
  if (k < 1 || k > table.length) return 0;
  return table[k - 1];
}

const networks = new Map<number, FlowNetwork>();

/**
 * One network per size, cleared and refilled on every call: the searches evaluate tens of
 * thousands of placements, and allocating the arrays each time cost about 7% of the delivered
 * search. Safe because evaluatePlacement copies everything it returns and calls nothing that
 * could evaluate another placement meanwhile.
 */
function sharedNetwork(vertices: number, edgeHint: number): FlowNetwork {
  let net = networks.get(vertices);
  if (!net) networks.set(vertices, (net = new FlowNetwork(vertices, edgeHint)));
  net.clear();
  return net;
}

/** Exact max flow of a fixed placement over every usable link of the cluster. */
export function evaluatePlacement(cluster: Cluster, placement: Placement, options: FlowOptions = {}): FlowResult {
  const n = cluster.nodes.length;
  const L = cluster.model.layers;
  const partial = options.partialInference ?? false;
  const net = sharedNetwork(2 + 2 * n, 4 * n);
  const nodeCapacity = new Float64Array(n);
  const nodeEdge = new Int32Array(n).fill(-1);
  const edgeIds: { from: number; to: number; id: number }[] = [];

  for (let i = 0; i < n; i++) {
    const r = placement[i];
    if (!r) continue;
    nodeCapacity[i] = nodeCapacityFor(cluster, i, r);
    if (nodeCapacity[i] <= 0) continue;
    nodeEdge[i] = net.addEdge(2 + 2 * i, 3 + 2 * i, nodeCapacity[i]);
    if (r.start === 0 && cluster.sourceCapacity[i] > 0) {
      edgeIds.push({ from: SOURCE, to: i, id: net.addEdge(0, 2 + 2 * i, cluster.sourceCapacity[i]) });
    }
    if (r.end === L && cluster.sinkCapacity[i] > 0) {
      edgeIds.push({ from: i, to: SINK, id: net.addEdge(3 + 2 * i, 1, cluster.sinkCapacity[i]) });
    }
  }
  // Without partial inference a range only continues one that ends where it starts: the nodes are
  // bucketed by start layer (in index order, so edges are added in the same order as a full scan
  // and the max flow found is the same) instead of testing every pair.
  const startingAt: number[][] | null = partial ? null : Array.from({ length: L + 1 }, () => []);
  if (startingAt) {
    for (let j = 0; j < n; j++) {
      const b = placement[j];
      if (b && nodeEdge[j] >= 0) startingAt[b.start].push(j);
    }
  }
  for (let i = 0; i < n; i++) {
    const a = placement[i];
    if (!a || nodeEdge[i] < 0 || a.end === L) continue;
    const candidates = startingAt ? startingAt[a.end] : null;
    const count = candidates ? candidates.length : n;
    for (let k = 0; k < count; k++) {
      const j = candidates ? candidates[k] : k;
      const b = placement[j];
      if (i === j || !b || nodeEdge[j] < 0) continue;
      const c = cluster.linkCapacity[i * n + j];
      if (c > 0 && connects(a, b, partial)) {
        edgeIds.push({ from: i, to: j, id: net.addEdge(3 + 2 * i, 2 + 2 * j, c) });
      }
    }
  }

  const throughput = net.maxFlow(0, 1);
  const nodeFlow = new Float64Array(n);
  for (let i = 0; i < n; i++) if (nodeEdge[i] >= 0) nodeFlow[i] = net.flowOn(nodeEdge[i]);
  const edges = edgeIds.map(({ from, to, id }) => ({ from, to, flow: net.flowOn(id), capacity: net.capacityOf(id) }));
  const reach = net.residualReachable(0);
  const cutSide: number[] = [];
  const cutNodes: number[] = [];
  for (let i = 0; i < n; i++) {
    if (reach[2 + 2 * i]) cutSide.push(i);
    if (nodeEdge[i] >= 0 && reach[2 + 2 * i] && !reach[3 + 2 * i]) cutNodes.push(i);
  }
  const tail = (v: number) => (v === SOURCE ? 0 : 3 + 2 * v);
  const head = (v: number) => (v === SINK ? 1 : 2 + 2 * v);
  const cutEdges = edges.filter((e) => reach[tail(e.from)] && !reach[head(e.to)]);
  return { throughput, nodeFlow, nodeCapacity, edges, cutSide, cut: { nodes: cutNodes, edges: cutEdges } };
}
