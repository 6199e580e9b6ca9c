// The planner: bounds first, then the cheap heuristics as a floor, then the exact hub MILP where
// links cannot bind, then the search for whatever time is left. Every candidate is scored by exact
// max flow on the real cluster, so the plan returned is never worse than any method tried.

import type { Cluster, Placement } from '../spec/types.js';
import { evaluatePlacement, type FlowResult } from '../graph/placement-flow.js';
import { keepFastestLinks } from '../graph/prune.js';
import { findBindingLinks } from '../graph/binding.js';
import { bestBound } from './bounds.js';
import { flowDepth } from '../plan/assemble.js';
import { searchPlacement } from './search.js';
import { depthChains, depthControlsInfeasible } from './depth-chains.js';
import { runBaselines, BASELINE_METHODS, runBaselineMethod, type BaselineMethod, type BaselineResult } from './baselines/index.js';
import type { GroupBy } from './baselines/separate.js';
import { classPipelines } from './class-pipelines.js';
import { buildHubModel, type HubModel } from '../milp/hub-model.js';
import { withObjectiveFloor } from '../milp/model.js';
import { decodeHubSolution, encodeHubStart } from '../milp/decode-hub.js';
import { getSolver } from '../solvers/index.js';
import type { Plan, PlanBound, PlanMethod, PlanSettings, PlanStatus } from '../plan/types.js';

export const PLAN_METHODS = ['milp', ...BASELINE_METHODS] as const satisfies readonly PlanMethod[];

/** Starts the note that says why no placement can exist (the CLI's error message repeats it). */
export const INFEASIBLE_NOTE = 'infeasible: ';

export interface PlannerProgress {
  readonly elapsedSec: number;
  readonly phase: string;
  /** Max flow of the best plan so far; with `predicted`, the best predicted delivered tokens/s. */
  readonly incumbent: number;
  readonly bound: number;
  /** Set in the delivered objective's later phases: `incumbent` is a prediction and there is no bound. */
  readonly predicted?: boolean;
  /** With `predicted`: `incumbent` is a simulated figure (the delivered objective's last phase). */
  readonly simulated?: boolean;
}

export interface PlannerOptions {
  readonly method: PlanMethod;
  readonly solver: string;
  readonly timeLimitSec: number;
  readonly gap: number;
  readonly stallSec: number | null;
  /** --stall only counts once the plan is within this relative gap of the bound (Helix: 0.05). */
  readonly stallWithin?: number;
  readonly seed: number;
  readonly partialInference: boolean;
  readonly minLayers: number | null;
  readonly maxStages: number | null;
  readonly keepLinks: number | null;
  /** How the `separate` baseline groups nodes. */
  readonly by?: GroupBy;
  /** Delivered-model searches run at once, on that many cores (default: one per core, at most 4). */
  readonly threads?: number;
  /** With --objective delivered: the requests to plan for (src/delivered/workload.ts; default azure-conv). */
  readonly workload?: string;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: PlannerProgress) => void;
  /** Verbose lines (model sizes, phases). */
  readonly log?: (line: string) => void;
  /**
   * The baselines of this cluster (grouped by `by`) when the caller has already run them: they
   * are the floor, and on 1,000 nodes they take about 2 s to run again.
   */
  readonly baselines?: readonly BaselineResult[];
}

/** Defaults shared by every caller that plans without flags of its own (validate --fresh, replan, bench). */
export const DEFAULT_PLANNER_OPTIONS: PlannerOptions = {
  method: 'milp',
  solver: 'glpk',
  timeLimitSec: 60,
  gap: 0.0001,
  stallSec: null,
  seed: 1,
  partialInference: false,
  minLayers: null,
  maxStages: null,
  keepLinks: null,
};

export interface PlannerResult {
  readonly placement: Placement;
  readonly throughput: number;
  readonly flow: FlowResult;
  readonly status: PlanStatus;
  readonly bound: PlanBound;
  readonly settings: PlanSettings;
  readonly stats: Plan['stats'];
  /**
   * The baseline placements the milp method took as its floor, each with its own flow, so callers
   * that show or predict the baselines (compare, the max-flow hint, `--objective delivered`) need
   * not run them again; absent for the other methods.
   */
  readonly baselines?: readonly BaselineResult[];
}

