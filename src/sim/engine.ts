// The discrete-event core. What is simulated, and at what grain:
// - A request is admitted when the routing policy finds a path whose every node has KV room for
//   its whole context (prompt + output tokens, reserved up front so no request is ever evicted);
//   otherwise it waits, first come first served, until a finishing request frees room.
// - The prompt phase sends all prompt tokens through the path; the coordinator receiving its
//   result has the first output token. Each further output token is one decode iteration: the
//   coordinator sends the new token to the path's first node and it runs the path again.
// - Each node runs continuous batching: whenever it is idle and work is queued it takes queued
//   items first come first served up to the batch token limit (a prompt alone may exceed it), and
//   the batch takes layers x (prompt ms per layer at its prompt tokens + decode ms per layer at
//   its decode sequences) from the node's timing tables.
// - A link is a FIFO pipe: a transfer waits for earlier ones on that link, takes bytes/bandwidth,
//   then latency. One batch's outputs bound for the same next hop travel as one transfer, so the
//   simulator schedules events per batch and per transfer, never per token.
// Not modelled: a NIC shared by a node's links (each link is its own pipe; profiles already cap a
// node's token rate by its NIC), decode time growing with context length (the timing tables
// have none), and partial inference (a node always runs all the layers it holds).

import { msPerLayer, type LayerTimeTable } from '../spec/layer-time.js';
import type { Cluster } from '../spec/types.js';
import type { LoadView, RoutingPolicy } from '../schedule/policies.js';
import { PathBuilder } from '../schedule/paths.js';
import type { RoutingTables } from '../schedule/routing.js';
import { EventQueue } from './event-queue.js';
import type { RequestStream } from './requests.js';

/** What the engine needs to know about one node (layers 0: unused). */
export interface EngineNode {
  readonly layers: number;
  readonly prompt: LayerTimeTable | null;
  readonly decode: LayerTimeTable | null;
  /** KV tokens admission may reserve on this node. */
  readonly kvLimit: number;
  /** The node's profile throughput at its layer count, tokens/s (for load-aware policies). */
  readonly capacity: number;
}

export interface EngineConfig {
  readonly cluster: Cluster;
  readonly tables: RoutingTables;
  readonly nodes: readonly EngineNode[];
  readonly policy: RoutingPolicy;
  readonly requests: RequestStream;
  readonly maxBatchTokens: number;
  /** Longest prompt + output the model accepts; longer requests are rejected. */
  readonly maxContext: number;
  /** Throughput, utilisation and occupancy are measured from here on (seconds). */
  readonly warmupSec: number;
  /** Stop the run here (seconds); Infinity runs until every request has finished. */
  readonly untilSec: number;
}

export const PHASE_WAITING = 0;
export const PHASE_PROMPT = 1;
export const PHASE_DECODE = 2;
export const PHASE_DONE = 3;
export const PHASE_REJECTED = 4;

const ARRIVAL = 0;
const BATCH_DONE = 1;
const DELIVER = 2;
/** DELIVER target meaning the coordinator. */
const COORDINATOR = -1;

export interface EngineResult {
  /** Time of the last event run (the stop time when `untilSec` cut the run short). */
  readonly endSec: number;
  /** The measurement window actually covered. */
  readonly windowStart: number;
  readonly windowEnd: number;
  readonly promptTokens: number;
  readonly decodeTokens: number;
  readonly phase: Uint8Array;
  readonly firstToken: Float64Array;
  readonly finish: Float64Array;
  readonly finished: number;
  readonly rejected: number;
  readonly meanInFlight: number;
  readonly busySec: Float64Array;
  readonly batches: Float64Array;
  readonly batchTokens: Float64Array;
  readonly batchSec: Float64Array;
  readonly kvPeak: Float64Array;
  readonly kvTokenSec: Float64Array;
  readonly events: number;
  readonly truncated: boolean;
}

/**
 * The smallest batch a table measured (ignoring a [0, 0] anchor point). Smaller batches are
 * charged this batch's time: a kernel does not get faster below what was measured, while
 * interpolating towards the anchor would make a batch of one nearly free.
 */
export function smallestMeasuredBatch(table: LayerTimeTable): number {
  for (const [batch, ms] of table.points) if (batch > 0 && ms > 0) return batch;
  return 1;
}

function grown(a: Int32Array, need: number): Int32Array {
  let size = a.length * 2;
  while (size < need) size *= 2;
  const b = new Int32Array(size);
  b.set(a);
  return b;
}

export class Engine {
  private readonly n: number;
  private readonly q = new EventQueue(4096);
  private now = 0;
  private events = 0;
  private truncated = false;
  private nextArrival = 0;

