// `helix replan plan.json --cluster cluster.yaml --remove NODE ...`: re-plan after failures or
// joins, keeping most machines' weights where they are.

import type { CommandSpec } from './command.js';
import { colorFor, showProgress, statusLine } from './io.js';
import { progressLine } from './plan.js';
import { collect, parseFraction, parseNonNegativeInt, parsePositiveNumber, type CommonFlags, parseSeed } from './options.js';
import { writeFileAtomic } from './write-file.js';
import { loadCluster } from '../spec/cluster.js';
import { readPlan, serializePlan } from '../plan/io.js';
import type { Plan } from '../plan/types.js';
import type { Cluster } from '../spec/types.js';
import { assemblePlan, placementOf } from '../plan/assemble.js';
import { diffPlans } from '../plan/diff.js';
import { replanLeftOut, unlistedNodes, withoutNodes } from '../graph/extend.js';
import { checkServable } from '../spec/servable.js';
import { BASELINE_METHODS } from '../search/baselines/index.js';
import { replan } from '../search/replan.js';
import { DEFAULT_PLANNER_OPTIONS, type PlannerProgress } from '../search/planner.js';
import { bestBound } from '../search/bounds.js';
import { LEFT_OUT_WARNING, verifyPlan } from '../verify/verify.js';
import { formatDiff } from '../report/diff-text.js';
import { formatProblems } from '../report/problems.js';
import { percent, tokens } from '../report/format.js';
import { HelixError, usageError } from '../errors.js';
import { tryPredict, withDelivered } from '../delivered/attach.js';
import { workloadOfPlan } from '../delivered/workload.js';
import { embeddedRouting } from '../schedule/json.js';
import { invalidPlanError } from './invalid-plan.js';

interface ReplanFlags extends CommonFlags {
  readonly cluster?: string;
  readonly profiles?: string;
  readonly remove?: string[];
  readonly restore?: string[];
  readonly addFrom?: string;
  readonly maxMoves?: number;
  readonly tolerance: number;
  readonly timeLimit: number;
  readonly seed: number;
  readonly output?: string;
}

