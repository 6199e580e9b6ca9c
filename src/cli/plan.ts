// `helix plan cluster.yaml`: load, plan, verify, print or save.

import type { CommandSpec } from './command.js';
import { colorFor, showProgress, statusLine, type Io } from './io.js';
import {
  parseChoice,
  parseFraction,
  parsePositiveInt,
  parsePositiveNumber,
  parseSeed,
  type CommonFlags,
} from './options.js';
import { writeFilesAtomic } from './write-file.js';
import { loadCluster } from '../spec/cluster.js';
import { INFEASIBLE_NOTE, planCluster, PLAN_METHODS, type PlannerOptions, type PlannerProgress } from '../search/planner.js';
import { assemblePlan } from '../plan/assemble.js';
import { serializePlan } from '../plan/io.js';
import type { Plan, PlanMethod } from '../plan/types.js';
import { deliveredStatus } from '../delivered/status.js';
import { verifyPlan, type VerifyReport } from '../verify/verify.js';
import type { Cluster } from '../spec/types.js';
import { formatPlan } from '../report/plan-table.js';
import { renderSvg } from '../report/svg.js';
import { embeddedRouting } from '../schedule/json.js';
import { formatProblems } from '../report/problems.js';
import { percent, tokens } from '../report/format.js';
import { solverNames } from '../solvers/index.js';
import { HelixError, usageError } from '../errors.js';
import { NO_PREDICTION, withDelivered } from '../delivered/attach.js';
import { chosenSimulation, DEFAULT_OBJECTIVE, OBJECTIVES, planForDelivered, type Objective } from '../delivered/objective.js';
import { MAX_THREADS } from '../delivered/parallel-search.js';
import { bestServingBaseline, maxFlowHint } from '../delivered/hint.js';
import { checkWorkloadFits, DEFAULT_WORKLOAD, parseWorkloadName, planningWorkload } from '../delivered/workload.js';
import { BUNDLED_TRACES } from '../spec/workload-name.js';

interface PlanFlags extends CommonFlags {
  readonly profiles?: string;
  readonly output?: string;
  readonly timeLimit: number;
  readonly gap: number;
  readonly stall?: number;
  readonly stallWithin?: number;
  readonly solver: string;
  readonly method: PlanMethod;
  readonly seed: number;
  readonly partialInference?: boolean;
  readonly minLayers?: number;
  readonly maxStages?: number;
  readonly keepLinks?: number;
  readonly by?: 'gpu' | 'region';
  readonly verbose?: boolean;
  readonly svg?: string;
  readonly objective?: Objective;
  readonly threads?: number;
  readonly workload?: string;
}

export const planOptions = [
  { flags: '-p, --profiles <dir>', description: 'profile folder (overrides the spec\'s `profiles:`)' },
  { flags: '-o, --output <file>', description: 'write the JSON plan to this file (atomically)' },
  { flags: '-t, --time-limit <seconds>', description: 'stop searching after this long and return the best verified plan', parse: parsePositiveNumber('--time-limit'), defaultValue: 60 },
  { flags: '--gap <fraction>', description: 'stop once the plan is within this relative gap of the upper bound', parse: parseFraction('--gap'), defaultValue: 0.0001 },
  { flags: '--stall <seconds>', description: 'with --objective maxflow: stop after this long without improvement (see --stall-within)', parse: parsePositiveNumber('--stall') },
  { flags: '--stall-within <fraction>', description: 'count --stall only once within this gap of the bound (Helix used 0.05; default: any gap)', parse: parseFraction('--stall-within') },
  { flags: '--solver <name>', description: `MILP backend: ${solverNames().join(', ')}`, parse: parseChoice('--solver', solverNames()), defaultValue: 'glpk' },
  { flags: '-m, --method <name>', description: `placement method: ${PLAN_METHODS.join(', ')}`, parse: parseChoice('--method', PLAN_METHODS), defaultValue: 'milp' },
  { flags: '--seed <n>', description: 'seed for the randomised search (the same seed makes the same moves; a run that ends at its time limit also depends on how far the machine got)', parse: parseSeed(), defaultValue: 1 },
  { flags: '--partial-inference', description: 'let a node skip layers the previous node already ran (off, as in Helix\'s runs)' },
  { flags: '--min-layers <k>', description: 'every node used holds at least k layers (fewer, deeper-or-shallower stages)', parse: parsePositiveInt('--min-layers') },
  { flags: '--max-stages <n>', description: 'at most n stages on any source-to-sink path (latency control)', parse: parsePositiveInt('--max-stages') },
  { flags: '--by <grouping>', description: 'with --method separate: group nodes by gpu (default) or region', parse: parseChoice('--by', ['gpu', 'region'] as const) },
  { flags: '--keep-links <n>', description: 'with --objective maxflow: keep only each node\'s n fastest links (coordinator links stay), as Helix does on big clusters', parse: parsePositiveInt('--keep-links') },
  { flags: '--threads <n>', description: 'with --objective delivered: searches of the delivered model, and simulations of the final search, run at once, one per CPU core (default: the cores, at most 4)', parse: parsePositiveInt('--threads', MAX_THREADS) },
  { flags: '--objective <name>', description: 'delivered: the plan predicted to serve the most tokens/s once KV-cache room and per-stage latency count, finalists confirmed by a short simulation; maxflow: Helix\'s objective, the most tokens/s the graph carries (a proved bound and gap)', parse: parseChoice('--objective', OBJECTIVES), defaultValue: DEFAULT_OBJECTIVE },
  { flags: '--workload <name>', description: `the requests to plan for and predict: ${BUNDLED_TRACES.join(', ')} (lengths sampled from that trace), or IN:OUT fixed lengths such as 1500:100`, parse: parseWorkloadName, defaultValue: DEFAULT_WORKLOAD },
  { flags: '--svg <file>', description: 'also draw the plan as an SVG picture' },
  { flags: '-v, --verbose', description: 'print model sizes and search phases on stderr' },
] as const;