/** Problems this large are left to the search: the hub MILP would not finish its root LP. */
const HUB_MODEL_MAX_INTEGERS = 20_000;
/** Hub models up to this many integers are usually proved in about a second (single24: 1,747). */
const SMALL_HUB_MODEL = 3_000;

class Incumbent {
  placement: Placement;
  throughput = 0;
  flow: FlowResult;
  source = 'none';
  firstAt: number | null = null;
  bestAt: number | null = null;

  constructor(
    private readonly cluster: Cluster,
    private readonly options: PlannerOptions,
    private readonly t0: number,
  ) {
    this.placement = cluster.nodes.map(() => null);
    this.flow = evaluatePlacement(cluster, this.placement);
  }

  /** Takes a placement with a flow computed under other rules (a baseline's own). */
  accept(placement: Placement, flow: FlowResult, source: string): void {
    const now = (performance.now() - this.t0) / 1000;
    this.firstAt ??= now;
    this.bestAt = now;
    this.placement = placement;
    this.throughput = flow.throughput;
    this.flow = flow;
    this.source = source;
  }

  /**
   * Scores a candidate on the real cluster; keeps it if it is feasible and better. `scored`: the
   * candidate's max flow on this cluster under these rules, where already known.
   */
  offer(candidate: Placement, source: string, scored?: FlowResult): boolean {
    const raw = scored ?? evaluatePlacement(this.cluster, candidate, { partialInference: this.options.partialInference });
    if (raw.throughput <= this.throughput * (1 + 1e-9) + 1e-9) return false;
    const { placement, flow } = withoutIdleNodes(this.cluster, candidate, raw, this.options.partialInference);
    if (!respectsDepthControls(this.cluster, placement, flow, this.options)) return false;
    const now = (performance.now() - this.t0) / 1000;
    this.firstAt ??= now;
    this.bestAt = now;
    this.placement = placement;
    this.throughput = flow.throughput;
    this.flow = flow;
    this.source = source;
    return true;
  }

  /**
   * Offers placements that each contain the one before (more pipelines), whose max flows can
   * therefore only grow: the best is the one with the most flow that the depth controls accept,
   * ties to the smallest. Tried from the largest down, that is usually one or two max flows
   * rather than one per placement (4,000 nodes: 449 of them, 20 s).
   */
  offerNested(candidates: readonly Placement[], source: string): boolean {
    let chosen: { placement: Placement; flow: FlowResult } | null = null;
    // The most flow the controls accept: the first accepted from the top. Smaller ones that carry
    // as much (within the tolerance of that first one, not of each other) take its place.
    let most = Infinity;
    for (let k = candidates.length - 1; k >= 0; k--) {
      const raw = evaluatePlacement(this.cluster, candidates[k], { partialInference: this.options.partialInference });
      // Smaller ones carry no more: below the incumbent, or below the most accepted, the rest are too.
      if (raw.throughput <= this.throughput * (1 + 1e-9) + 1e-9) break;
      if (chosen && raw.throughput < most * (1 - 1e-9) - 1e-9) break;
      const { placement, flow } = withoutIdleNodes(this.cluster, candidates[k], raw, this.options.partialInference);
      if (!respectsDepthControls(this.cluster, placement, flow, this.options)) continue;
      chosen = { placement, flow };
      if (most === Infinity) most = raw.throughput;
    }
    if (!chosen) return false;
    this.accept(chosen.placement, chosen.flow, source);
    return true;
  }
}

/**
 * The placement without the nodes its max flow `raw` leaves idle, and its flow: the same flow
 * stays feasible without them, and they would load weights for nothing.
 */
export function withoutIdleNodes(cluster: Cluster, candidate: Placement, raw: FlowResult, partialInference: boolean): { placement: Placement; flow: FlowResult } {
  const placement = candidate.map((r, i) => (raw.nodeFlow[i] > 1e-9 ? r : null));
  const flow = placement.some((r, i) => r !== candidate[i]) ? evaluatePlacement(cluster, placement, { partialInference }) : raw;
  return { placement, flow };
}

