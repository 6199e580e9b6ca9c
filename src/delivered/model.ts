// The delivered-throughput model: what a plan serves once KV-cache room and per-hop latency are
// counted, not only its max flow. Cheap enough to rank many candidate plans (microseconds once the
// timing tables are loaded): it decomposes the plan's flow into paths, fills the nodes' KV caches
// with each path's requests in proportion to its flow, and applies Little's law on each path with a
// decode round time made of every stage's batch time plus the link latencies (and, on a path no
// other route shares, the convoys' bunching). Max flow stays a hard cap. docs/delivered.md says
// where this is wrong.

import { inputError } from '../errors.js';
import { placementOf } from '../plan/assemble.js';
import type { Plan } from '../plan/types.js';
import { smallestMeasuredBatch } from '../sim/engine.js';
import { bundledGpusPerMachine, DEFAULT_KV_FILL, kvTokenSlots } from '../sim/kv.js';
import { loadLengths } from '../sim/traces.js';
import { clusterLayerTimes, msPerLayer, type LayerTimeTable } from '../spec/layer-time.js';
import type { Cluster } from '../spec/types.js';
import { fillKvRoom } from './kv-fill.js';
import { mixRatio } from './mix.js';

/** Mean request shape: prompt tokens in, generated tokens out. */
export interface Workload {
  readonly input: number;
  readonly output: number;
  /**
   * Mean context (input + output) of the requests resident at any moment. Long requests stay
   * longer, so it is the output-weighted mean E[(I+O)O]/E[O], above input + output when lengths
   * vary; default input + output (fixed lengths).
   */
  readonly residentContext?: number;
}

/** The workload of a set of length samples (the resident context weighted by output length). */
export function workloadOf(input: ArrayLike<number>, output: ArrayLike<number>): Workload {
  let si = 0;
  let so = 0;
  let weighted = 0;
  for (let k = 0; k < input.length; k++) {
    si += input[k];
    so += output[k];
    weighted += (input[k] + output[k]) * output[k];
  }
  const count = Math.max(1, input.length);
  return { input: si / count, output: so / count, residentContext: so > 0 ? weighted / so : si / count };
}

export interface PhaseTimes {
  readonly prompt: LayerTimeTable;
  readonly decode: LayerTimeTable;
}

export interface DeliveredOptions {
  /** GPU type -> per-layer timings; default: the bundled tables for the cluster's model. */
  readonly layerTimes?: ReadonlyMap<string, PhaseTimes>;
  /** Share of KV slots admission may reserve (the simulator's default). */
  readonly kvFill?: number;
  /** Overrides node i's KV tokens at `layers` layers (else: memory left after weights). */
  readonly kvTokens?: (node: number, layers: number) => number;
  readonly gpusPerMachine?: (gpu: string) => number;
  /** Groups the requests of a path travel in (see CONVOY_GROUPS). */
  readonly groups?: number;
  /** Requests/s offered (online); default: as many as the KV caches admit (offline). */
  readonly requestRate?: number;
  /** Slow rounds by the plan's load (loadPace); default true. False: the convoy picture alone. */
  readonly paced?: boolean;
  /**
   * The requests the profiles' capacities (and so the max flow) are all-token rates for: the max
   * flow is rescaled from them to the workload predicted (mix.ts). Default azure-conv, which the
   * bundled tables were derived for within 2%; null takes the capacities as they are.
   */
  readonly capacityMix?: Workload | null;
}

export type DeliveredLimit = 'maxflow' | 'kv' | 'latency';

export interface PathPrediction {
  /** Node indices, coordinator excluded. */
  readonly nodes: readonly number[];
  /** Max-flow tokens/s the plan sends along this path. */
  readonly flow: number;
  /** Requests the path holds at once. */
  readonly inflight: number;
  /** Seconds for one decode step round the path (all stages + links). */
  readonly roundSec: number;
  /** Part of roundSec spent on links. */
  readonly linkSec: number;
}