export function plannerOptionsFrom(flags: PlanFlags): Omit<PlannerOptions, 'signal' | 'onProgress' | 'log'> {
  return {
    method: flags.method,
    solver: flags.solver,
    timeLimitSec: flags.timeLimit,
    gap: flags.gap,
    stallSec: flags.stall ?? null,
    stallWithin: flags.stallWithin,
    seed: flags.seed,
    partialInference: Boolean(flags.partialInference),
    minLayers: flags.minLayers ?? null,
    maxStages: flags.maxStages ?? null,
    keepLinks: flags.keepLinks ?? null,
    by: flags.by,
    threads: flags.threads,
    workload: flags.workload,
  };
}

/** The progress line of a planning run (plan, compare): its phase and figures, no bound before one is known. */
export function progressLine(p: PlannerProgress): string {
  if (p.predicted) return `  ${p.elapsedSec.toFixed(1)}s  ${p.phase.padEnd(10)} best ${tokens(p.incumbent)} tokens/s ${p.simulated ? 'simulated' : 'predicted'} served`;
  const best = `  ${p.elapsedSec.toFixed(1)}s  ${p.phase.padEnd(10)} best ${p.incumbent > 0 ? tokens(p.incumbent) : '-'} tokens/s`;
  return p.bound > 0 ? `${best}  bound ${tokens(p.bound)}  gap ${percent(Math.max(0, (p.bound - p.incumbent) / p.bound), 2)}` : best;
}

export interface PlanOutcome {
  readonly plan: Plan;
  readonly verification: VerifyReport;
  readonly cluster: Cluster;
}

/**
 * The model's load pace and convoys were fitted on azure-conv requests; on prompt-heavy ones it
 * under-predicts (bench/delivered with azure-code: 6-41% below the simulator offline), so a plan
 * for other requests says how far to trust its `delivered` figures.
 */
export const OTHER_WORKLOAD_NOTE =
  'the delivered model was fitted on azure-conv requests; for other requests its prediction is rougher (azure-code: 6-41% below the simulated figure on the bundled clusters; docs/delivered.md, "Other workloads"), and `helix simulate` on this plan uses the same requests';

/** Flags of the MILP planner that a baseline method would otherwise record in its plan but ignore. */
const MILP_ONLY_FLAGS = [
  ['minLayers', '--min-layers'],
  ['maxStages', '--max-stages'],
  ['keepLinks', '--keep-links'],
  ['stall', '--stall'],
  ['stallWithin', '--stall-within'],
  ['threads', '--threads'],
  // Baselines route their placements without it: a petals plan recorded it and carried 532 where its placement allows 952.
  ['partialInference', '--partial-inference'],
] as const;

/** Flags with defaults that only the planner reads: refused with a baseline when typed. */
const MILP_ONLY_DEFAULTED = [
  ['objective', '--objective'],
  ['solver', '--solver'],
  ['gap', '--gap'],
] as const;

/** --stall-within without --stall would do nothing (`plan` and `compare`). */
export function checkStallFlags(flags: { readonly stall?: number; readonly stallWithin?: number }): void {
  if (flags.stallWithin !== undefined && flags.stall === undefined) {
    throw usageError('flag-needs-stall', '--stall-within says when --stall starts counting; without --stall it does nothing', { expected: '--stall <seconds> with it, or neither' });
  }
}

