// The simulator's public face: simulate(cluster, plan, options) -> SimReport. Prepares what the
// engine needs (routing tables, per-node timing tables and KV room, the request stream), runs it,
// and summarises. `simulateAsync` is the same run in slices, yielding to the event loop so a CLI
// can show progress and honour Ctrl-C.

import { inputError } from '../errors.js';
import type { Plan } from '../plan/types.js';
import { createPolicy, type PolicyName } from '../schedule/policies.js';
import { buildRoutingTables, type RoutingTables } from '../schedule/routing.js';
import { createRng } from '../search/rng.js';
import { clusterLayerTimeDirs, clusterLayerTimes, loadLayerTimes, type LayerTimeTable } from '../spec/layer-time.js';
import type { Cluster } from '../spec/types.js';
import { Engine, PHASE_DONE, type EngineNode, type EngineResult } from './engine.js';
import { bundledGpusPerMachine, DEFAULT_KV_FILL, kvTokenSlots } from './kv.js';
import type { RequestStream } from './requests.js';
import { summarize, type LatencySummary } from './stats.js';

export interface PhaseTables {
  readonly prompt: LayerTimeTable;
  readonly decode: LayerTimeTable;
}

export interface SimOptions {
  readonly requests: RequestStream;
  readonly policy?: PolicyName;
  /** Seeds the policy's random choices (the request stream carries its own seed). */
  readonly seed?: number;
  /** GPU type -> per-layer timings; default: the cluster's (its profiles' layer-time, then the bundled tables). */
  readonly layerTimes?: ReadonlyMap<string, PhaseTables>;
  /** Folder to load layer-time tables from when `layerTimes` is not given (default: the cluster's). */
  readonly layerTimeDir?: string;
  /** Tokens (prompt tokens + decoding sequences) one batch may hold; default: the model's context length. */
  readonly maxBatchTokens?: number;
  /** Share of each node's KV slots admission may reserve (default DEFAULT_KV_FILL). */
  readonly kvFill?: number;
  /** Overrides the KV-cache tokens of node i (else: memory left after weights). */
  readonly kvTokens?: (node: number, layers: number) => number;
  /** GPUs in one machine of a type (for the runtime memory each GPU keeps); default: bundled catalog. */
  readonly gpusPerMachine?: (gpu: string) => number;
  readonly warmupSec?: number;
  readonly untilSec?: number;
  /**
   * Stop after this many events (deterministic, unlike a wall-clock limit): callers that only
   * want a run when it is cheap, such as the planner's confirming runs, set it.
   */
  readonly maxEvents?: number;
  /** Reuse tables already built for this plan. */
  readonly tables?: RoutingTables;
}

export interface NodeSimStats {
  readonly name: string;
  readonly gpu: string;
  readonly start: number | null;
  readonly end: number | null;
  /** Busy share of the measurement window. */
  readonly utilisation: number;
  readonly batches: number;
  readonly meanBatchTokens: number;
  /** Mean time of one batch through the node's layers, seconds. */
  readonly meanBatchSec: number;
  /** KV tokens admission may reserve here. */
  readonly kvLimitTokens: number;
  /** Reserved share of that limit: time average over the window, and the peak. */
  readonly kvMean: number;
  readonly kvPeak: number;
}

export interface SimReport {
  readonly policy: PolicyName;
  readonly seed: number;
  readonly workload: string;
  /** The plan's max-flow throughput, tokens/s (prompt + generated tokens). */
  readonly plannedThroughput: number;
  /** unfinished: arrived and not done when the run ended; notArrived: due after it ended (a run cut short by --until or Ctrl-C). */
  readonly requests: { readonly total: number; readonly finished: number; readonly rejected: number; readonly unfinished: number; readonly notArrived: number };
  /** Simulated seconds run, and the window the rates below are measured over. */
  readonly simulatedSec: number;
  readonly window: { readonly start: number; readonly end: number };
  /** Tokens/s in the window: prompt tokens processed, output tokens generated, and both. */
  readonly throughput: { readonly prompt: number; readonly decode: number; readonly total: number };
  /** Seconds: arrival to first token (queueing for KV room included). */
  readonly ttft: LatencySummary;
  /** Seconds per output token after the first (requests with at least two output tokens). */
  readonly tpot: LatencySummary;
  /** Seconds: arrival to last token. */
  readonly latency: LatencySummary;
  /** Time-averaged requests admitted and unfinished (Little's law: in flight = rate x latency). */
  readonly meanInFlight: number;
  readonly nodes: readonly NodeSimStats[];
  readonly events: number;
  readonly wallSec: number;
  /** True when `untilSec` (or `maxEvents`) stopped the run before every request finished. */
  readonly truncated: boolean;
  /** True when `maxEvents` stopped the run: its figures cover only the simulated part. */
  readonly eventLimitReached?: boolean;
}

