// Dinic's max flow on typed arrays. The search scores tens of thousands of placements a second,
// so the network is built into flat arrays and reused rather than allocated per call.

const EPS = 1e-9;

/** A FlowNetwork's edges and flow at one moment (see snapshot). */
export interface FlowSnapshot {
  /** Which filling of the network it is of: clear() starts another, and its snapshots no longer apply. */
  readonly generation: number;
  readonly edgeCount: number;
  readonly head: Int32Array;
  readonly cap: Float64Array;
}

export class FlowNetwork {
  private head: Int32Array;
  private next: Int32Array;
  private to: Int32Array;
  private cap: Float64Array;
  private initial: Float64Array;
  private edgeCount = 0;
  private generation = 0;
  private level: Int32Array;
  private iter: Int32Array;
  private queue: Int32Array;

  constructor(
    readonly vertexCount: number,
    edgeHint = 16,
  ) {
    this.head = new Int32Array(vertexCount).fill(-1);
    this.level = new Int32Array(vertexCount);
    this.iter = new Int32Array(vertexCount);
    this.queue = new Int32Array(vertexCount);
    const size = Math.max(2, edgeHint * 2);
    this.next = new Int32Array(size);
    this.to = new Int32Array(size);
    this.cap = new Float64Array(size);
    this.initial = new Float64Array(size);
  }

  /** Adds u -> v with the given capacity; returns the edge id (its residual twin is id ^ 1). */
  addEdge(u: number, v: number, capacity: number): number {
    if (this.edgeCount + 2 > this.to.length) this.grow();
    const id = this.edgeCount;
    this.link(id, u, v, capacity);
    this.link(id + 1, v, u, 0);
    this.edgeCount += 2;
    return id;
  }

  /** Flow currently on edge `id` (as returned by addEdge). */
  flowOn(id: number): number {
    return this.initial[id] - this.cap[id];
  }

  capacityOf(id: number): number {
    return this.initial[id];
  }

  /** The network as it stands (edges and residual capacities), to return to with restore. */
  snapshot(): FlowSnapshot {
    return { generation: this.generation, edgeCount: this.edgeCount, head: this.head.slice(), cap: this.cap.slice(0, this.edgeCount) };
  }

  /**
   * Back to a snapshot of this network: the edges added since are dropped and the flow is the
   * snapshot's. Edges are only ever prepended to their vertex's list, so older links still hold.
   */
  restore(s: FlowSnapshot): void {
    if (s.generation !== this.generation || s.edgeCount > this.edgeCount) throw new Error('FlowNetwork.restore: the snapshot is of edges this network no longer holds');
    this.edgeCount = s.edgeCount;
    this.head.set(s.head);
    this.cap.set(s.cap);
  }

  /** Removes every edge but keeps the allocated arrays. */
  clear(): void {
    this.head.fill(-1);
    this.edgeCount = 0;
    this.generation++;
  }

  maxFlow(source: number, sink: number): number {
    let total = 0;
    while (this.buildLevels(source, sink)) {
      for (let v = 0; v < this.vertexCount; v++) this.iter[v] = this.head[v];
      for (;;) {
        const pushed = this.augment(source, sink, Infinity);
        if (pushed <= EPS) break;
        total += pushed;
      }
    }
    return total;
  }

  /** Vertices reachable from `source` in the residual graph: the source side of a minimum cut. */
  residualReachable(source: number): Uint8Array {
    const seen = new Uint8Array(this.vertexCount);
    const stack = [source];
    seen[source] = 1;
    while (stack.length > 0) {
      const u = stack.pop()!;
      for (let e = this.head[u]; e !== -1; e = this.next[e]) {
        const v = this.to[e];
        if (!seen[v] && this.cap[e] > EPS * Math.max(1, this.initial[e])) {
          seen[v] = 1;
          stack.push(v);
        }
      }
    }
    return seen;
  }

  private link(id: number, u: number, v: number, capacity: number): void {
    this.to[id] = v;
    this.cap[id] = capacity;
    this.initial[id] = capacity;
    this.next[id] = this.head[u];
    this.head[u] = id;
  }

  private grow(): void {
    const size = this.to.length * 2;
    const resize = <T extends Int32Array | Float64Array>(a: T, make: (n: number) => T): T => {
      const b = make(size);
      b.set(a);
      return b;
    };
    this.next = resize(this.next, (n) => new Int32Array(n));
    this.to = resize(this.to, (n) => new Int32Array(n));
    this.cap = resize(this.cap, (n) => new Float64Array(n));
    this.initial = resize(this.initial, (n) => new Float64Array(n));
  }

  private buildLevels(source: number, sink: number): boolean {
    this.level.fill(-1);
    let qh = 0;
    let qt = 0;
    this.queue[qt++] = source;
    this.level[source] = 0;
    while (qh < qt) {
      const u = this.queue[qh++];
      for (let e = this.head[u]; e !== -1; e = this.next[e]) {
        const v = this.to[e];
        if (this.level[v] < 0 && this.cap[e] > EPS) {
          this.level[v] = this.level[u] + 1;
          this.queue[qt++] = v;
        }
      }
    }
    return this.level[sink] >= 0;
  }

  private augment(u: number, sink: number, limit: number): number {
    if (u === sink) return limit;
    for (let e = this.iter[u]; e !== -1; e = this.next[e], this.iter[u] = e) {
      const v = this.to[e];
      if (this.cap[e] > EPS && this.level[v] === this.level[u] + 1) {
        const pushed = this.augment(v, sink, Math.min(limit, this.cap[e]));
        if (pushed > EPS) {
          this.cap[e] -= pushed;
          this.cap[e ^ 1] += pushed;
          return pushed;
        }
      }
    }
    this.iter[u] = -1;
    return 0;
  }
}