export interface DeliveredPrediction {
  /** Prompt + generated tokens/s (same unit as max flow). */
  readonly throughput: number;
  /** Generated tokens/s. */
  readonly decodeThroughput: number;
  /** Seconds to the first token without queueing for admission. */
  readonly ttftSec: number;
  /** Seconds per generated token. */
  readonly tpotSec: number;
  /** Requests in flight. */
  readonly inflight: number;
  readonly limitedBy: DeliveredLimit;
  readonly maxFlow: number;
  readonly depth: number;
  readonly workload: Workload;
  readonly paths: readonly PathPrediction[];
}

/**
 * The requests of a path do not spread evenly over its stages: nodes batch everything queued, so
 * requests travel round in a few convoys. How many is emergent (prompts joining split them); the
 * simulator on single24 and geo3 settles near two, which is what this default assumes.
 */
export const CONVOY_GROUPS = 2;

/**
 * Prompts a convoy picks up per round at which about two thirds of rounds on a whole path run
 * bunched (see bunchedWait): fitted on the simulator, 42 strict chains cut from the bundled
 * clusters' plans at three KV fills (docs/delivered.md, "Whole convoys").
 */
const BUNCHING_PROMPTS = 0.08;

/**
 * How much longer a convoy spends at each node of a whole path (one no other route shares) than
 * its own decode batch. There the simulator's convoys stay whole (batches of half the requests in
 * flight: 77.5 sequences of 155 on single24's 24-stage chain), and a convoy slowed by a prompt is
 * caught by the one behind it, which from then on waits at every node for the batch ahead: the
 * g convoys travel back to back, waiting (g - 1) / 2 batches on average. Bunching needs prompts
 * to start it, so the share of rounds run bunched grows with the prompts a convoy picks up per
 * round (b / O): measured waits of 0.1 of a batch at 0.016 prompts a round, 0.4 at 0.05-0.07 and
 * 0.6-0.7 from 0.15 up (of a batch with its prompts; the curve's (g - 1) / 2 is of the decode
 * part). Fitted on strict chains of 5-30 stages; shorter whole paths (a replica holding the
 * whole model) were not measured. Where routes share nodes convoys break into fragments whose
 * batches and waits the convoy picture does not draw (the load pace stands for them), so this is
 * for whole paths alone.
 */
export function bunchedWait(promptsPerRound: number, groups: number): number {
  return 1 + ((groups - 1) / 2) * (1 - Math.exp(-promptsPerRound / BUNCHING_PROMPTS));
}

/**
 * The share of another route's prompt pass a convoy waits for at a node the routes share: that
 * prompt runs in a batch of its own, and the convoy meets it, on average, half done. The prompts
 * of the convoy's own requests ride in its batches and count whole. Not fitted; 0.5-0.6 fit the
 * simulation of the 27 bench plans best (docs/delivered.md, "Other routes' prompts").
 */
const OTHER_PROMPT_SHARE = 0.5;

/** Utilisation at which a link's queue is cut off (a link the flow fills would wait forever). */
const MAX_LINK_UTILISATION = 0.95;

let defaultWorkload: Workload | null = null;

/** Mean lengths of the bundled azure-conv trace (what Helix served). */
export function azureConvWorkload(): Workload {
  if (!defaultWorkload) {
    const s = loadLengths('azure-conv');
    defaultWorkload = workloadOf(s.input, s.output);
  }
  return defaultWorkload;
}

/** The per-layer timings the model uses for a cluster's model: the options' own, else the cluster's (its profiles' layer-time, then the bundled tables). */
export function phaseTimes(cluster: Cluster, options: Pick<DeliveredOptions, 'layerTimes'> = {}): ReadonlyMap<string, PhaseTimes> {
  return options.layerTimes ?? clusterLayerTimes(cluster);
}

/** GPU types of the cluster with no per-layer timings for its model: the model cannot predict plans using them. */
export function untimedGpus(cluster: Cluster, options: Pick<DeliveredOptions, 'layerTimes'> = {}): string[] {
  const times = phaseTimes(cluster, options);
  return [...new Set(cluster.nodes.map((n) => n.gpu))].filter((gpu) => !times.has(gpu));
}