/**
 * The delivered search ends its own runs when they stop improving, and scores every link: --stall
 * and --keep-links only reached its max-flow sub-runs, and were recorded as if honoured (`plan`
 * and `compare`, whose delivered row is that plan).
 */
export function checkDeliveredFlags(flags: { readonly objective?: string; readonly stall?: number; readonly keepLinks?: number }): void {
  if (flags.objective !== 'delivered') return;
  if (flags.stall !== undefined) {
    throw usageError('flag-needs-maxflow', '--stall stops the max-flow search once it stops improving; --objective delivered ends its searches on its own when their runs stop improving', { expected: '--objective maxflow with it, or neither' });
  }
  if (flags.keepLinks !== undefined) {
    throw usageError('flag-needs-maxflow', '--keep-links prunes the links the max-flow search sees; --objective delivered scores layouts on every link', { expected: '--objective maxflow with it, or neither' });
  }
}

/** Refuses flag combinations that would be silently ignored (and then recorded as if honoured). */
function checkMethodFlags(flags: PlanFlags, given: ReadonlySet<string> = new Set()): void {
  if (flags.method !== 'milp') {
    const typed = [...MILP_ONLY_FLAGS.filter(([key]) => flags[key] !== undefined), ...MILP_ONLY_DEFAULTED.filter(([key]) => given.has(key))];
    if (typed.length > 0) {
      throw usageError('flag-needs-milp', `${typed[0][1]} applies to the planner (--method milp); --method ${flags.method} places layers by its own rule and would ignore it`);
    }
  }
  checkStallFlags(flags);
  if (flags.method === 'milp') checkDeliveredFlags(flags);
  if (flags.threads !== undefined && flags.method === 'milp' && flags.objective === 'maxflow') {
    throw usageError('flag-needs-delivered', '--threads sets the searches of --objective delivered; --objective maxflow runs one MILP search');
  }
  if (flags.by !== undefined && flags.method !== 'separate') {
    throw usageError('flag-needs-separate', `--by groups nodes for --method separate only (the method is ${flags.method})`);
  }
}

/** Plans and verifies: the whole of `helix plan` but printing and writing. */
export async function runPlan(file: string, flags: PlanFlags, io: Io, given?: ReadonlySet<string>): Promise<PlanOutcome> {
  checkMethodFlags(flags, given);
  const cluster = loadCluster(file, { profilesDir: flags.profiles });
  const progress = showProgress(io, flags.quiet);
  const controller = new AbortController();
  const release = io.onInterrupt?.(() => controller.abort());
  const status = statusLine(io);
  try {
    const plannerOptions = {
      ...plannerOptionsFrom(flags),
      signal: controller.signal,
      onProgress: progress ? (p: PlannerProgress) => status.show(progressLine(p)) : undefined,
      log: flags.verbose && !flags.quiet ? (line: string) => status.log(line) : undefined,
    };
    // With --objective delivered the planner runs several times under depth controls and the
    // delivered-throughput model (then a short simulation) picks; baselines have nothing to re-rank.
    const searched = flags.method === 'milp';
    const asked = searched ? (flags.objective ?? DEFAULT_OBJECTIVE) : undefined;
    const workload = planningWorkload(flags.workload);
    const tooLongNote = checkWorkloadFits(workload, cluster.model);
    const started = performance.now();
    const choice = asked === 'delivered' ? await planForDelivered(cluster, plannerOptions) : null;
    // What the plan was really made for: delivered falls back to max flow where nothing can be predicted.
    const objective = choice ? choice.objective : asked;
    const result = choice ? choice.chosen.result : await planCluster(cluster, plannerOptions);
    // The tables follow; the last progress figures are in them.
    status.clear();
    // The whole run, not the winning candidate's share of it: its status and the time it records.
    const wallSec = (performance.now() - started) / 1000;
    const assembled = assemblePlan({
      cluster,
      placement: result.placement,
      // A delivered plan records what the user asked for, not the depth controls or time share of
      // whichever candidate won.
      // Every plan records the requests its prediction (and a delivered plan's search) assumed.
      settings: choice
        ? { ...choice.candidates[0].result.settings, timeLimitSec: plannerOptions.timeLimitSec, objective, workload: workload.name }
        : { ...result.settings, ...(objective ? { objective } : {}), workload: workload.name },
      // A delivered plan took the whole run, not the winning candidate's share of it, and a
      // Ctrl-C during the later phases interrupted it whatever that candidate's own run reported.
      // A run that fell back to max flow (no timings) keeps the max-flow search's own status.
      status: choice?.objective === 'delivered' ? deliveredStatus(result.status, controller.signal.aborted, wallSec, plannerOptions.timeLimitSec) : choice && controller.signal.aborted ? 'interrupted' : result.status,
      bound: result.bound,
      stats: choice ? { ...result.stats, wallTimeSec: wallSec } : result.stats,
      flow: result.flow,
    });
    // Routing sits before stats so the key order stays fixed for diffs.
    const { stats, ...head } = assembled;
    const notes = [...stats.notes, ...(choice?.notes ?? []), ...(workload.name === DEFAULT_WORKLOAD ? [] : [OTHER_WORKLOAD_NOTE]), ...(tooLongNote ? [tooLongNote] : []), ...(cluster.inputNotes ?? [])];
    const predictedOrNot = withDelivered(cluster, { ...head, routing: embeddedRouting(cluster, assembled), stats: { ...stats, notes } }, workload.model);
    // A delivered run that fell back to max flow for want of timings has said why already.
    const attached = choice?.objective === 'maxflow' ? { ...predictedOrNot, stats: { ...predictedOrNot.stats, notes: predictedOrNot.stats.notes.filter((n) => !n.startsWith(NO_PREDICTION)) } } : predictedOrNot;
    // The figure the planner chose by is kept beside the model's, where a simulation ran.
    const simulated = choice && attached.delivered ? chosenSimulation(choice) : null;
    const predicted: Plan = simulated ? { ...attached, delivered: { ...attached.delivered!, simulated } } : attached;
    // A max-flow plan that a shallow baseline out-serves says so (the delivered objective already compared them).
    const hint = !choice && result.baselines && predicted.delivered ? maxFlowHint(predicted.delivered.throughput, bestServingBaseline(cluster, result.baselines, plannerOptions, workload.model)) : null;
    const plan: Plan = hint ? { ...predicted, stats: { ...predicted.stats, notes: [...predicted.stats.notes, hint] } } : predicted;
    return { plan, verification: verifyPlan(plan, cluster), cluster };
  } finally {
    // Also when planning fails: the error is printed on a line of its own.
    status.clear();
    release?.();
  }
}