  // Requests.
  private readonly maxHops: number;
  private readonly paths: Int32Array;
  private readonly pathLen: Int32Array;
  private readonly hop: Int32Array;
  private readonly phase: Uint8Array;
  private readonly generated: Int32Array;
  private readonly firstToken: Float64Array;
  private readonly finishAt: Float64Array;
  private readonly waiting: Int32Array;
  private waitHead = 0;
  private waitTail = 0;
  private finished = 0;
  private rejected = 0;
  private readonly widestRoom: number;

  // Nodes.
  private readonly queue: Int32Array[];
  private readonly qHead: Int32Array;
  private readonly qLen: Int32Array;
  private readonly busy: Uint8Array;
  private readonly batch: Int32Array[];
  private readonly batchLen: Int32Array;
  private readonly kvFree: Float64Array;
  private readonly load: LoadView;
  private readonly builder: PathBuilder;

  // Links: when each becomes free.
  private readonly linkFree: Float64Array;
  private readonly sourceFree: Float64Array;
  private readonly sinkFree: Float64Array;

  // Transfers in flight: request ids per DELIVER event.
  private readonly payloads: (Int32Array | null)[] = [];
  private readonly freePayloads: number[] = [];

  // Grouping one batch's requests by next hop (index n = the coordinator).
  private readonly destCount: Int32Array;
  private readonly destTokens: Float64Array;
  private readonly destGroup: (Int32Array | null)[];
  private readonly touched: Int32Array;

  // Measurement.
  private readonly windowStart: number;
  private readonly windowEnd: number;
  private promptTokens = 0;
  private decodeTokens = 0;
  private inFlight = 0;
  private inFlightSec = 0;
  private inFlightSince = 0;
  private readonly busySec: Float64Array;
  private readonly batches: Float64Array;
  private readonly batchTokens: Float64Array;
  private readonly batchSec: Float64Array;
  private readonly kvPeak: Float64Array;
  private readonly kvTokenSec: Float64Array;
  private readonly kvSince: Float64Array;
  private readonly promptFloor: Float64Array;
  private readonly decodeFloor: Float64Array;

  constructor(private readonly config: EngineConfig) {
    const { cluster, requests } = config;
    const n = (this.n = cluster.nodes.length);
    const R = requests.arrival.length;
    this.maxHops = Math.max(1, Math.min(n, cluster.model.layers));
    this.paths = new Int32Array(R * this.maxHops);
    this.pathLen = new Int32Array(R);
    this.hop = new Int32Array(R);
    this.phase = new Uint8Array(R);
    this.generated = new Int32Array(R);
    this.firstToken = new Float64Array(R).fill(NaN);
    this.finishAt = new Float64Array(R).fill(NaN);
    this.waiting = new Int32Array(R);

    this.queue = Array.from({ length: n }, () => new Int32Array(64));
    this.qHead = new Int32Array(n);
    this.qLen = new Int32Array(n);
    this.busy = new Uint8Array(n);
    this.batch = Array.from({ length: n }, () => new Int32Array(64));
    this.batchLen = new Int32Array(n);
    const kvLimit = Float64Array.from(config.nodes, (x) => (x.layers > 0 ? x.kvLimit : 0));
    this.kvFree = kvLimit.slice();
    this.load = {
      outstandingTokens: new Float64Array(n),
      resident: new Int32Array(n),
      capacity: Float64Array.from(config.nodes, (x) => x.capacity),
    };
    this.builder = new PathBuilder(config.tables, config.policy);
    this.widestRoom = this.builder.widestRoom(kvLimit);

    this.linkFree = new Float64Array(n * n);
    this.sourceFree = new Float64Array(n);
    this.sinkFree = new Float64Array(n);
    this.destCount = new Int32Array(n + 1);
    this.destTokens = new Float64Array(n + 1);
    this.destGroup = new Array(n + 1).fill(null);
    this.touched = new Int32Array(n + 1);

    this.windowStart = config.warmupSec;
    this.windowEnd = Math.min(requests.windowSec ?? Infinity, config.untilSec);
    this.busySec = new Float64Array(n);
    this.batches = new Float64Array(n);
    this.batchTokens = new Float64Array(n);
    this.batchSec = new Float64Array(n);
    this.kvPeak = new Float64Array(n);
    this.kvTokenSec = new Float64Array(n);
    this.kvSince = new Float64Array(n);
    this.promptFloor = Float64Array.from(config.nodes, (x) => (x.prompt ? smallestMeasuredBatch(x.prompt) : 1));
    this.decodeFloor = Float64Array.from(config.nodes, (x) => (x.decode ? smallestMeasuredBatch(x.decode) : 1));

    if (R > 0) this.q.push(requests.arrival[0], ARRIVAL, 0);
  }