/** The user's depth controls (--min-layers, --max-stages), checked on the flow the plan will carry. */
export function respectsDepthControls(cluster: Cluster, placement: Placement, flow: FlowResult, o: Pick<PlannerOptions, 'minLayers' | 'maxStages'>): boolean {
  if (o.minLayers !== null && placement.some((r, i) => r !== null && flow.nodeFlow[i] > 1e-9 && r.end - r.start < o.minLayers!)) {
    return false;
  }
  return o.maxStages === null || flowDepth(cluster, flow) <= o.maxStages;
}

export async function planCluster(cluster: Cluster, o: PlannerOptions): Promise<PlannerResult> {
  const t0 = performance.now();
  const elapsed = () => (performance.now() - t0) / 1000;
  const deadline = t0 + o.timeLimitSec * 1000;
  const log = o.log ?? (() => {});
  const notes: string[] = [];
  let baselines: readonly BaselineResult[] | undefined;
  const settings: PlanSettings = {
    method: o.method,
    solver: o.method === 'milp' ? o.solver : 'none',
    timeLimitSec: o.timeLimitSec,
    gap: o.gap,
    seed: o.seed,
    partialInference: o.partialInference,
    // A baseline places by its own rule: depth controls and link pruning are not applied, so the
    // plan must not record them as if they were.
    minLayers: o.method === 'milp' ? o.minLayers : null,
    maxStages: o.method === 'milp' ? o.maxStages : null,
    keepLinks: o.method === 'milp' ? o.keepLinks : null,
    // How `separate` grouped the nodes: a fresh placement by the same method must group alike.
    ...(o.method === 'separate' ? { by: o.by ?? 'gpu' } : {}),
  };

  // Bounds hold for the unconstrained problem on the full cluster, hence for every plan we return.
  const bounds = bestBound(cluster);
  let bound: PlanBound = { value: bounds.value, source: bounds.source, all: { ...bounds.all } };
  log(`bounds: ${Object.entries(bounds.all).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ')}`);

  const best = new Incumbent(cluster, o, t0);
  const report = (phase: string) => o.onProgress?.({ elapsedSec: elapsed(), phase, incumbent: best.throughput, bound: bound.value });
  const done = () => best.throughput >= bound.value * (1 - o.gap) - 1e-9;

  // Pruning shrinks what the search and the MILP see; plans are still scored on every link.
  let work = cluster;
  let linksDropped = 0;

  if (o.method !== 'milp') {
    // A baseline is scored under its own rules (separate: no flow crosses groups), not re-routed.
    const b = runBaselineMethod(o.method as BaselineMethod, cluster, { by: o.by });
    best.accept(b.placement, b.flow, o.method);
    notes.push(b.note);
    return finish('heuristic');
  }

  if (o.keepLinks !== null) {
    const pruned = keepFastestLinks(cluster, o.keepLinks);
    work = pruned.cluster;
    linksDropped = pruned.dropped;
    log(`pruned to ${o.keepLinks} links per node: ${linksDropped} links dropped`);
  }

  // Whether any link can bind decides both the exact model and the search's constructions.
  const binding = findBindingLinks(work, bounds.all.compute ?? bounds.value);

  // The floor comes from the full cluster, as `helix compare` scores the baselines.
  baselines = o.baselines ?? runBaselines(cluster, { by: o.by });
  for (const b of baselines) {
    // A baseline's flow is the placement's max flow, except separate's, which keeps flow inside
    // its groups: re-scoring may find more there. (Seconds per baseline on 4,000 nodes.)
    const scored = b.method !== 'separate' && !o.partialInference ? b.flow : undefined;
    if (best.offer(b.placement, b.method, scored)) log(`floor from ${b.method}: ${best.throughput.toFixed(1)} tokens/s`);
  }
  // Classes of like machines split into pipelines of several depths: neither the baselines nor
  // the constructions build those, and the exact model can take minutes to.
  const piped = classPipelines(cluster, o);
  if (piped && best.offer(piped, 'class pipelines')) log(`floor from class pipelines: ${best.throughput.toFixed(1)} tokens/s`);
  report('baselines');
  if (o.maxStages !== null || o.minLayers !== null) {
    // Depth controls no placement can meet end the run at once, saying why; otherwise pipelines
    // built to meet them are a floor the constructions may take long to reach.
    const why = depthControlsInfeasible(cluster, o);
    if (why) {
      notes.push(`${INFEASIBLE_NOTE}${why}`);
      return finish('no-flow');
    }
    if (best.offerNested(depthChains(cluster, o), 'depth chains')) log(`floor from depth chains: ${best.throughput.toFixed(1)} tokens/s`);
  }

  // Small hub models are proved in about a second, so they go first; large ones get a search
  // burst first (the WASM solvers can spend minutes finding nothing) and a capped share of time.
  let status: PlanStatus | null = done() ? 'gap-reached' : null;
  const hub = status ? null : exactHubModel();
  const remainingSec = () => Math.max(0, (deadline - performance.now()) / 1000);
  if (hub && !o.signal?.aborted) {
    const integers = hub.variables.filter((v) => v.kind !== 'continuous').length;
    if (integers > SMALL_HUB_MODEL) status = await runSearch(0.3 * o.timeLimitSec);
    if (!status && !o.signal?.aborted) status = await solveHub(hub, 0.5 * remainingSec());
  }
  if (!status && !o.signal?.aborted && remainingSec() > 0) status = await runSearch(remainingSec());
  return finish(status ?? (o.signal?.aborted ? 'interrupted' : 'time-limit'));

  /** The hub model, when it is exact for this cluster (no link can bind) and not too large. */
  function exactHubModel(): HubModel | null {
    if (!binding.neverBind) {
      log(`links can bind (${binding.pairs.length}${binding.pairs.length >= 10_000 ? '+' : ''} pairs): using the search`);
      return null;
    }
    const model = buildHubModel(work, { cap: bounds.all.compute ?? bounds.value, minLayers: o.minLayers, maxStages: o.maxStages });
    for (const s of model.steps) log(`hub model step ${s.name}: +${s.variables} variables, +${s.rows} rows`);
    const integers = model.variables.filter((v) => v.kind !== 'continuous').length;
    if (integers > HUB_MODEL_MAX_INTEGERS) {
      notes.push(`hub MILP skipped: ${integers} integer variables`);
      return null;
    }
    return model;
  }

  async function solveHub(model: HubModel, timeLimitSec: number): Promise<PlanStatus | null> {
    if (timeLimitSec < 0.5) return null;
    report('milp');
    const solver = getSolver(o.solver);
    // The incumbent goes in as a MIP start where the backend takes one (HiGHS: its heuristics
    // work from it), else as an objective floor: the solver then looks only for something better.
    const start = solver.acceptsStart && best.throughput > 0 && !o.partialInference ? encodeHubStart(model, best.placement, best.flow.nodeFlow) : null;
    const floor = !start && best.throughput > 0 ? best.throughput * (1 + Math.max(o.gap, 1e-6)) : 0;
    const result = await solver.solve(floor > 0 ? withObjectiveFloor(model, floor) : model, {
      timeLimitSec,
      mipGap: o.gap,
      signal: o.signal,
      start: start ?? undefined,
    });
    log(`${o.solver}: ${result.status} in ${result.timeSec.toFixed(2)} s, objective ${result.objective === null || result.objective === undefined ? '-' : result.objective.toFixed(1)}${floor > 0 ? ` (floor ${floor.toFixed(1)})` : ''}${start ? ` (started from ${best.throughput.toFixed(1)})` : ''}`);
    if (result.status === 'optimal' || result.status === 'feasible') {
      best.offer(decodeHubSolution(work, model, result.values), `milp:${o.solver}`);
    }
    // A proved optimum, a dual bound or an infeasible floor bounds every plan of the problem the
    // model solves. Under --max-stages that is the depth-limited problem, so it must not replace
    // the bound reported for the unlimited one. GLPK's "optimal" means
    // within the requested MIP gap, so the proof is objective * (1 + gap).
    if (o.maxStages === null) {
      const proved =
        result.status === 'optimal' ? (result.objective ?? null) : result.status === 'infeasible' && floor > 0 ? floor : result.bound;
      if (proved !== null) {
        const value = Math.max(proved * (result.status === 'infeasible' ? 1 : 1 + o.gap), best.throughput);
        const all = { ...bound.all, solver: value };
        bound = value < bound.value ? { value, source: 'solver', all } : { ...bound, all };
      }
    }
    report('milp');
    // Under --max-stages the proof is for the depth-limited problem: searching on cannot beat it,
    // though the bound reported stays the unlimited one.
    if (o.maxStages !== null && (result.status === 'optimal' || (result.status === 'infeasible' && floor > 0))) {
      if (best.throughput > 0) notes.push(`optimal under --max-stages ${o.maxStages} (proved by the MILP); the bound is the unlimited problem's`);
      return 'optimal';
    }
    if (result.status === 'optimal' || (result.status === 'infeasible' && floor > 0)) return done() ? 'optimal' : null;
    return done() ? 'gap-reached' : null;
  }

  async function runSearch(seconds: number): Promise<PlanStatus | null> {
    report('search');
    const until = Math.min(deadline, performance.now() + seconds * 1000);
    let lastImprovement = performance.now();
    const stalled = () =>
      o.stallSec !== null &&
      performance.now() - lastImprovement > o.stallSec * 1000 &&
      best.throughput >= bound.value * (1 - (o.stallWithin ?? 1));
    const controller = new AbortController();
    const stop = () => controller.abort();
    o.signal?.addEventListener('abort', stop, { once: true });
    // Each improvement the search finds is re-scored on the whole cluster, which takes most of a
    // second on 4,000 nodes, where the annealing improves many times a second. An improvement may
    // then wait (the latest replacing the one before) until four times the last re-scoring's cost
    // has passed; the one still waiting when the search ends is re-scored then. Only where the
    // search scores as the re-scoring does: with pruned links, or depth checked on the whole
    // cluster's flow, a later improvement of the search may be worse there than the one it replaced.
    const mayWait = work === cluster && o.minLayers === null && o.maxStages === null;
    let pending: Placement | null = null;
    let offeredAt = -Infinity;
    let offerCost = 0;
    const offerPending = () => {
      if (!pending) return;
      const startedAt = performance.now();
      if (best.offer(pending, 'search')) lastImprovement = startedAt;
      pending = null;
      offeredAt = performance.now();
      offerCost = offeredAt - startedAt;
    };
    try {
      await searchPlacement(work, {
        seed: o.seed,
        timeLimitSec: Math.max(0, (until - performance.now()) / 1000),
        signal: controller.signal,
        minLayers: o.minLayers,
        maxStages: o.maxStages,
        partialInference: o.partialInference,
        linksNeverBind: binding.neverBind,
        initial: best.throughput > 0 ? [best.placement] : [],
        onImprove: (_t: number, placement: Placement) => {
          pending = placement;
          if (mayWait && performance.now() - offeredAt < 4 * offerCost) return;
          offerPending();
          report('search');
          if (done()) controller.abort();
          if (stalled()) controller.abort();
        },
        onTick: () => {
          if (pending && performance.now() - offeredAt >= 4 * offerCost) offerPending();
          report('search');
          if (done()) controller.abort();
          // An improvement still waiting is not a stall.
          if (!pending && stalled()) controller.abort();
        },
      });
      offerPending();
    } finally {
      o.signal?.removeEventListener('abort', stop);
    }
    if (o.signal?.aborted) return 'interrupted';
    if (done()) return 'gap-reached';
    if (stalled()) return 'stalled';
    return null;
  }

  function finish(status: PlanStatus): PlannerResult {
    const final: PlanStatus = best.throughput <= 0 ? 'no-flow' : status === 'gap-reached' && best.throughput >= bound.value * (1 - 1e-6) ? 'optimal' : status;
    if (best.throughput > 0) notes.push(`best plan found by ${best.source}`);
    return {
      placement: best.placement,
      throughput: best.throughput,
      flow: best.flow,
      status: final,
      bound,
      settings,
      stats: {
        wallTimeSec: elapsed(),
        timeToFirstSec: best.firstAt,
        timeToBestSec: best.bestAt,
        linksDropped,
        notes,
      },
      baselines,
    };
  }
}