/** A flow edge by node index; `n` stands for the source and `n + 1` for the sink (n nodes). */
export interface IndexedFlow {
  readonly from: number;
  readonly to: number;
  readonly flow: number;
}

/** The plan's flows by node index (see IndexedFlow). */
export function indexedFlows(cluster: Cluster, plan: Plan): IndexedFlow[] {
  const n = cluster.nodes.length;
  const index = new Map(cluster.nodes.map((x, i) => [x.name, i]));
  const vertex = (name: string): number => (name === 'source' ? n : name === 'sink' ? n + 1 : (index.get(name) ?? -1));
  return plan.flows.map((f) => {
    const from = vertex(f.from);
    const to = vertex(f.to);
    if (from < 0 || to < 0) throw inputError('bad-plan', `flow names a node not in the cluster (${f.from} -> ${f.to})`, { file: cluster.file, field: 'flows' });
    return { from, to, flow: f.flow };
  });
}

/**
 * Splits the plan's flow into source-to-sink paths (largest bottleneck first). Ranges advance
 * along every hop, so the flow graph is acyclic and the walk always ends at the sink.
 */
export function decomposeFlow(cluster: Cluster, plan: Plan): FlowPath[] {
  return decomposeIndexed(cluster.nodes.length, indexedFlows(cluster, plan));
}

/** A source-to-sink path of the flow: its nodes, the flow it carries, and the ids of its hops between nodes. */
export interface FlowPath {
  readonly nodes: number[];
  readonly flow: number;
  /** Edge ids (indices below the flow list's length, one per distinct edge) of nodes[h] -> nodes[h + 1]. */
  readonly edges: number[];
}

export function decomposeIndexed(n: number, flows: readonly IndexedFlow[]): FlowPath[] {
  const SRC = n;
  const SNK = n + 1;
  // Edges out of each vertex in plain arrays (out-degrees are small): this runs once per layout
  // the search scores.
  const heads: number[][] = Array.from({ length: n + 2 }, () => []);
  const head: number[] = [];
  const rest: number[] = [];
  for (const f of flows) {
    const list = heads[f.from];
    let id = -1;
    for (const e of list) if (head[e] === f.to) id = e;
    if (id < 0) {
      id = head.length;
      head.push(f.to);
      rest.push(0);
      list.push(id);
    }
    rest[id] += f.flow;
  }
  const paths: FlowPath[] = [];
  const eps = 1e-6;
  for (let guard = 0; guard < 10 * (flows.length + 1); guard++) {
    const walk: number[] = [];
    const used: number[] = [];
    let v = SRC;
    let bottleneck = Infinity;
    while (v !== SNK) {
      let next = -1;
      let best = eps;
      for (const e of heads[v]) if (rest[e] > best) [next, best] = [e, rest[e]];
      if (next < 0) break;
      bottleneck = Math.min(bottleneck, best);
      used.push(next);
      v = head[next];
      walk.push(v);
    }
    if (v !== SNK || !(bottleneck > eps)) break;
    for (const e of used) rest[e] -= bottleneck;
    paths.push({ nodes: walk.slice(0, -1), flow: bottleneck, edges: used.slice(1, -1) });
  }
  return paths;
}

/**
 * Which paths no other route can share: every hop is the only way out of its tail and the only
 * way into its head among the placed ranges (exact boundaries), so each request on the path takes
 * the whole path and nothing else joins it. Under partial inference ranges may continue
 * overlapping ones, so no path is taken as whole (the convoy picture as it was).
 */
