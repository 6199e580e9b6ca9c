// The delivered-throughput benchmark: node dist/bench/delivered.js [--quick] [--plan-time S] [--workload W] [--json FILE]
// On single24, geo3 and hetero42: the max-flow plan, the `--objective delivered` plan and the
// baseline placements, each simulated on the same request streams (offline, and online at one
// rate), beside the model's prediction for the same run. Ends with the issue's targets, checked.

import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Table from 'cli-table3';
import { loadCluster } from '../src/spec/cluster.js';
import type { Cluster } from '../src/spec/types.js';
import { DEFAULT_PLANNER_OPTIONS } from '../src/search/planner.js';
import { BASELINE_METHODS, runBaselineMethod } from '../src/search/baselines/index.js';
import { assemblePlan } from '../src/plan/assemble.js';
import type { Plan } from '../src/plan/types.js';
import { drainedInWindow, simulate, type SimReport } from '../src/sim/simulate.js';
import { generateRequests, type LengthSpec, type RequestStream } from '../src/sim/requests.js';
import { BUNDLED_TRACES, loadArrivals } from '../src/sim/traces.js';
import { predictDelivered, workloadOf, type Workload } from '../src/delivered/model.js';
import { DEFAULT_WORKLOAD, planningWorkload } from '../src/delivered/workload.js';
import { confirmCount, planForDelivered } from '../src/delivered/objective.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const flag = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
// The issue's "default plan" is what `helix plan` gives with no flags: the default time limit.
const planTime = Number(flag('--plan-time') ?? (quick ? 8 : DEFAULT_PLANNER_OPTIONS.timeLimitSec));
const clusters = (flag('--clusters') ?? 'single24,geo3,hetero42').split(',');
const jsonOut = flag('--json');
const log = (line: string) => process.stderr.write(`bench-delivered: ${line}\n`);

// The requests planned for and simulated (`helix plan --workload`; default azure-conv). Online
// arrivals follow the trace's own pattern, azure-conv's for fixed lengths.
const planning = planningWorkload(flag('--workload') ?? DEFAULT_WORKLOAD);
const lengths: LengthSpec = planning.lengths;
const workload = planning.model;
const arrivalsTrace = (BUNDLED_TRACES as readonly string[]).includes(planning.name) ? planning.name : DEFAULT_WORKLOAD;
// Offline: enough requests that every plan still has a queue when the window ends (the planner's
// rule for its confirming runs). With a fixed 1,500, hetero42's best plans ran out of work near 800 s (163 requests left against 259 in
// flight) and the window counted their drain: 1,607 tokens/s against 1,689 once saturated.
const offlineFloor = quick ? 800 : 1500;
const offlineWindow = { warmupSec: 200, untilSec: quick ? 500 : 800 };
const onlineSec = quick ? 600 : 1200;
// Online throughput is measured in steady state, over the arrival window after a warm-up, and
// compared with what the stream itself offers in that window (its own arrivals and lengths): a
// slice of a bursty trace with ~130 sampled lengths offers up to 20% more or less than the
// nominal rate, and a run measured to its drain divides by time when nothing arrives. The stream
// is long because an overloaded deep plan keeps a request for 500 s and more: over a shorter one
// its caches are still filling and the window counts mostly prompts (docs/delivered.md).
const onlineWindow = { warmupSec: quick ? 150 : 300, untilSec: onlineSec };
// Offline figures are the mean over several request streams: on one stream a plan's figure moves
// by a few per cent with which requests fall in the window (single24's default plan: 722 on
// stream 11, 744 the mean of four), as much as the 1.2x target's margin. Seeds 11, 3, 13 and 23
// are streams the planner's confirming runs never use.
const offlineSeeds = quick ? [11] : [11, 3, 13, 23];

/** Requests/s and mean lengths of the requests that arrive inside the window. */
function offeredIn(stream: RequestStream, w: { warmupSec: number; untilSec: number }): { rate: number; workload: Workload } {
  const inside: number[] = [];
  for (let i = 0; i < stream.arrival.length; i++) if (stream.arrival[i] >= w.warmupSec && stream.arrival[i] < w.untilSec) inside.push(i);
  return {
    rate: inside.length / (w.untilSec - w.warmupSec),
    workload: workloadOf(inside.map((i) => stream.input[i]), inside.map((i) => stream.output[i])),
  };
}

const fmt = (x: number, d = 0) => (Number.isFinite(x) ? x.toFixed(d) : '-');
const msx = (s: number) => (s > 0 ? (s * 1000).toFixed(0) : '-');
const err = (pred: number, sim: number) => (sim > 0 ? pred / sim - 1 : NaN);
const pct = (x: number) => (Number.isFinite(x) ? `${x >= 0 ? '+' : ''}${(100 * x).toFixed(0)}%` : '-');

/** The mean of several runs' figures: what the offline table and the targets read. */
interface MeanFigures {
  readonly throughput: { readonly prompt: number; readonly decode: number; readonly total: number };
  readonly ttft: { readonly mean: number; readonly p95: number };
  readonly tpot: { readonly mean: number; readonly p95: number };
  readonly inFlight: number;
  /** All-token tokens/s of each run, in stream order. */
  readonly perStream: readonly number[];
}

