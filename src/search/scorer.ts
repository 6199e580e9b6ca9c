// Scores placements by exact max flow, fast: the search evaluates tens of thousands of candidates a
// second, so the flow network is rebuilt into one preallocated FlowNetwork, and edges are found by
// bucketing nodes by start layer instead of testing every pair.

import type { Cluster, LayerRange, Placement } from '../spec/types.js';
import { FlowNetwork } from '../graph/maxflow.js';

/** A placement as two arrays; start = -1 marks an unused node. */
export interface Layout {
  readonly start: Int32Array;
  readonly end: Int32Array;
}

export function layoutOf(placement: Placement): Layout {
  const n = placement.length;
  const start = new Int32Array(n).fill(-1);
  const end = new Int32Array(n).fill(-1);
  placement.forEach((r, i) => {
    if (r) {
      start[i] = r.start;
      end[i] = r.end;
    }
  });
  return { start, end };
}

export function placementOf(layout: Layout): (LayerRange | null)[] {
  return Array.from(layout.start, (s, i) => (s < 0 ? null : { start: s, end: layout.end[i] }));
}

export function copyLayout(l: Layout): Layout {
  return { start: l.start.slice(), end: l.end.slice() };
}

export class Scorer {
  private readonly net: FlowNetwork;
  private readonly n: number;
  private readonly L: number;
  private readonly byStart: Int32Array[];
  private readonly byStartCount: Int32Array;
  private readonly nodeEdge: Int32Array;
  /** Node flows of the last scored layout. */
  readonly nodeFlow: Float64Array;
  evaluations = 0;

  constructor(private readonly cluster: Cluster) {
    this.n = cluster.nodes.length;
    this.L = cluster.model.layers;
    this.net = new FlowNetwork(2 + 2 * this.n, 8 * this.n);
    this.byStart = Array.from({ length: this.L + 1 }, () => new Int32Array(this.n));
    this.byStartCount = new Int32Array(this.L + 1);
    this.nodeEdge = new Int32Array(this.n);
    this.nodeFlow = new Float64Array(this.n);
  }

  capacityOf(i: number, start: number, end: number): number {
    const k = end - start;
    const table = this.cluster.nodes[i].capacity;
    return k >= 1 && k <= table.length ? table[k - 1] : 0;
  }

  score(layout: Layout): number {
    this.evaluations++;
    const { n, L, net, cluster } = this;
    const { start, end } = layout;
    net.clear();
    this.byStartCount.fill(0);
    for (let i = 0; i < n; i++) {
      this.nodeEdge[i] = -1;
      const s = start[i];
      if (s < 0) continue;
      const cap = this.capacityOf(i, s, end[i]);
      if (cap <= 0) continue;
      this.nodeEdge[i] = net.addEdge(2 + 2 * i, 3 + 2 * i, cap);
      this.byStart[s][this.byStartCount[s]++] = i;
      if (s === 0 && cluster.sourceCapacity[i] > 0) net.addEdge(0, 2 + 2 * i, cluster.sourceCapacity[i]);
      if (end[i] === L && cluster.sinkCapacity[i] > 0) net.addEdge(3 + 2 * i, 1, cluster.sinkCapacity[i]);
    }
    for (let i = 0; i < n; i++) {
      if (this.nodeEdge[i] < 0) continue;
      const e = end[i];
      if (e >= L) continue;
      const bucket = this.byStart[e];
      for (let m = 0; m < this.byStartCount[e]; m++) {
        const j = bucket[m];
        const c = cluster.linkCapacity[i * n + j];
        if (c > 0) net.addEdge(3 + 2 * i, 2 + 2 * j, c);
      }
    }
    const flow = net.maxFlow(0, 1);
    for (let i = 0; i < n; i++) this.nodeFlow[i] = this.nodeEdge[i] >= 0 ? net.flowOn(this.nodeEdge[i]) : 0;
    return flow;
  }

  /** Nodes on the source side of a minimum cut of the last scored layout: where the bottleneck is. */
  cutNodes(): number[] {
    const reach = this.net.residualReachable(0);
    const out: number[] = [];
    for (let i = 0; i < this.n; i++) if (this.nodeEdge[i] >= 0 && reach[2 + 2 * i] && !reach[3 + 2 * i]) out.push(i);
    return out;
  }

  /**
   * Stages on the longest chain of used, linked nodes (ignoring flow): an upper bound on the
   * depth of any flow path, so keeping it <= maxStages keeps every plan within the limit.
   */
  structuralDepth(layout: Layout): number {
    const { n, L, cluster } = this;
    const order: number[] = [];
    for (let i = 0; i < n; i++) if (layout.start[i] >= 0) order.push(i);
    order.sort((a, b) => layout.start[b] - layout.start[a]);
    const depth = new Int32Array(n);
    let best = 0;
    for (const i of order) {
      let d = 0;
      const e = layout.end[i];
      if (e === L) d = cluster.sinkCapacity[i] > 0 ? 1 : 0;
      else {
        for (const j of order) {
          if (layout.start[j] === e && cluster.linkCapacity[i * n + j] > 0 && depth[j] > 0) d = Math.max(d, depth[j] + 1);
        }
      }
      depth[i] = d;
      if (layout.start[i] === 0 && cluster.sourceCapacity[i] > 0) best = Math.max(best, d);
    }
    return best;
  }
}
