// The simulator's event queue: a binary heap on typed arrays. Events are ordered by time, then by
// the order they were scheduled, so equal-time events run first-in first-out and a run is
// reproducible bit for bit. Event slots are recycled; nothing is allocated per event once warm.

export class EventQueue {
  private time: Float64Array;
  private order: Float64Array;
  private kind: Uint8Array;
  private target: Int32Array;
  private payload: Int32Array;
  private heap: Int32Array;
  private free: Int32Array;
  private freeCount = 0;
  private slots = 0;
  private size = 0;
  private scheduled = 0;

  constructor(initialCapacity = 1024) {
    const c = Math.max(16, initialCapacity);
    this.time = new Float64Array(c);
    this.order = new Float64Array(c);
    this.kind = new Uint8Array(c);
    this.target = new Int32Array(c);
    this.payload = new Int32Array(c);
    this.heap = new Int32Array(c);
    this.free = new Int32Array(c);
  }

  get length(): number {
    return this.size;
  }

  private grow(): void {
    const c = this.time.length * 2;
    const more = <T extends Float64Array | Uint8Array | Int32Array>(a: T): T => {
      const b = new (a.constructor as new (n: number) => T)(c);
      b.set(a);
      return b;
    };
    this.time = more(this.time);
    this.order = more(this.order);
    this.kind = more(this.kind);
    this.target = more(this.target);
    this.payload = more(this.payload);
    this.heap = more(this.heap);
    this.free = more(this.free);
  }

  private before(a: number, b: number): boolean {
    const ta = this.time[a];
    const tb = this.time[b];
    return ta < tb || (ta === tb && this.order[a] < this.order[b]);
  }

  push(time: number, kind: number, target: number, payload = -1): void {
    let id: number;
    if (this.freeCount > 0) id = this.free[--this.freeCount];
    else {
      if (this.slots === this.time.length) this.grow();
      id = this.slots++;
    }
    this.time[id] = time;
    this.order[id] = this.scheduled++;
    this.kind[id] = kind;
    this.target[id] = target;
    this.payload[id] = payload;
    const heap = this.heap;
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(id, heap[parent])) break;
      heap[i] = heap[parent];
      i = parent;
    }
    heap[i] = id;
  }

  /** Removes the earliest event and returns its slot; read it with the accessors, then `release` it. */
  pop(): number {
    const heap = this.heap;
    const top = heap[0];
    const last = heap[--this.size];
    let i = 0;
    const n = this.size;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && this.before(heap[r], heap[l]) ? r : l;
      if (!this.before(heap[c], last)) break;
      heap[i] = heap[c];
      i = c;
    }
    if (n > 0) heap[i] = last;
    return top;
  }

  /** Time of the earliest event (Infinity when empty). */
  peekTime(): number {
    return this.size > 0 ? this.time[this.heap[0]] : Infinity;
  }

  timeOf(id: number): number {
    return this.time[id];
  }
  kindOf(id: number): number {
    return this.kind[id];
  }
  targetOf(id: number): number {
    return this.target[id];
  }
  payloadOf(id: number): number {
    return this.payload[id];
  }

  release(id: number): void {
    this.free[this.freeCount++] = id;
  }
}