function meanOf(runs: readonly SimReport[]): MeanFigures {
  const avg = (f: (r: SimReport) => number) => runs.reduce((sum, r) => sum + f(r), 0) / runs.length;
  return {
    throughput: { prompt: avg((r) => r.throughput.prompt), decode: avg((r) => r.throughput.decode), total: avg((r) => r.throughput.total) },
    ttft: { mean: avg((r) => r.ttft.mean), p95: avg((r) => r.ttft.p95) },
    tpot: { mean: avg((r) => r.tpot.mean), p95: avg((r) => r.tpot.p95) },
    inFlight: avg((r) => r.meanInFlight),
    perStream: runs.map((r) => r.throughput.total),
  };
}

interface Row {
  cluster: string;
  plan: string;
  depth: number;
  maxFlow: number;
  offline: { sim: MeanFigures; predicted: number };
  /** Latencies from the run to its end; throughput from the steady-state window. */
  online: { sim: SimReport; window: SimReport; predicted: number };
}

function brief(r: SimReport) {
  return { throughput: r.throughput, ttft: r.ttft, tpot: r.tpot, inFlight: r.meanInFlight, finished: r.requests.finished, rejected: r.requests.rejected };
}

async function benchCluster(name: string): Promise<Row[]> {
  const cluster: Cluster = loadCluster(join(root, 'clusters', `${name}.yaml`));
  log(`${name}: planning (the default, --objective delivered, ${planTime} s, max-flow run included)`);
  const choice = await planForDelivered(cluster, { ...DEFAULT_PLANNER_OPTIONS, timeLimitSec: planTime, workload: planning.name });
  const plans: [string, Plan][] = [
    ['delivered', choice.chosen.plan],
    ['max flow', choice.candidates[0].plan],
  ];
  for (const method of BASELINE_METHODS) {
    const b = runBaselineMethod(method, cluster);
    if (b.throughput <= 0) continue;
    const settings = { ...DEFAULT_PLANNER_OPTIONS, method, solver: 'none', timeLimitSec: 0, maxStages: null, minLayers: null, keepLinks: null, gap: 0, seed: 0, partialInference: false };
    plans.push([method, assemblePlan({ cluster, placement: b.placement, flow: b.flow, settings, status: 'heuristic', bound: { value: b.throughput, source: 'baseline', all: {} }, stats: { wallTimeSec: b.timeSec, timeToFirstSec: null, timeToBestSec: null, linksDropped: 0, notes: [b.note] } })]);
  }
  log(`${name}: ${choice.notes.join(' ')}`);
  const offlineCount = Math.max(offlineFloor, confirmCount(plans.map(([, plan]) => predictDelivered(cluster, plan, workload)), offlineWindow.untilSec));
  const offline: RequestStream[] = offlineSeeds.map((seed) => generateRequests({ kind: 'offline', count: offlineCount }, lengths, seed));
  // One online rate for every plan: 60% of what the max-flow plan is predicted to deliver.
  const maxflowPred = predictDelivered(cluster, plans[1][1], workload);
  const rate = (0.6 * maxflowPred.throughput) / (workload.input + workload.output);
  const online: RequestStream = generateRequests({ kind: 'trace', trace: loadArrivals(arrivalsTrace), rate, durationSec: onlineSec }, lengths, 12);
  const offered = offeredIn(online, onlineWindow);
  const rows: Row[] = [];
  for (const [label, plan] of plans) {
    log(`${name}: simulating ${label}`);
    const offRuns = offline.map((requests) => simulate(cluster, plan, { requests, ...offlineWindow }));
    if (offRuns.some(drainedInWindow)) log(`${name}: WARNING ${label} ran out of offline requests inside the window; its offline figures understate it`);
    const on = simulate(cluster, plan, { requests: online });
    const onWindow = simulate(cluster, plan, { requests: online, ...onlineWindow });
    rows.push({
      cluster: name,
      plan: label,
      depth: plan.depth,
      maxFlow: plan.throughput,
      offline: { sim: meanOf(offRuns), predicted: predictDelivered(cluster, plan, workload).throughput },
      online: { sim: on, window: onWindow, predicted: predictDelivered(cluster, plan, offered.workload, { requestRate: offered.rate }).throughput },
    });
  }
  process.stdout.write(
    `${name}: offline ${offline[0].description}${offline.length > 1 ? `, mean of ${offline.length} streams (seeds ${offlineSeeds.join(', ')})` : ''} (window ${offlineWindow.warmupSec}-${offlineWindow.untilSec} s); online ${online.description} ` +
      `(throughput over ${onlineWindow.warmupSec}-${onlineWindow.untilSec} s, where the stream offers ${(offered.rate * (offered.workload.input + offered.workload.output)).toFixed(0)} tokens/s; nominal ${(rate * (workload.input + workload.output)).toFixed(0)})\n`,
  );
  return rows;
}

const t0 = performance.now();
const all: Row[] = [];
for (const name of clusters) all.push(...(await benchCluster(name)));