  /** Seconds of [a, b] inside the measurement window. */
  private overlap(a: number, b: number): number {
    const lo = Math.max(a, this.windowStart);
    const hi = Math.min(b, this.windowEnd);
    return hi > lo ? hi - lo : 0;
  }

  private inWindow(t: number): boolean {
    return t >= this.windowStart && t <= this.windowEnd;
  }

  /** Progress of a run: the share of requests settled (finished or rejected), or of the time to `untilSec`. */
  get progress(): number {
    const R = this.config.requests.arrival.length;
    const settled = R === 0 ? 1 : (this.finished + this.rejected) / R;
    const until = this.config.untilSec;
    return Number.isFinite(until) ? Math.max(settled, Math.min(1, this.now / until)) : settled;
  }

  get simTime(): number {
    return this.now;
  }

  /** Runs at most `budget` events; true when the run is over. */
  step(budget: number): boolean {
    const q = this.q;
    const until = this.config.untilSec;
    while (q.length > 0) {
      if (budget-- <= 0) return false;
      const t = q.peekTime();
      if (t > until) {
        this.truncated = true;
        this.now = until;
        return true;
      }
      const id = q.pop();
      this.now = t;
      const kind = q.kindOf(id);
      const target = q.targetOf(id);
      const payload = q.payloadOf(id);
      q.release(id);
      this.events++;
      if (kind === BATCH_DONE) this.batchDone(target);
      else if (kind === DELIVER) this.deliver(target, payload);
      else this.arrive(target);
    }
    return true;
  }

  private arrive(r: number): void {
    const { requests } = this.config;
    if (r + 1 < requests.arrival.length) this.q.push(requests.arrival[r + 1], ARRIVAL, r + 1);
    const need = requests.input[r] + requests.output[r];
    if (need > this.config.maxContext || need > this.widestRoom) {
      this.phase[r] = PHASE_REJECTED;
      this.rejected++;
      return;
    }
    this.phase[r] = PHASE_WAITING;
    if (this.waitHead < this.waitTail || !this.admit(r)) this.waiting[this.waitTail++] = r;
  }

  /** Admits waiting requests in arrival order until the first that finds no room. */
  private admitWaiting(): void {
    while (this.waitHead < this.waitTail && this.admit(this.waiting[this.waitHead])) this.waitHead++;
  }

  private admit(r: number): boolean {
    const { requests, cluster } = this.config;
    const need = requests.input[r] + requests.output[r];
    const base = r * this.maxHops;
    const len = this.builder.build(need, this.kvFree, this.load, this.paths, base);
    if (len === 0) return false;
    this.pathLen[r] = len;
    const work = requests.input[r] + requests.output[r] - 1;
    for (let h = 0; h < len; h++) {
      const v = this.paths[base + h];
      this.changeKv(v, -need);
      this.load.resident[v]++;
      this.load.outstandingTokens[v] += work;
    }
    this.changeInFlight(1);
    this.phase[r] = PHASE_PROMPT;
    this.hop[r] = -1;
    const first = this.paths[base];
    const arrive = this.transfer(this.sourceFree, first, cluster.sourceCapacity[first] * cluster.model.tokenBytes, cluster.sourceLatency[first], requests.input[r] * cluster.model.tokenBytes);
    this.q.push(arrive, DELIVER, first, this.storePayload(Int32Array.of(r)));
    return true;
  }

  private changeKv(v: number, delta: number): void {
    const reserved = this.config.nodes[v].kvLimit - this.kvFree[v];
    this.kvTokenSec[v] += reserved * this.overlap(this.kvSince[v], this.now);
    // The peak is the window's, as every other figure: a level counts where it held inside it.
    if (reserved > this.kvPeak[v] && this.kvSince[v] <= this.windowEnd && this.now >= this.windowStart) this.kvPeak[v] = reserved;
    this.kvSince[v] = this.now;
    this.kvFree[v] += delta;
    const after = reserved - delta;
    if (after > this.kvPeak[v] && this.inWindow(this.now)) this.kvPeak[v] = after;
  }

  private changeInFlight(delta: number): void {
    this.inFlightSec += this.inFlight * this.overlap(this.inFlightSince, this.now);
    this.inFlightSince = this.now;
    this.inFlight += delta;
  }

  /** FIFO link: returns when the bytes have arrived at the far end. */
  private transfer(free: Float64Array, index: number, bandwidth: number, latency: number, bytes: number): number {
    const start = free[index] > this.now ? free[index] : this.now;
    const done = start + bytes / bandwidth;
    free[index] = done;
    return done + latency;
  }