export function wholePaths(paths: readonly FlowPath[], placement: FlowedPlacement['placement'], layers: number, partialInference: boolean): boolean[] {
  if (partialInference) return paths.map(() => false);
  const starting = new Int32Array(layers + 1);
  const ending = new Int32Array(layers + 1);
  for (const r of placement) {
    if (!r) continue;
    starting[r.start]++;
    ending[r.end]++;
  }
  return paths.map((p) =>
    p.nodes.every((v, h) => {
      const r = placement[v];
      if (!r) return false;
      return (h === 0 || ending[r.start] === 1) && (h === p.nodes.length - 1 || starting[r.end] === 1);
    }),
  );
}

/** What the model needs of a plan: layers per node and the routed flow (a Plan, or a layout the search is scoring). */
export interface FlowedPlacement {
  readonly placement: readonly ({ readonly start: number; readonly end: number } | null)[];
  readonly flows: readonly IndexedFlow[];
  readonly maxFlow: number;
  readonly depth: number;
  /** Ranges may continue overlapping ones (more routes than exact boundaries show); see wholePaths. */
  readonly partialInference?: boolean;
}

/**
 * Predicts what `plan` delivers on `workload`. Each path p gets N_p requests: the nodes' KV room
 * (in requests of mean context) filled in proportion to the paths' flows, a path stopping where
 * its first node fills and the others taking up the room it leaves (`fillKvRoom`). A
 * decode step round p takes T_p = links + transfers + the slow links' queues + the sum over its
 * nodes of layers x (decode time at the node's convoy batch, times bunchedWait on a whole path,
 * + the prompt passes the convoy waits for). The path delivers N_p / T_p steps/s, slowed by the
 * load pace where it is not whole; the total is capped by max flow.
 */
export function predictDelivered(cluster: Cluster, plan: Plan, workload: Workload = azureConvWorkload(), options: DeliveredOptions = {}): DeliveredPrediction {
  return predictFlowed(
    cluster,
    { placement: placementOf(plan, cluster), flows: indexedFlows(cluster, plan), maxFlow: plan.throughput, depth: plan.depth, partialInference: plan.settings.partialInference },
    workload,
    options,
  );
}