export const planCommand: CommandSpec = {
  name: 'plan',
  summary: 'place layers on nodes and route the flow; print tables or write a JSON plan',
  args: [{ name: 'cluster', description: 'cluster spec (YAML)', required: true }],
  options: planOptions,
  examples: [
    'helix plan clusters/single24.yaml                       # tables on the terminal',
    'helix plan clusters/single24.yaml --json > plan.json    # JSON only on stdout',
    'helix plan clusters/geo3.yaml -o plan.json --time-limit 60 --gap 0.01',
    'helix plan clusters/single24.yaml --max-stages 12       # shallower pipelines (9 is the least single24 allows)',
    'helix plan clusters/single24.yaml --objective maxflow   # Helix\'s objective: max flow, proved bound',
  ],
  async run(args, options, io, given) {
    const flags = options as unknown as PlanFlags;
    const { plan, verification } = await runPlan(args[0], flags, io, given);
    if (!verification.valid) {
      // Never print or save a plan the independent check rejects.
      io.err(`helix: the plan failed verification and was not written:\n${formatProblems(verification.problems)}\n`);
      return 1;
    }
    const text = serializePlan(plan);
    // A plan that carries nothing is shown (the table says why) but never saved: an `-o` path
    // may hold the plan in force, and a script that ignores the exit code would deploy nothing.
    const save = plan.throughput > 0;
    // Both outputs or neither: a plan file beside a stale drawing (or the reverse) misleads.
    const outputs = save ? [...(flags.output ? [{ path: flags.output, content: text }] : []), ...(flags.svg ? [{ path: flags.svg, content: renderSvg(plan) }] : [])] : [];
    writeFilesAtomic(outputs);
    if (!flags.quiet && !flags.json) for (const o of outputs) io.err(`wrote ${o.path}\n`);
    if (flags.json) io.out(text);
    else io.out(formatPlan(plan, { color: colorFor(io, flags.color), width: io.stdoutColumns }));
    if (plan.throughput <= 0) {
      const why = plan.stats.notes.find((n) => n.startsWith(INFEASIBLE_NOTE))?.slice(INFEASIBLE_NOTE.length);
      const unsaved = flags.output ? ` (${flags.output} was not written)` : '';
      throw new HelixError('no-flow', 'infeasible', `${why ? `no placement can meet the depth controls: ${why}` : 'no placement found carries any flow from the coordinator through all layers and back'}${unsaved}`, {
        file: args[0],
      });
    }
    return 0;
  },
};