  private storePayload(ids: Int32Array): number {
    const slot = this.freePayloads.length > 0 ? this.freePayloads.pop()! : this.payloads.length;
    this.payloads[slot] = ids;
    return slot;
  }

  private takePayload(slot: number): Int32Array {
    const ids = this.payloads[slot]!;
    this.payloads[slot] = null;
    this.freePayloads.push(slot);
    return ids;
  }

  private tokensOf(r: number): number {
    return this.phase[r] === PHASE_PROMPT ? this.config.requests.input[r] : 1;
  }

  private enqueue(v: number, r: number): void {
    let buf = this.queue[v];
    const len = this.qLen[v];
    if (len === buf.length) {
      // Unroll the ring into a larger buffer.
      const bigger = new Int32Array(buf.length * 2);
      const head = this.qHead[v];
      bigger.set(buf.subarray(head));
      bigger.set(buf.subarray(0, head), buf.length - head);
      this.queue[v] = buf = bigger;
      this.qHead[v] = 0;
    }
    buf[(this.qHead[v] + len) % buf.length] = r;
    this.qLen[v] = len + 1;
  }

  private startBatch(v: number): void {
    const node = this.config.nodes[v];
    const limit = this.config.maxBatchTokens;
    const buf = this.queue[v];
    let head = this.qHead[v];
    let len = this.qLen[v];
    let count = 0;
    let tokens = 0;
    let promptTokens = 0;
    let decodeSeqs = 0;
    while (len > 0) {
      const r = buf[head];
      const t = this.tokensOf(r);
      if (count > 0 && tokens + t > limit) break;
      if (count === this.batch[v].length) this.batch[v] = grown(this.batch[v], count + 1);
      this.batch[v][count++] = r;
      tokens += t;
      if (this.phase[r] === PHASE_PROMPT) promptTokens += t;
      else decodeSeqs++;
      head = head + 1 === buf.length ? 0 : head + 1;
      len--;
    }
    this.qHead[v] = head;
    this.qLen[v] = len;
    this.batchLen[v] = count;
    const promptMs = promptTokens > 0 ? msPerLayer(node.prompt!, Math.max(promptTokens, this.promptFloor[v])) : 0;
    const decodeMs = decodeSeqs > 0 ? msPerLayer(node.decode!, Math.max(decodeSeqs, this.decodeFloor[v])) : 0;
    const ms = node.layers * (promptMs + decodeMs);
    const seconds = ms / 1000;
    this.busy[v] = 1;
    this.busySec[v] += this.overlap(this.now, this.now + seconds);
    if (this.inWindow(this.now)) {
      this.batches[v]++;
      this.batchTokens[v] += tokens;
      this.batchSec[v] += seconds;
    }
    this.q.push(this.now + seconds, BATCH_DONE, v);
  }

  private batchDone(v: number): void {
    const { cluster } = this.config;
    const n = this.n;
    const items = this.batch[v];
    const count = this.batchLen[v];
    const outstanding = this.load.outstandingTokens;
    let touched = 0;
    for (let k = 0; k < count; k++) {
      const r = items[k];
      const t = this.tokensOf(r);
      outstanding[v] -= t;
      const h = this.hop[r] + 1;
      const dest = h < this.pathLen[r] ? this.paths[r * this.maxHops + h] : n;
      if (this.destCount[dest]++ === 0) this.touched[touched++] = dest;
      this.destTokens[dest] += t;
    }
    for (let d = 0; d < touched; d++) {
      const dest = this.touched[d];
      this.destGroup[dest] = new Int32Array(this.destCount[dest]);
      this.destCount[dest] = 0;
    }
    for (let k = 0; k < count; k++) {
      const r = items[k];
      const h = this.hop[r] + 1;
      const dest = h < this.pathLen[r] ? this.paths[r * this.maxHops + h] : n;
      this.destGroup[dest]![this.destCount[dest]++] = r;
    }
    const model = cluster.model;
    for (let d = 0; d < touched; d++) {
      const dest = this.touched[d];
      const ids = this.destGroup[dest]!;
      let arrive: number;
      if (dest === n) {
        // Only the sampled token ids go back to the coordinator.
        arrive = this.transfer(this.sinkFree, v, cluster.sinkCapacity[v] * model.tokenBytes, cluster.sinkLatency[v], ids.length * model.tokenBytes);
      } else {
        const link = v * n + dest;
        arrive = this.transfer(this.linkFree, link, cluster.linkBandwidth[link], cluster.linkLatency[link], this.destTokens[dest] * model.activationBytesPerToken);
      }
      this.q.push(arrive, DELIVER, dest === n ? COORDINATOR : dest, this.storePayload(ids));
      this.destCount[dest] = 0;
      this.destTokens[dest] = 0;
      this.destGroup[dest] = null;
    }
    this.busy[v] = 0;
    if (this.qLen[v] > 0) this.startBatch(v);
  }