/**
 * Whether an offline run ran out of queued requests inside its measurement window: a queue
 * shorter than what is in flight means the run was draining, and its rates measure the drain
 * (they understate the plan). A run whose every request finished, in the window or before it,
 * ran out too (it measured nothing but the drain, if anything).
 */
export function drainedInWindow(report: SimReport): boolean {
  // A run that served nothing (every request rejected) did not run out of anything: more
  // requests would be rejected as well.
  return (report.requests.unfinished === 0 && report.requests.finished > 0) || report.requests.unfinished < report.meanInFlight;
}

/** The run's p95 TPOT, seconds; null when no finished request had a second token to time. */
export function measuredTpotP95(report: SimReport): number | null {
  return report.tpot.count > 0 ? report.tpot.p95 : null;
}

export const SIM_DEFAULTS = { policy: 'iwrr' as PolicyName, seed: 1, kvFill: DEFAULT_KV_FILL, warmupSec: 0 };

/** GPU -> timings for the cluster's model, checked to cover every GPU the plan uses. */
function timingsFor(cluster: Cluster, tables: RoutingTables, options: SimOptions): ReadonlyMap<string, PhaseTables> {
  const times = options.layerTimes ?? (options.layerTimeDir ? loadLayerTimes(options.layerTimeDir, cluster.model.id) : clusterLayerTimes(cluster));
  for (let i = 0; i < cluster.nodes.length; i++) {
    const gpu = cluster.nodes[i].gpu;
    if (tables.placement[i] && !times.has(gpu)) {
      throw inputError('no-layer-time', `no per-layer timings for ${gpu} serving ${cluster.model.id}; the simulator needs them for every GPU type the plan uses`, {
        file: options.layerTimeDir ?? clusterLayerTimeDirs(cluster).join(' + '),
        expected: `layer-time/${cluster.model.id}/${gpu}.yaml (have: ${[...times.keys()].join(', ') || 'none'})`,
      });
    }
  }
  return times;
}

function engineNodes(cluster: Cluster, tables: RoutingTables, options: SimOptions): EngineNode[] {
  const times = timingsFor(cluster, tables, options);
  const fill = options.kvFill ?? DEFAULT_KV_FILL;
  const gpus = options.gpusPerMachine ?? bundledGpusPerMachine;
  return cluster.nodes.map((node, i): EngineNode => {
    const r = tables.placement[i];
    if (!r) return { layers: 0, prompt: null, decode: null, kvLimit: 0, capacity: 0 };
    const layers = r.end - r.start;
    const t = times.get(node.gpu)!;
    const slots = options.kvTokens ? options.kvTokens(i, layers) : kvTokenSlots(cluster, i, layers, gpus);
    return { layers, prompt: t.prompt, decode: t.decode, kvLimit: Math.floor(fill * slots), capacity: node.capacity[layers - 1] ?? 0 };
  });
}

interface Prepared {
  readonly engine: Engine;
  readonly nodes: readonly EngineNode[];
  readonly tables: RoutingTables;
}

function prepare(cluster: Cluster, plan: Plan, options: SimOptions): Prepared {
  const tables = options.tables ?? buildRoutingTables(cluster, plan);
  const nodes = engineNodes(cluster, tables, options);
  const engine = new Engine({
    cluster,
    tables,
    nodes,
    policy: createPolicy(options.policy ?? SIM_DEFAULTS.policy, createRng((options.seed ?? SIM_DEFAULTS.seed) ^ 0x5eed)),
    requests: options.requests,
    maxBatchTokens: options.maxBatchTokens ?? cluster.model.contextLength,
    maxContext: cluster.model.contextLength,
    warmupSec: options.warmupSec ?? SIM_DEFAULTS.warmupSec,
    untilSec: options.untilSec ?? Infinity,
  });
  return { engine, nodes, tables };
}