/** predictDelivered on a placement and its routed flow, without assembling a Plan (the search's inner loop). */
export function predictFlowed(cluster: Cluster, plan: FlowedPlacement, workload: Workload = azureConvWorkload(), options: DeliveredOptions = {}): DeliveredPrediction {
  const n = cluster.nodes.length;
  const { input: I, output: O } = workload;
  const context = I + O;
  const resident = workload.residentContext ?? context;
  const tokensPerStep = context / Math.max(1, O);
  const placement = plan.placement;
  const times = phaseTimes(cluster, options);
  const fill = options.kvFill ?? DEFAULT_KV_FILL;
  const gpus = options.gpusPerMachine ?? bundledGpusPerMachine;
  const maxFlow = plan.maxFlow;
  const groups = options.groups ?? CONVOY_GROUPS;
  const paced = options.paced ?? true;
  const empty: DeliveredPrediction = { throughput: 0, decodeThroughput: 0, ttftSec: 0, tpotSec: 0, inflight: 0, limitedBy: 'maxflow', maxFlow, depth: plan.depth, workload, paths: [] };
  if (!(maxFlow > 0)) return empty;

  const layers = placement.map((r) => (r ? r.end - r.start : 0));
  const tables = cluster.nodes.map((node, i) => {
    if (!layers[i]) return null;
    const t = times.get(node.gpu);
    if (!t) throw inputError('no-layer-time', `no per-layer timings for ${node.gpu} serving ${cluster.model.id}`, { expected: `layer-time/${cluster.model.id}/${node.gpu}.yaml` });
    return withFloors(t);
  });
  // Requests of mean context each node's cache admits (the simulator reserves the whole context).
  const slotsPerLayer = layers.map((k, i) => (!k ? 0 : options.kvTokens ? options.kvTokens(i, k) : kvTokenSlots(cluster, i, k, gpus)));
  const kvRequests = slotsPerLayer.map((slots) => Math.floor(fill * slots) / resident);

  const raw = decomposeIndexed(n, plan.flows);
  const whole = wholePaths(raw, placement, cluster.model.layers, plan.partialInference ?? false);
  const kvInflight = fillKvRoom(raw, kvRequests);
  // The max flow in this workload's tokens: each path's flow times its tightest node's ratio of
  // capacities (mix.ts), where the profiles' capacities are for another mix.
  const mix = options.capacityMix === undefined ? azureConvWorkload() : options.capacityMix;
  let capFlow = maxFlow;
  if (mix !== null && (I !== mix.input || O !== mix.output)) {
    // Once per node: a node lies on many paths.
    const ratio = layers.map((k, v) => (k ? mixRatio(tables[v]!, k, cluster.model.layers, slotsPerLayer[v], fill, workload, mix, cluster.model.contextLength) : 1));
    capFlow = raw.reduce((sum, p) => sum + p.flow * Math.min(...p.nodes.map((v) => ratio[v])), 0);
  }
  const linkSec = raw.map((p) => {
    let s = cluster.sourceLatency[p.nodes[0]] + cluster.sinkLatency[p.nodes[p.nodes.length - 1]];
    for (let h = 1; h < p.nodes.length; h++) s += cluster.linkLatency[p.nodes[h - 1] * n + p.nodes[h]];
    return s;
  });

  /** Seconds node v spends decoding one batch of `b` sequences. */
  const decodeSec = (v: number, b: number): number => {
    const t = tables[v]!;
    return (layers[v] * msPerLayer(t.decode, Math.max(b, t.decodeFloor))) / 1000;
  };
  // One prompt pass per node, worked out once: the charge below runs for every node of every path.
  const promptPassSec = layers.map((k, v) => (k ? (k * msPerLayer(tables[v]!.prompt, Math.max(I, tables[v]!.promptFloor))) / 1000 : 0));
  /** Seconds of prompt passes a convoy waits for at node v, amortised: those `b` sequences start (b / O per step). */
  const promptSec = (v: number, b: number): number => {
    // b sequences start about b / O new prompts a step; each costs a prompt pass of I tokens. A
    // convoy waits for at most one of them here: where more arrive per step (code completion
    // starts a request every 28 generated tokens), the node runs the others as batches of their
    // own while the convoy is at other stages, nodes being mostly idle (17-36% busy on single24
    // with azure-code). Charging them all to the convoy put hetero42's homogeneous placement at
    // -69% against the simulator with azure-code; at most one, -23%.
    return Math.min(1, b / Math.max(1, O)) * promptPassSec[v];
  };

  // Seconds one token takes over all of a path's hops: activations between stages, token ids to
  // and from the coordinator (a hop without bandwidth costs nothing here). A convoy's transfer
  // and a prompt's are this times their tokens.
  const transferSecPerToken = raw.map((p) => {
    const first = p.nodes[0];
    const last = p.nodes[p.nodes.length - 1];
    const perToken = (bytes: number, bandwidth: number) => (bandwidth > 0 ? bytes / bandwidth : 0);
    let s = perToken(cluster.model.tokenBytes, cluster.sourceCapacity[first] * cluster.model.tokenBytes);
    for (let h = 1; h < p.nodes.length; h++) s += perToken(cluster.model.activationBytesPerToken, cluster.linkBandwidth[p.nodes[h - 1] * n + p.nodes[h]]);
    return s + perToken(cluster.model.tokenBytes, cluster.sinkCapacity[last] * cluster.model.tokenBytes);
  });

  // The links between nodes the paths use, by edge id, for the queueing on them: what one
  // prompt's hold time squares to, and the share of the link one decode step/s takes.
  const activationBytes = cluster.model.activationBytesPerToken;
  const holdSquared = new Float64Array(plan.flows.length);
  const busyPerStep = new Float64Array(plan.flows.length);
  for (const p of raw) {
    p.edges.forEach((e, h) => {
      const bw = cluster.linkBandwidth[p.nodes[h] * n + p.nodes[h + 1]];
      if (!(bw > 0) || !Number.isFinite(bw)) return;
      holdSquared[e] = ((I * activationBytes) / bw) ** 2;
      busyPerStep[e] = (tokensPerStep * activationBytes) / bw;
    });
  }
  const stepsOnLink = new Float64Array(plan.flows.length);

  /**
   * Seconds a convoy's transfer waits on each link behind the prompts crossing it, given each
   * path's decode steps/s: an M/G/1 queue whose long jobs are prompts of I tokens, so a transfer
   * arriving at a random moment waits (prompts/s) x T^2 / 2 / (1 - utilisation), T the time one
   * prompt holds the link. A prompt travels in some convoy's own transfer (the round already
   * counts those bytes), so only the other convoys queue behind it: (g - 1) / g of that wait.
   * Decode transfers are short and only count towards the utilisation.
   */
  const linkWaits = (inflight: readonly number[], round: readonly number[]): Float64Array => {
    stepsOnLink.fill(0);
    raw.forEach((p, k) => {
      for (const e of p.edges) stepsOnLink[e] += inflight[k] / round[k];
    });
    const waits = new Float64Array(stepsOnLink.length);
    const others = (groups - 1) / groups;
    for (let e = 0; e < waits.length; e++) {
      if (holdSquared[e] === 0) continue;
      const busy = Math.min(MAX_LINK_UTILISATION, stepsOnLink[e] * busyPerStep[e]);
      waits[e] = (others * (stepsOnLink[e] / Math.max(1, O)) * holdSquared[e]) / 2 / (1 - busy);
    }
    return waits;
  };

  /**
   * Round times and step rates with `scale` x the KV-admitted requests in flight. The simulator's
   * nodes batch everything queued, so the requests of a path travel round it together, in g
   * convoys: each node runs g batches a decode step, each of 1 / g of the requests routed through
   * it (measured on single24's chain: nodes 4-7% busy, batches of half the requests in flight).
   */
  const solve = (scale: number) => {
    const inflight = kvInflight.map((x) => x * scale);
    const batch = new Float64Array(n);
    raw.forEach((p, k) => {
      for (const v of p.nodes) batch[v] += inflight[k] / groups;
    });
    const decodeStep = batch.map((b, v) => (layers[v] ? decodeSec(v, Math.max(1, b)) : 0));
    const round = raw.map((p, k) => {
      const convoy = inflight[k] / groups;
      const tokens = convoy * tokensPerStep;
      const wait = whole[k] ? bunchedWait(convoy / Math.max(1, O), groups) : 1;
      // The prompts this path's own requests start ride in its convoy's batches; another route's
      // prompt at a shared node runs in a batch of its own, which the convoy, arriving at a
      // random moment of it, finds half done (OTHER_PROMPT_SHARE).
      const own = Math.max(1, convoy);
      const compute = p.nodes.reduce((s, v) => s + decodeStep[v] * wait + promptSec(v, own + OTHER_PROMPT_SHARE * Math.max(0, batch[v] - own)), 0);
      return linkSec[k] + tokens * transferSecPerToken[k] + compute;
    });
    // Prompts crossing a slow link hold it for seconds (geo3: 763 tokens of activations take
    // about 1 s at 12.5 MB/s), and a convoy's step queues behind them: one more wait per hop,
    // at the rates of the convoy picture itself.
    const waits = linkWaits(inflight, round);
    raw.forEach((p, k) => {
      for (const e of p.edges) round[k] += waits[e];
    });
    const convoyRates = raw.map((_, k) => inflight[k] / round[k]);
    const convoySteps = convoyRates.reduce((a, b) => a + b, 0);
    // The nearer the convoy picture comes to the plan's profiled capacity, the more its rounds
    // wait in queues it does not see (see loadPace); on whole paths the waiting is bunchedWait's.
    const pace = paced && convoySteps < capDecode ? loadPace(convoySteps / capDecode) : 1;
    const paces = raw.map((_, k) => (whole[k] ? 1 : pace));
    const rates = convoyRates.map((r, k) => r * paces[k]);
    return { inflight, round: round.map((t, k) => t / paces[k]), rates, steps: rates.reduce((a, b) => a + b, 0), waits };
  };

  const capDecode = capFlow / tokensPerStep;
  let state = solve(1);
  let limitedBy: DeliveredLimit;
  let decode = state.steps;
  if (options.requestRate !== undefined) {
    // Online: fewer requests in flight, found by bisection on the share of KV room in use.
    const want = options.requestRate * O;
    if (want < Math.min(decode, capDecode)) {
      let lo = 0;
      let hi = 1;
      for (let i = 0; i < 40; i++) {
        const mid = (lo + hi) / 2;
        if (solve(mid).steps < want) lo = mid;
        else hi = mid;
      }
      state = solve(hi);
      decode = want;
    }
  }
  const inflight = state.inflight.reduce((a, b) => a + b, 0);
  if (decode >= capDecode) {
    decode = capDecode;
    limitedBy = 'maxflow';
  } else {
    // Whichever share of the busiest path's round dominates: waiting on links or on compute
    // (which only more requests in flight, i.e. more KV room, would amortise).
    const k = state.rates.indexOf(Math.max(...state.rates));
    limitedBy = linkSec[k] > state.round[k] / 2 ? 'latency' : 'kv';
  }
  // Little's law: with the cache full, a capped step rate means queueing, so TPOT = N / rate.
  const tpot = limitedBy === 'maxflow' && options.requestRate === undefined ? inflight / decode : weighted(state.round, state.rates);
  // A first token: the prompt's pass through every node, its activations over every hop, and
  // the queue it meets on each link.
  const ttftPaths = raw.map((p, k) => {
    const compute = p.nodes.reduce((s, v) => s + (layers[v] * msPerLayer(tables[v]!.prompt, Math.max(I, tables[v]!.promptFloor))) / 1000, 0);
    const queued = p.edges.reduce((s, e) => s + state.waits[e], 0);
    return linkSec[k] + compute + I * transferSecPerToken[k] + queued;
  });
  const paths = raw.map((p, k) => ({ nodes: p.nodes, flow: p.flow, inflight: state.inflight[k], roundSec: state.round[k], linkSec: linkSec[k] }));
  return {
    throughput: decode * tokensPerStep,
    decodeThroughput: decode,
    ttftSec: weighted(ttftPaths, raw.map((p) => p.flow)),
    // One-token answers have no time between tokens (the table shows none; 0 here, not a figure).
    tpotSec: O > 1 ? tpot : 0,
    inflight,
    limitedBy,
    maxFlow,
    depth: plan.depth,
    workload,
    paths,
  };
}

