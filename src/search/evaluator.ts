// Scores placements by exact max flow, fast: the search evaluates tens of thousands of candidates
// a second, so every score reuses one preallocated FlowNetwork, and without partial inference the
// links are found by bucketing nodes by start layer instead of testing every pair. The graph is
// the one evaluatePlacement builds (src/graph/placement-flow.ts), so the two agree exactly.

import type { Cluster, Placement } from '../spec/types.js';
import { FlowNetwork } from '../graph/maxflow.js';
import { layoutOf, type Layout } from './layout.js';

export interface EvaluatorOptions {
  /** Allow i -> j when start_j <= end_i < end_j, as evaluatePlacement does. */
  readonly partialInference?: boolean;
}

const FLOW_EPS = 1e-9;

export class Evaluator {
  /** Placements scored so far. */
  evaluations = 0;
  /** Tokens/s through each node in the last scored placement (0 for unused nodes). */
  readonly nodeFlow: Float64Array;

  private readonly net: FlowNetwork;
  private readonly n: number;
  private readonly L: number;
  private readonly partial: boolean;
  private readonly byStart: Int32Array;
  private readonly byStartCount: Int32Array;
  /** Node edge id per node, -1 when the node is unused or cannot hold its range. */
  private readonly nodeEdge: Int32Array;
  private readonly sourceEdge: Int32Array;
  private readonly sinkEdge: Int32Array;
  // Node-to-node edges of the last scored placement.
  private linkFrom: Int32Array;
  private linkTo: Int32Array;
  private linkId: Int32Array;
  private linkCount = 0;
  private lastEnd: Int32Array;
  private lastFlow = 0;
  private reach: Uint8Array | null = null;
  /** A second network for what-if flows, so the last scored flow stays readable. */
  private readonly probe: FlowNetwork;

  constructor(
    private readonly cluster: Cluster,
    options: EvaluatorOptions = {},
  ) {
    this.n = cluster.nodes.length;
    this.L = cluster.model.layers;
    this.partial = options.partialInference ?? false;
    this.net = new FlowNetwork(2 + 2 * this.n, 8 * this.n);
    this.probe = new FlowNetwork(2 + 2 * this.n, 8 * this.n);
    this.byStart = new Int32Array((this.L + 1) * this.n);
    this.byStartCount = new Int32Array(this.L + 1);
    this.nodeEdge = new Int32Array(this.n);
    this.sourceEdge = new Int32Array(this.n);
    this.sinkEdge = new Int32Array(this.n);
    this.nodeFlow = new Float64Array(this.n);
    this.linkFrom = new Int32Array(4 * this.n);
    this.linkTo = new Int32Array(4 * this.n);
    this.linkId = new Int32Array(4 * this.n);
    this.lastEnd = new Int32Array(this.n);
  }

  /** Node capacity (tokens/s) of node i holding [start, end); 0 outside its limits. */
  capacityOf(i: number, start: number, end: number): number {
    const k = end - start;
    const table = this.cluster.nodes[i].capacity;
    return start >= 0 && end <= this.L && k >= 1 && k <= table.length ? table[k - 1] : 0;
  }

  /** Exact max flow (tokens/s) of a placement. */
  score(placement: Layout | Placement): number {
    const layout = Array.isArray(placement) ? layoutOf(placement as Placement) : (placement as Layout);
    return this.scoreRanges(layout.start, layout.end);
  }

  scoreRanges(start: Int32Array, end: Int32Array): number {
    this.evaluations++;
    this.reach = null;
    const { n, L, net, cluster } = this;
    net.clear();
    this.byStartCount.fill(0);
    this.linkCount = 0;
    for (let i = 0; i < n; i++) {
      this.nodeEdge[i] = -1;
      this.sourceEdge[i] = -1;
      this.sinkEdge[i] = -1;
      this.lastEnd[i] = -1;
      const s = start[i];
      if (s < 0) continue;
      const cap = this.capacityOf(i, s, end[i]);
      if (cap <= 0) continue;
      this.lastEnd[i] = end[i];
      this.nodeEdge[i] = net.addEdge(2 + 2 * i, 3 + 2 * i, cap);
      this.byStart[s * n + this.byStartCount[s]++] = i;
      if (s === 0 && cluster.sourceCapacity[i] > 0) this.sourceEdge[i] = net.addEdge(0, 2 + 2 * i, cluster.sourceCapacity[i]);
      if (end[i] === L && cluster.sinkCapacity[i] > 0) this.sinkEdge[i] = net.addEdge(3 + 2 * i, 1, cluster.sinkCapacity[i]);
    }
    for (let i = 0; i < n; i++) {
      if (this.nodeEdge[i] < 0) continue;
      const e = end[i];
      if (e >= L) continue;
      if (this.partial) {
        // j may start anywhere up to e, as long as it ends past it.
        for (let j = 0; j < n; j++) if (j !== i && this.nodeEdge[j] >= 0 && start[j] <= e && e < end[j]) this.addLink(i, j);
      } else {
        for (let m = 0; m < this.byStartCount[e]; m++) this.addLink(i, this.byStart[e * n + m]);
      }
    }
    const flow = net.maxFlow(0, 1);
    for (let i = 0; i < n; i++) this.nodeFlow[i] = this.nodeEdge[i] >= 0 ? net.flowOn(this.nodeEdge[i]) : 0;
    this.lastFlow = flow;
    return flow;
  }