export const replanCommand: CommandSpec = {
  name: 'replan',
  summary: 're-plan after nodes fail, leave or join, moving as few weights as possible',
  args: [{ name: 'plan', description: 'the plan in force (JSON)', required: true }],
  options: [
    { flags: '-c, --cluster <file>', description: 'cluster spec of the plan in force (required)' },
    { flags: '-p, --profiles <dir>', description: 'profile folder (overrides the spec\'s `profiles:`)' },
    { flags: '--remove <node>', description: 'a node that failed or left (repeatable)', parse: collect },
    { flags: '--restore <node>', description: 'a node of the cluster spec that the plan in force leaves out (an earlier replan removed it) and that is back (repeatable)', parse: collect },
    { flags: '--add-from <file>', description: 'the cluster spec after the change (nodes matched by name; new ones join)' },
    { flags: '--max-moves <n>', description: 'at most n machines may load new layers', parse: parseNonNegativeInt('--max-moves') },
    { flags: '--tolerance <fraction>', description: 'accept the fewest moves within this fraction of the plan in force\'s max flow, or of a full re-plan where that is lower or machines join', parse: parseFraction('--tolerance'), defaultValue: 0.02 },
    { flags: '-t, --time-limit <seconds>', description: 'total planning time', parse: parsePositiveNumber('--time-limit'), defaultValue: 30 },
    { flags: '--seed <n>', description: 'search seed', parse: parseSeed(), defaultValue: 1 },
    { flags: '-o, --output <file>', description: 'write the new plan (atomically)' },
  ],
  examples: [
    'helix replan plan.json -c clusters/single24.yaml --remove a100-1 --remove a100-2 -o new.json',
    'helix replan plan.json -c clusters/geo3.yaml --add-from geo3-after.yaml --max-moves 4   # geo3-after.yaml: the spec once machines joined',
  ],
  async run(args, options, io) {
    const flags = options as unknown as ReplanFlags;
    if (!flags.cluster) throw usageError('missing-cluster', 'replan needs --cluster <file>: the cluster spec of the plan in force');
    const old = readPlan(args[0]);
    const before = loadCluster(flags.cluster, { profilesDir: flags.profiles });
    const check = verifyPlan(old, before, { planFile: args[0] });
    if (!check.valid) throw invalidPlanError(args[0], check, { subject: 'the plan in force', spec: flags.cluster });
    // What validate would warn of (a plan for a spec of another name, inputs edited since), as the
    // other commands that act on a plan say it. The nodes a replan left out get their own note below.
    if (!flags.quiet) for (const w of check.warnings.filter((x) => !x.startsWith(LEFT_OUT_WARNING))) io.err(`warning: ${args[0]}: ${w}\n`);
    let cluster = flags.addFrom ? loadCluster(flags.addFrom, { profilesDir: flags.profiles }) : before;
    if (cluster.model.id !== before.model.id) {
      throw usageError('model-mismatch', `--add-from ${flags.addFrom} serves ${cluster.model.id}, but the plan in force serves ${before.model.id}`, {
        expected: `a cluster spec for ${before.model.id}`,
      });
    }
    const names = new Map(cluster.nodes.map((node, i) => [node.name, i]));
    const removed = new Set<number>();
    for (const name of flags.remove ?? []) {
      const i = names.get(name);
      if (i === undefined) throw usageError('unknown-node', `--remove ${name}: no such node in the cluster`, { expected: 'a node name from the cluster spec' });
      removed.add(i);
    }
    // A node of the spec that the plan in force does not list was removed by an earlier replan
    // (the spec still names it: no one edits specs at 3 a.m.). Planning layers onto it again
    // would load weights onto a dead machine, so it stays out unless --restore says it is back.
    // Nodes that only --add-from's spec names are joining, not absent.
    const inPlan = new Set(old.nodes.map((node) => node.name));
    const absent = unlistedNodes(before, old).map((i) => before.nodes[i].name);
    for (const name of flags.restore ?? []) {
      if ((flags.remove ?? []).includes(name)) throw usageError('bad-option', `--restore ${name} and --remove ${name} contradict each other`, { expected: 'a node named by one of them' });
      if (!absent.includes(name)) throw usageError('unknown-node', `--restore ${name}: not a node of ${flags.cluster} that the plan in force leaves out`, { expected: absent.length > 0 ? `one of ${absent.join(', ')}` : 'nothing: the plan in force lists every node of the spec' });
    }
    const leftOut = absent.filter((name) => !(flags.restore ?? []).includes(name) && names.has(name));
    for (const name of leftOut) removed.add(names.get(name)!);
    // Only a replan leaves nodes of its spec out, and its input hash says which, unless the spec
    // changed since in other ways too; a plan made without them predates them in the spec.
    const proven = replanLeftOut(before, old).proven;
    const absentWhy = proven ? 'removed by an earlier replan' : old.settings.method === 'replan' ? 'removed by an earlier replan, or added to the spec since' : 'the plan in force was made without them: machines added to the spec since?';
    const leftOutNote = leftOut.length > 0 ? [`left out ${leftOut.join(', ')}: in ${flags.cluster} but not in the plan in force (${absentWhy}); --restore ${leftOut[0]} brings ${leftOut.length > 1 ? 'one' : 'it'} in`] : [];
    const gone = [...removed].map((i) => cluster.nodes[i].name);
    if (removed.size > 0) cluster = withoutNodes(cluster, removed);
    checkServable(cluster, { of: 'the changed cluster', without: gone, file: flags.addFrom ?? flags.cluster });
    // A node that is now another machine type (the spec says so) is new hardware under an old
    // name: it holds none of the layers the plan gave it, and loading them counts as a move.
    const planGpu = new Map(old.nodes.map((node) => [node.name, node.gpu]));
    const retyped = cluster.nodes.flatMap((node, i) => (planGpu.has(node.name) && planGpu.get(node.name) !== node.gpu ? [i] : []));
    const current = placementOf(old, cluster).map((r, i) => (retyped.includes(i) ? null : r));
    const retypedNote = retyped.length > 0 ? [`${retyped.map((i) => cluster.nodes[i].name).join(', ')}: another machine type than in the plan in force (${[...new Set(retyped.map((i) => `${planGpu.get(cluster.nodes[i].name)} -> ${cluster.nodes[i].gpu}`))].join(', ')}): new hardware, holding no layers until it loads them`] : [];
    // Machines that join or come back are there to be used (the full re-plan is the reference); otherwise the
    // moves aim to keep what the plan in force carried, not to chase a full re-plan's flow: a
    // plan made for delivered throughput, a baseline placement, or a replan of either gave up
    // max flow on purpose, and a replan is for recovering, not for re-planning.
    const joined = retyped.length > 0 || cluster.nodes.some((node) => !inPlan.has(node.name));
    const keepFlow = joined ? null : old.throughput;
    const aimedElsewhere = old.settings.objective === 'delivered' || (BASELINE_METHODS as readonly string[]).includes(old.settings.method);
    const unchanged = !flags.addFrom && (flags.remove ?? []).length === 0 && (flags.restore ?? []).length === 0 && old.cluster.inputHash === (leftOut.length > 0 ? cluster.inputHash : before.inputHash);
    const unchangedNote = unchanged ? ['nothing changed since the plan in force was made (no node removed, restored or added; the same spec and profiles)'] : [];
    const controller = new AbortController();
    const release = io.onInterrupt?.(() => controller.abort());
    const status = statusLine(io);
    const progress = showProgress(io, flags.quiet) ? { onProgress: (p: PlannerProgress) => status.show(progressLine(p)) } : {};
    const r = await replan(cluster, current, {
      // The plan in force's own controls hold for its successor (the verifier checks them).
      planner: {
        ...DEFAULT_PLANNER_OPTIONS,
        timeLimitSec: flags.timeLimit,
        seed: flags.seed,
        signal: controller.signal,
        minLayers: old.settings.minLayers,
        maxStages: old.settings.maxStages,
        keepLinks: old.settings.keepLinks,
        partialInference: old.settings.partialInference,
        ...progress,
      },
      maxMoves: flags.maxMoves ?? null,
      tolerance: flags.tolerance,
      keepFlow,
    }).finally(() => {
      status.clear();
      release?.();
    });
    const bounds = bestBound(cluster);
    const draft = assemblePlan({
      cluster,
      placement: r.placement,
      // Replanning keeps Helix's objective whatever the plan in force was made for (see the note).
      // `by` belongs to separate placements; a replan is not one.
      settings: { ...withoutBy(old.settings), method: 'replan', timeLimitSec: flags.timeLimit, seed: flags.seed, objective: 'maxflow' },
      // Stopped by Ctrl-C, it says so, as `plan` does: a file that looks finished is not one.
      status: r.throughput > 0 ? (controller.signal.aborted ? 'interrupted' : 'heuristic') : 'no-flow',
      bound: { value: Math.max(bounds.value, r.full.bound.value >= r.throughput ? Math.min(bounds.value, r.full.bound.value) : bounds.value), source: bounds.source, all: bounds.all },
      stats: {
        wallTimeSec: r.full.stats.wallTimeSec,
        timeToFirstSec: null,
        timeToBestSec: null,
        linksDropped: 0,
        notes: [`${r.moves} machine(s) load new layers; full re-plan: ${r.full.throughput.toFixed(1)} tokens/s; untouched: ${r.untouched.toFixed(1)} tokens/s`],
      },
    });
    // Notes the user should see beside the diff (also kept in the plan's own notes).
    const why = old.settings.objective === 'delivered' ? 'it was made for delivered throughput' : aimedElsewhere ? `it is a ${old.settings.method} placement` : '`helix plan` on the changed cluster plans afresh';
    const keptNote = keepFlow !== null && r.reference < r.full.throughput * (1 - 1e-9) ? [`moves aimed to keep the plan in force's own max flow (${tokens(r.reference)} tokens/s), not a full re-plan's (${tokens(r.full.throughput)}): ${why}`] : [];
    const notes = [...unchangedNote, ...leftOutNote, ...retypedNote, ...keptNote, ...(old.settings.objective === 'delivered' && r.throughput > 0 ? [deliveredReplanNote(before, old, cluster, draft)] : []), ...(cluster.inputNotes ?? [])];
    // Like every saved plan: routing tables for the runtime, then what the placement is predicted to deliver.
    const { stats, ...head } = draft;
    // Predicted for the requests the plan in force was made for (its settings carry the name on).
    const plan = withDelivered(cluster, { ...head, routing: embeddedRouting(cluster, draft), stats: { ...stats, notes: [...stats.notes, ...notes] } }, workloadOfPlan(old).model);
    const verdict = verifyPlan(plan, cluster);
    if (!verdict.valid) {
      io.err(`helix: the new plan failed verification and was not written:\n${formatProblems(verdict.problems)}\n`);
      return 1;
    }
    // Like `plan`, a re-plan that carries nothing is reported but never saved over the plan in force.
    if (flags.output && r.throughput > 0) writeFileAtomic(flags.output, serializePlan(plan));
    const diff = diffPlans(old, plan);
    const kept = r.full.throughput > 0 ? r.throughput / r.full.throughput : 0;
    if (flags.json) {
      io.out(`${JSON.stringify({ throughput: r.throughput, fullReplan: r.full.throughput, reference: r.reference, untouched: r.untouched, kept, moves: r.moves, notes, diff, plan }, null, 2)}\n`);
    } else if (r.throughput > 0) {
      const c = colorFor(io, flags.color);
      io.out(formatDiff(diff, { color: c }));
      const share = r.full.throughput > 0 ? ` = ${percent(kept)} of a full re-plan (${tokens(r.full.throughput)})` : ' (a full re-plan finds no flow either)';
      io.out(`${c.bold('Re-plan:')} ${tokens(r.throughput)} tokens/s with ${r.moves} machine(s) loading layers${share}; doing nothing keeps ${tokens(r.untouched)} tokens/s.\n`);
      for (const note of notes) io.out(`${c.dim('note:')} ${note}\n`);
      if (flags.output && !flags.quiet) io.err(`wrote ${flags.output}\n`);
    } else {
      // Nothing to apply: no diff towards a plan that serves nothing, only what was tried.
      const c = colorFor(io, flags.color);
      for (const note of notes) io.out(`${c.dim('note:')} ${note}\n`);
    }
    if (!(r.throughput > 0)) {
      // A cap on moves can be what leaves nothing flowing; the user then needs the figure that lifting it gives.
      const why =
        r.full.throughput > 0 && flags.maxMoves !== undefined
          ? `with at most ${flags.maxMoves} machine(s) loading new layers, no placement carries any flow; a full re-plan carries ${tokens(r.full.throughput)} tokens/s (raise --max-moves)`
          : 'no placement of the changed cluster carries any flow from the coordinator through all layers and back';
      io.err(`helix: ${why}${flags.output ? `; ${flags.output} was not written` : ''}\n`);
      return 1;
    }
    return 0;
  },
};

/**
 * Replanning moves few weights for max flow; a plan in force made for delivered throughput may
 * lose more of what it serves than of its flow, so the note gives both predictions.
 */
function deliveredReplanNote(before: Cluster, old: Plan, after: Cluster, next: Plan): string {
  const workload = workloadOfPlan(old).model;
  const was = tryPredict(before, old, workload);
  const now = tryPredict(after, next, workload);
  const figures = typeof was === 'string' || typeof now === 'string' ? '' : ` (predicted to serve ${tokens(now.throughput)} tokens/s, against ${tokens(was.throughput)} before the change)`;
  return `the plan in force was made for --objective delivered; replan keeps few moves for max flow${figures}: \`helix plan --objective delivered\` on the changed cluster plans for tokens/s served`;
}

function withoutBy(settings: Plan['settings']): Plan['settings'] {
  const { by: _by, ...rest } = settings;
  return rest;
}