/**
 * How fast rounds really go against the convoy picture, by the load u = (the convoy picture's
 * rate) / (the plan's max flow). Fitted on the simulator over 99 plans of the bundled clusters
 * (baselines, max-flow, depth-limited and search layouts; docs/delivered.md): far below its
 * profiled capacity a plan's nodes run smaller, quicker batches than whole convoys, near it
 * requests queue at the busiest nodes. Not applied once the max flow binds (u >= 1), nor to whole
 * paths, whose waiting bunchedWait counts.
 */
export function loadPace(u: number): number {
  return 1.1 - 0.3 * u;
}

const floorCache = new WeakMap<PhaseTimes, PhaseTimes & { promptFloor: number; decodeFloor: number }>();

/** The tables with their smallest measured batches (cached: the search predicts thousands of layouts). */
function withFloors(t: PhaseTimes): PhaseTimes & { promptFloor: number; decodeFloor: number } {
  let f = floorCache.get(t);
  if (!f) floorCache.set(t, (f = { ...t, promptFloor: smallestMeasuredBatch(t.prompt), decodeFloor: smallestMeasuredBatch(t.decode) }));
  return f;
}

function weighted(values: readonly number[], weights: readonly number[]): number {
  let s = 0;
  let w = 0;
  values.forEach((x, i) => {
    s += x * weights[i];
    w += weights[i];
  });
  return w > 0 ? s / w : 0;
}