  /**
   * How many minimum cuts lie in series in the last scored placement, up to `limit`: remove the
   * cut nearest the source (its edges made unlimited), and count how often the max flow stays the
   * same. Several bottlenecks of one value make the max flow flat under any single change; this
   * count tells the search that relieving one of them was progress.
   */
  seriesCuts(limit: number): number {
    const { n, probe } = this;
    const F = this.lastFlow;
    if (F <= 0) return 0;
    const big = 1e6 * (F + 1);
    // Edge list of the last scored graph: [tail, head, capacity], rebuilt with cut edges raised.
    const tails: number[] = [];
    const heads: number[] = [];
    const caps: number[] = [];
    const add = (u: number, v: number, id: number) => {
      tails.push(u);
      heads.push(v);
      caps.push(this.net.capacityOf(id));
    };
    for (let i = 0; i < n; i++) {
      if (this.nodeEdge[i] < 0) continue;
      add(2 + 2 * i, 3 + 2 * i, this.nodeEdge[i]);
      if (this.sourceEdge[i] >= 0) add(0, 2 + 2 * i, this.sourceEdge[i]);
      if (this.sinkEdge[i] >= 0) add(3 + 2 * i, 1, this.sinkEdge[i]);
    }
    for (let m = 0; m < this.linkCount; m++) add(3 + 2 * this.linkFrom[m], 2 + 2 * this.linkTo[m], this.linkId[m]);
    let reach = this.residual();
    for (let count = 1; count < limit; count++) {
      for (let e = 0; e < tails.length; e++) if (reach[tails[e]] && !reach[heads[e]]) caps[e] = big;
      probe.clear();
      for (let e = 0; e < tails.length; e++) probe.addEdge(tails[e], heads[e], caps[e]);
      const flow = probe.maxFlow(0, 1);
      if (flow > F * (1 + 1e-9) + 1e-9) return count;
      reach = probe.residualReachable(0);
    }
    return limit;
  }

  private addLink(i: number, j: number): void {
    const c = this.cluster.linkCapacity[i * this.n + j];
    if (c <= 0) return;
    if (this.linkCount === this.linkId.length) {
      const grow = (a: Int32Array) => {
        const b = new Int32Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.linkFrom = grow(this.linkFrom);
      this.linkTo = grow(this.linkTo);
      this.linkId = grow(this.linkId);
    }
    this.linkFrom[this.linkCount] = i;
    this.linkTo[this.linkCount] = j;
    this.linkId[this.linkCount++] = this.net.addEdge(3 + 2 * i, 2 + 2 * j, c);
  }

  private residual(): Uint8Array {
    this.reach ??= this.net.residualReachable(0);
    return this.reach;
  }

  /** Nodes whose in-vertex is on the source side of a minimum cut of the last scored placement. */
  cutSide(): number[] {
    const reach = this.residual();
    const out: number[] = [];
    for (let i = 0; i < this.n; i++) if (this.nodeEdge[i] >= 0 && reach[2 + 2 * i]) out.push(i);
    return out;
  }

  /**
   * Nodes at the bottleneck of the last scored placement: those whose own capacity is cut, and
   * the ends of every cut link (coordinator links included). Moving them is what can raise the flow.
   */
  cutNodes(): number[] {
    const reach = this.residual();
    const mark = new Uint8Array(this.n);
    for (let i = 0; i < this.n; i++) {
      if (this.nodeEdge[i] < 0) continue;
      const inside = reach[2 + 2 * i];
      const outside = reach[3 + 2 * i];
      if (inside && !outside) mark[i] = 1;
      if (this.sourceEdge[i] >= 0 && !inside) mark[i] = 1;
      if (this.sinkEdge[i] >= 0 && outside) mark[i] = 1;
    }
    for (let m = 0; m < this.linkCount; m++) {
      const i = this.linkFrom[m];
      const j = this.linkTo[m];
      if (reach[3 + 2 * i] && !reach[2 + 2 * j]) mark[i] = mark[j] = 1;
    }
    const out: number[] = [];
    for (let i = 0; i < this.n; i++) if (mark[i]) out.push(i);
    return out;
  }

  /** Stages on the longest source-to-sink path carrying flow in the last scored placement. */
  flowDepth(): number {
    const { n, net } = this;
    const toEnd = new Int32Array(n);
    const out: number[][] = Array.from({ length: n }, () => []);
    for (let m = 0; m < this.linkCount; m++) if (net.flowOn(this.linkId[m]) > FLOW_EPS) out[this.linkFrom[m]].push(this.linkTo[m]);
    const order: number[] = [];
    for (let i = 0; i < n; i++) if (this.lastEnd[i] >= 0) order.push(i);
    order.sort((a, b) => this.lastEnd[b] - this.lastEnd[a]);
    let best = 0;
    for (const v of order) {
      let d = this.sinkEdge[v] >= 0 && net.flowOn(this.sinkEdge[v]) > FLOW_EPS ? 1 : 0;
      for (const w of out[v]) if (toEnd[w] > 0) d = Math.max(d, toEnd[w] + 1);
      toEnd[v] = d;
      if (this.sourceEdge[v] >= 0 && net.flowOn(this.sourceEdge[v]) > FLOW_EPS) best = Math.max(best, d);
    }
    return best;
  }
}