  private deliver(target: number, slot: number): void {
    const ids = this.takePayload(slot);
    if (target === COORDINATOR) {
      this.atCoordinator(ids);
      return;
    }
    for (let k = 0; k < ids.length; k++) {
      this.hop[ids[k]]++;
      this.enqueue(target, ids[k]);
    }
    if (this.busy[target] === 0) this.startBatch(target);
  }

  /** A pass finished: record its token, then finish the request or send it round again. */
  private atCoordinator(ids: Int32Array): void {
    const { requests, cluster } = this.config;
    const n = this.n;
    const counting = this.inWindow(this.now);
    let touched = 0;
    let freed = false;
    for (let k = 0; k < ids.length; k++) {
      const r = ids[k];
      if (this.phase[r] === PHASE_PROMPT) {
        this.phase[r] = PHASE_DECODE;
        this.firstToken[r] = this.now;
        if (counting) this.promptTokens += requests.input[r];
      }
      this.generated[r]++;
      if (counting) this.decodeTokens++;
      if (this.generated[r] >= requests.output[r]) {
        this.finishRequest(r);
        freed = true;
        continue;
      }
      this.hop[r] = -1;
      const first = this.paths[r * this.maxHops];
      if (this.destCount[first]++ === 0) this.touched[touched++] = first;
    }
    if (touched > 0) {
      for (let d = 0; d < touched; d++) {
        const dest = this.touched[d];
        this.destGroup[dest] = new Int32Array(this.destCount[dest]);
        this.destCount[dest] = 0;
      }
      for (let k = 0; k < ids.length; k++) {
        const r = ids[k];
        if (this.phase[r] !== PHASE_DECODE) continue;
        const first = this.paths[r * this.maxHops];
        this.destGroup[first]![this.destCount[first]++] = r;
      }
      for (let d = 0; d < touched; d++) {
        const dest = this.touched[d];
        const group = this.destGroup[dest]!;
        const arrive = this.transfer(this.sourceFree, dest, cluster.sourceCapacity[dest] * cluster.model.tokenBytes, cluster.sourceLatency[dest], group.length * cluster.model.tokenBytes);
        this.q.push(arrive, DELIVER, dest, this.storePayload(group));
        this.destCount[dest] = 0;
        this.destGroup[dest] = null;
      }
    }
    if (freed) this.admitWaiting();
  }

  private finishRequest(r: number): void {
    const { requests } = this.config;
    const need = requests.input[r] + requests.output[r];
    const base = r * this.maxHops;
    for (let h = 0; h < this.pathLen[r]; h++) {
      const v = this.paths[base + h];
      this.changeKv(v, need);
      this.load.resident[v]--;
    }
    this.changeInFlight(-1);
    this.phase[r] = PHASE_DONE;
    this.finishAt[r] = this.now;
    this.finished++;
  }

  result(): EngineResult {
    const end = this.now;
    // A stream with an arrival window that ran to its end is measured over all of the window, even
    // when its last request is done before the window closes (azure-code's gaps, a low rate):
    // stopping at the last event put 16 requests' tokens over 43 s instead of the 120 s they
    // arrived in. A run stopped early (Ctrl-C, an event cap) is measured to where it stopped, and
    // an offline batch to its drain.
    const ranOut = this.q.length === 0;
    const windowEnd = this.config.requests.windowSec != null && ranOut ? this.windowEnd : Math.min(this.windowEnd, end);
    // Close the time integrals at the end of the run.
    for (let v = 0; v < this.n; v++) this.changeKv(v, 0);
    this.changeInFlight(0);
    const span = Math.max(0, windowEnd - this.windowStart);
    return {
      endSec: end,
      windowStart: this.windowStart,
      windowEnd,
      promptTokens: this.promptTokens,
      decodeTokens: this.decodeTokens,
      phase: this.phase,
      firstToken: this.firstToken,
      finish: this.finishAt,
      finished: this.finished,
      rejected: this.rejected,
      meanInFlight: span > 0 ? this.inFlightSec / span : 0,
      busySec: this.busySec,
      batches: this.batches,
      batchTokens: this.batchTokens,
      batchSec: this.batchSec,
      kvPeak: this.kvPeak,
      kvTokenSec: this.kvTokenSec,
      events: this.events,
      truncated: this.truncated,
    };
  }
}