function report(cluster: Cluster, plan: Plan, options: SimOptions, prepared: Prepared, r: EngineResult, wallSec: number): SimReport {
  const { requests } = options;
  const total = requests.arrival.length;
  const ttft: number[] = [];
  const tpot: number[] = [];
  const latency: number[] = [];
  // Requests due after the run ended never entered it (--until, Ctrl-C): not "unfinished".
  let notArrived = 0;
  for (let i = 0; i < total; i++) {
    if (r.phase[i] !== PHASE_DONE) {
      if (requests.arrival[i] > r.endSec) notArrived++;
      continue;
    }
    ttft.push(r.firstToken[i] - requests.arrival[i]);
    latency.push(r.finish[i] - requests.arrival[i]);
    if (requests.output[i] > 1) tpot.push((r.finish[i] - r.firstToken[i]) / (requests.output[i] - 1));
  }
  const span = Math.max(0, r.windowEnd - r.windowStart);
  const rate = (tokens: number) => (span > 0 ? tokens / span : 0);
  const { placement } = prepared.tables;
  const { nodes } = prepared;
  return {
    policy: options.policy ?? SIM_DEFAULTS.policy,
    seed: options.seed ?? SIM_DEFAULTS.seed,
    workload: requests.description,
    plannedThroughput: plan.throughput,
    requests: { total, finished: r.finished, rejected: r.rejected, unfinished: total - r.finished - r.rejected - notArrived, notArrived },
    simulatedSec: r.endSec,
    // A warm-up past the run's end leaves an empty window at the warm-up, not one that ends first.
    window: { start: r.windowStart, end: Math.max(r.windowStart, r.windowEnd) },
    throughput: { prompt: rate(r.promptTokens), decode: rate(r.decodeTokens), total: rate(r.promptTokens + r.decodeTokens) },
    ttft: summarize(ttft),
    tpot: summarize(tpot),
    latency: summarize(latency),
    meanInFlight: r.meanInFlight,
    nodes: cluster.nodes.map((node, i) => {
      const p = placement[i];
      const limit = nodes[i].kvLimit;
      return {
        name: node.name,
        gpu: node.gpu,
        start: p ? p.start : null,
        end: p ? p.end : null,
        utilisation: span > 0 ? Math.min(1, r.busySec[i] / span) : 0,
        batches: r.batches[i],
        meanBatchTokens: r.batches[i] > 0 ? r.batchTokens[i] / r.batches[i] : 0,
        meanBatchSec: r.batches[i] > 0 ? r.batchSec[i] / r.batches[i] : 0,
        kvLimitTokens: limit,
        kvMean: limit > 0 && span > 0 ? r.kvTokenSec[i] / span / limit : 0,
        kvPeak: limit > 0 ? r.kvPeak[i] / limit : 0,
      };
    }),
    events: r.events,
    wallSec,
    truncated: r.truncated,
  };
}

const SLICE = 200_000;

/** Runs the plan on the request stream to the end (or `untilSec`) and reports. Deterministic. */
export function simulate(cluster: Cluster, plan: Plan, options: SimOptions): SimReport {
  const started = performance.now();
  const prepared = prepare(cluster, plan, options);
  let left = options.maxEvents ?? Infinity;
  let done = false;
  while (!done && left > 0) {
    const slice = Math.min(SLICE, left);
    done = prepared.engine.step(slice);
    left -= slice;
  }
  const result = prepared.engine.result();
  const r = report(cluster, plan, options, prepared, done ? result : { ...result, truncated: true }, (performance.now() - started) / 1000);
  return done ? r : { ...r, eventLimitReached: true };
}

export interface AsyncControl {
  /** Called between slices with the share of requests settled and the simulated time. */
  readonly onProgress?: (fraction: number, simSec: number) => void;
  /** Stops the run at the next slice; the report covers what was simulated (truncated). */
  readonly signal?: AbortSignal;
}

/** As `simulate`, in slices that yield to the event loop (progress, Ctrl-C). */
export async function simulateAsync(cluster: Cluster, plan: Plan, options: SimOptions, control: AsyncControl = {}): Promise<SimReport> {
  const started = performance.now();
  const prepared = prepare(cluster, plan, options);
  const { engine } = prepared;
  let done = false;
  while (!done && !control.signal?.aborted) {
    done = engine.step(SLICE / 4);
    control.onProgress?.(engine.progress, engine.simTime);
    if (!done) await new Promise<void>((resolve) => setImmediate(resolve));
  }
  const result = engine.result();
  return report(cluster, plan, options, prepared, done ? result : { ...result, truncated: true }, (performance.now() - started) / 1000);
}