const table = new Table({
  style: { head: [], border: [] },
  head: ['cluster', 'plan', 'depth', 'max flow', 'off all', 'off decode', 'off TTFT s mean/p95', 'off TPOT ms mean/p95', 'model', 'err', 'on all', 'on decode', 'on TTFT s mean/p95', 'on TPOT ms mean/p95', 'model', 'err'],
});
for (const r of all) {
  const o = r.offline.sim;
  const n = r.online.sim;
  table.push([
    r.cluster, r.plan, String(r.depth), fmt(r.maxFlow),
    fmt(o.throughput.total), fmt(o.throughput.decode), `${fmt(o.ttft.mean, 1)} / ${fmt(o.ttft.p95, 1)}`, `${msx(o.tpot.mean)} / ${msx(o.tpot.p95)}`, fmt(r.offline.predicted), pct(err(r.offline.predicted, o.throughput.total)),
    fmt(r.online.window.throughput.total), fmt(r.online.window.throughput.decode), `${fmt(n.ttft.mean, 1)} / ${fmt(n.ttft.p95, 1)}`, `${msx(n.tpot.mean)} / ${msx(n.tpot.p95)}`, fmt(r.online.predicted), pct(err(r.online.predicted, r.online.window.throughput.total)),
  ]);
}
process.stdout.write(`Workload ${planning.name}. Tokens/s (all = prompt + generated); model = predicted all-token tokens/s, err = model / simulated - 1\n${table.toString()}\n`);

// The issue's targets, per cluster, on offline all-token throughput and p95 TPOT.
const checks: Record<string, unknown>[] = [];
for (const name of clusters) {
  const rows = all.filter((r) => r.cluster === name);
  const d = rows.find((r) => r.plan === 'delivered')!;
  const m = rows.find((r) => r.plan === 'max flow')!;
  const baselines = rows.filter((r) => (BASELINE_METHODS as readonly string[]).includes(r.plan));
  const bestBase = baselines.reduce((a, b) => (b.offline.sim.throughput.total > a.offline.sim.throughput.total ? b : a), baselines[0]);
  // Signed, with its row: an overstated and an understated plan call for different fixes.
  const errors = rows.flatMap((r) => [
    { row: `${r.plan}, offline`, value: err(r.offline.predicted, r.offline.sim.throughput.total) },
    { row: `${r.plan}, online`, value: err(r.online.predicted, r.online.window.throughput.total) },
  ]);
  const worst = errors.reduce((a, b) => (Math.abs(b.value) > Math.abs(a.value) ? b : a));
  const worstErr = Math.abs(worst.value);
  const c = {
    cluster: name,
    vsBestBaseline: bestBase ? d.offline.sim.throughput.total / bestBase.offline.sim.throughput.total : NaN,
    vsBestBaselinePerStream: bestBase ? d.offline.sim.perStream.map((x, i) => x / bestBase.offline.sim.perStream[i]) : [],
    bestBaseline: bestBase?.plan ?? '-',
    vsMaxFlow: d.offline.sim.throughput.total / m.offline.sim.throughput.total,
    tpotP95: { delivered: d.offline.sim.tpot.p95, maxFlow: m.offline.sim.tpot.p95 },
    worstModelError: worstErr,
    worstModelErrorRow: { plan: worst.row, error: worst.value },
  };
  checks.push(c);
  process.stdout.write(
    `${name}: default plan (delivered) ${fmt(c.vsBestBaseline, 2)}x the best baseline (${c.bestBaseline}${c.vsBestBaselinePerStream.length > 1 ? `; ${c.vsBestBaselinePerStream.map((x) => fmt(x, 2)).join(', ')} by stream` : ''}) [target >= 1.2: ${c.vsBestBaseline >= 1.2 ? 'met' : 'NOT met'}], ` +
      `${fmt(c.vsMaxFlow, 2)}x the max-flow plan [>= 1: ${c.vsMaxFlow >= 1 - 1e-9 ? 'met' : 'NOT met'}], ` +
      `p95 TPOT ${msx(c.tpotP95.delivered)} vs ${msx(c.tpotP95.maxFlow)} ms [no worse: ${c.tpotP95.delivered <= c.tpotP95.maxFlow * (1 + 1e-9) ? 'met' : 'NOT met'}], ` +
      `worst model error ${pct(worst.value)} (${worst.row}) [within 15%: ${worstErr <= 0.15 ? 'met' : 'NOT met'}]\n`,
  );
}
process.stdout.write(`bench wall time ${fmt((performance.now() - t0) / 1000, 1)} s\n`);

if (jsonOut) {
  const rows = all.map((r) => ({ cluster: r.cluster, plan: r.plan, depth: r.depth, maxFlow: r.maxFlow, offline: { ...r.offline.sim, seeds: offlineSeeds, predicted: r.offline.predicted }, online: { ...brief(r.online.sim), windowThroughput: r.online.window.throughput, predicted: r.online.predicted } }));
  writeFileSync(jsonOut, `${JSON.stringify({ date: new Date().toISOString(), quick, planTimeSec: planTime, workload: planning.name, rows, checks }, null, 2)}\n`);
  process.stdout.write(`wrote ${jsonOut}\n`);
}
