// `helix simulate plan.json --cluster cluster.yaml`: serve a request stream on a plan in a
// discrete-event simulation and report throughput, latency and per-node load. With --compare,
// several plans and/or routing policies run on the identical request stream.

import type { CommandSpec } from './command.js';
import { colorFor, showProgress, statusLine, type Io } from './io.js';
import { parseNonNegativeNumber, parsePositiveInt, parsePositiveNumber, type CommonFlags, parseSeed } from './options.js';
import { loadCluster } from '../spec/cluster.js';
import { readPlan } from '../plan/io.js';
import type { Plan } from '../plan/types.js';
import type { Cluster } from '../spec/types.js';
import { formatSimCompare, formatSimReport, type SimRun } from '../report/sim-table.js';
import { HelixError, usageError } from '../errors.js';
import { POLICY_NAMES, POLICY_NOTES, type PolicyName } from '../schedule/policies.js';
import { BUNDLED_TRACES, loadArrivals, loadLengths } from '../sim/traces.js';
import { generateRequests, meanLengths, rateForLoad, type ArrivalSpec, type LengthSpec, type RequestStream } from '../sim/requests.js';
import { simulateAsync, SIM_DEFAULTS, type SimOptions } from '../sim/simulate.js';
import { DEFAULT_KV_FILL } from '../sim/kv.js';
import { workloadOfPlan } from '../delivered/workload.js';
import { DEFAULT_WORKLOAD } from '../spec/workload-name.js';
import { shownFile } from '../stdin.js';
import { checkPlanForUse } from './invalid-plan.js';
import { percent, tokens } from '../report/format.js';

interface SimulateFlags extends CommonFlags {
  readonly cluster?: string;
  readonly profiles?: string;
  readonly layerTimes?: string;
  readonly policy: PolicyName[];
  readonly offline?: number;
  readonly rate?: number;
  readonly load?: number;
  readonly trace?: string;
  readonly duration: number;
  readonly lengths?: string;
  readonly inputLen?: number;
  readonly outputLen?: number;
  readonly maxBatchTokens?: number;
  readonly kvFill: number;
  readonly warmup: number;
  readonly until?: number;
  readonly seed: number;
  readonly compare?: boolean;
}

/** `--policy iwrr,random` or repeated `--policy`: a list of known policy names. */
function parsePolicies(value: string, previous: unknown): PolicyName[] {
  const names = value.split(',').map((s) => s.trim()).filter(Boolean);
  if (names.length === 0) throw usageError('bad-option', `--policy needs a policy name: ${POLICY_NAMES.join(', ')}`, { found: JSON.stringify(value) });
  for (const n of names) {
    if (!(POLICY_NAMES as readonly string[]).includes(n)) {
      throw usageError('bad-option', `--policy must be one of ${POLICY_NAMES.join(', ')}`, { found: JSON.stringify(n) });
    }
  }
  // commander passes the default as `previous` on first use; a given flag replaces it.
  const before = Array.isArray(previous) && previous !== DEFAULT_POLICIES ? (previous as PolicyName[]) : [];
  return [...before, ...(names as PolicyName[])];
}
const DEFAULT_POLICIES: PolicyName[] = [SIM_DEFAULTS.policy];

/** A share of the KV cache: above 0 (nothing could be admitted) and at most all of it. */
function parseKvFill(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0 || n > 1) {
    throw usageError('bad-option', '--kv-fill must be a fraction in (0, 1]', { found: JSON.stringify(value) });
  }
  return n;
}

function parseTrace(flag: string): (value: string) => string {
  return (value) => {
    if (!(BUNDLED_TRACES as readonly string[]).includes(value)) {
      throw usageError('bad-option', `${flag} must name a bundled trace: ${BUNDLED_TRACES.join(', ')}`, { found: JSON.stringify(value) });
    }
    return value;
  };
}

function lengthSpec(flags: SimulateFlags, plan: Plan, contextLength: number): LengthSpec {
  if ((flags.inputLen === undefined) !== (flags.outputLen === undefined)) {
    throw usageError('bad-option', '--input-len and --output-len go together', { expected: 'both, or neither (lengths sampled from a trace)' });
  }
  if (flags.inputLen !== undefined && flags.outputLen !== undefined) {
    if (flags.lengths) throw usageError('bad-option', '--lengths cannot be combined with --input-len/--output-len');
    // Every request would be rejected: a usage error, as `plan --workload` makes it.
    if (flags.inputLen + flags.outputLen > contextLength) {
      throw usageError('workload-too-long', `--input-len ${flags.inputLen} and --output-len ${flags.outputLen} make ${flags.inputLen + flags.outputLen} tokens a request, more than the model's context of ${contextLength}, so every request would be rejected`, { expected: `--input-len + --output-len <= ${contextLength}` });
    }
    return { kind: 'fixed', input: flags.inputLen, output: flags.outputLen };
  }
  const trace = flags.lengths ?? flags.trace;
  // Otherwise the requests the plan was made for, so a plan is judged on its own workload.
  return trace ? { kind: 'sampled', samples: loadLengths(trace) } : workloadOfPlan(plan).lengths;
}

/**
 * Requests one run may generate. Arrays of that size are allocated up front; far larger streams
 * (`--duration 1e9`) abort the JavaScript engine itself instead of failing cleanly, and a million
 * requests already take minutes of simulation.
 */
const MAX_REQUESTS = 1_000_000;

function arrivalSpec(flags: SimulateFlags, lengths: LengthSpec, planned: number): ArrivalSpec {
  const modes = [flags.offline !== undefined, flags.rate !== undefined, flags.load !== undefined].filter(Boolean).length;
  if (modes === 0) throw usageError('missing-workload', 'choose how requests arrive: --offline N, --rate R or --load F (with --trace for a trace\'s pattern)');
  if (modes > 1) throw usageError('bad-option', '--offline, --rate and --load are alternatives; give one');
  if (flags.offline !== undefined) {
    if (flags.trace) throw usageError('bad-option', '--trace sets arrivals over time; it cannot be combined with --offline (use --lengths for its lengths)');
    if (flags.offline > MAX_REQUESTS) throw usageError('too-many-requests', `--offline ${flags.offline} is more requests than one run simulates`, { expected: `at most ${MAX_REQUESTS.toLocaleString('en-US')}` });
    return { kind: 'offline', count: flags.offline };
  }
  const rate = flags.rate ?? rateForLoad(flags.load!, planned, lengths);
  if (!(rate > 0)) throw usageError('bad-option', 'the arrival rate comes out as zero', { expected: 'a plan with positive throughput, or --rate' });
  const expected = rate * flags.duration;
  if (expected > MAX_REQUESTS) {
    throw usageError('too-many-requests', `${rate.toFixed(3)} requests/s for ${flags.duration} s is about ${Math.round(expected).toLocaleString('en-US')} requests, more than one run simulates`, {
      expected: `at most ${MAX_REQUESTS.toLocaleString('en-US')} requests: a lower --rate/--load or a shorter --duration`,
    });
  }
  return flags.trace
    ? { kind: 'trace', trace: loadArrivals(flags.trace), rate, durationSec: flags.duration }
    : { kind: 'poisson', rate, durationSec: flags.duration };
}

function checkedPlan(file: string, cluster: Cluster, io: Io, quiet: boolean | undefined): Plan {
  const plan = readPlan(file);
  checkPlanForUse(file, plan, cluster, io, quiet);
  if (plan.throughput <= 0) throw new HelixError('no-flow', 'infeasible', 'the plan carries no flow: no request can be served', { file });
  return plan;
}

/** A one-line bar on stderr, redrawn in place; shown only once a run has taken a second. */
function progressBar(io: Io, label: string): { update(fraction: number): void; done(): void } {
  const started = Date.now();
  const status = statusLine(io);
  const width = 30;
  // The bar and the percentage come first, so a long file name is what a narrow terminal cuts.
  return {
    update(fraction) {
      if (Date.now() - started < 1000) return;
      const fill = Math.round(Math.max(0, Math.min(1, fraction)) * width);
      status.show(`  [${'#'.repeat(fill)}${' '.repeat(width - fill)}] ${(fraction * 100).toFixed(0).padStart(3)}%  ${label}`);
    },
    done() {
      status.clear();
    },
  };
}

export const simulateCommand: CommandSpec = {
  name: 'simulate',
  summary: 'serve requests on a plan in a discrete-event simulation: throughput, latency, node load',
  args: [{ name: 'plans', description: 'plan file(s) (JSON); several need --compare', required: true, variadic: true }],
  options: [
    { flags: '-c, --cluster <file>', description: 'cluster spec the plans are for (required)' },
    { flags: '-p, --profiles <dir>', description: 'profile folder (overrides the spec\'s `profiles:`)' },
    { flags: '--layer-times <dir>', description: "folder of per-layer timing tables (default: the profile folder's layer-time/ or the one beside it, then the bundled profiles/layer-time)" },
    { flags: '--policy <names>', description: `routing: ${POLICY_NAMES.join(', ')} (comma list or repeated, with --compare)`, parse: parsePolicies, defaultValue: DEFAULT_POLICIES },
    { flags: '--offline <n>', description: 'n requests all at time 0 (peak throughput)', parse: parsePositiveInt('--offline') },
    { flags: '--rate <req/s>', description: 'mean arrival rate, requests/s (Poisson, or the --trace pattern)', parse: parsePositiveNumber('--rate') },
    { flags: '--load <fraction>', description: 'arrival rate that loads the (first) plan to this fraction of its planned throughput', parse: parsePositiveNumber('--load') },
    { flags: '--trace <name>', description: `arrival pattern and lengths from a trace: ${BUNDLED_TRACES.join(', ')} (rescaled to --rate/--load)`, parse: parseTrace('--trace') },
    { flags: '-d, --duration <seconds>', description: 'arrival window of --rate/--load runs; they then run until every request is done', parse: parsePositiveNumber('--duration'), defaultValue: 60 },
    { flags: '--lengths <trace>', description: `sample request lengths from this trace (default: --trace, else the workload the (first) plan was made for, settings.workload: azure-conv unless planned with --workload)`, parse: parseTrace('--lengths') },
    { flags: '--input-len <tokens>', description: 'fixed prompt length (with --output-len)', parse: parsePositiveInt('--input-len') },
    { flags: '--output-len <tokens>', description: 'fixed number of generated tokens (with --input-len)', parse: parsePositiveInt('--output-len') },
    { flags: '--max-batch-tokens <n>', description: 'most tokens (prompt tokens + decoding sequences) in one batch (default: the model\'s context length)', parse: parsePositiveInt('--max-batch-tokens') },
    { flags: '--kv-fill <fraction>', description: 'share of each node\'s KV cache requests may reserve', parse: parseKvFill, defaultValue: DEFAULT_KV_FILL },
    { flags: '--warmup <seconds>', description: 'leave the first seconds out of throughput and load figures', parse: parseNonNegativeNumber('--warmup'), defaultValue: 0 },
    { flags: '--until <seconds>', description: 'stop the simulation at this simulated time', parse: parsePositiveNumber('--until') },
    { flags: '--seed <n>', description: 'seed for arrivals, lengths and random routing', parse: parseSeed(), defaultValue: SIM_DEFAULTS.seed },
    { flags: '--compare', description: 'run every plan x policy on the same requests and print them side by side' },
  ],
  examples: [
    'helix simulate plan.json -c clusters/single24.yaml --offline 2000              # peak throughput',
    'helix simulate plan.json -c clusters/single24.yaml --trace azure-conv --load 0.8 --duration 600',
    'helix simulate plan.json -c clusters/geo3.yaml --rate 1 --compare --policy iwrr,random,swarm',
    'helix simulate milp.json swarm.json -c clusters/geo3.yaml --offline 500 --compare --json',
  ],
  async run(args, options, io, given) {
    const flags = options as unknown as SimulateFlags;
    if (!flags.cluster) throw usageError('missing-cluster', 'simulate needs --cluster <file>: the cluster spec the plans are for');
    const policies = [...new Set(flags.policy)];
    if (!flags.compare && (args.length > 1 || policies.length > 1)) {
      throw usageError('bad-option', 'several plans or policies need --compare', { expected: 'one plan and one policy, or --compare' });
    }
    if (given?.has('duration') && flags.offline !== undefined) {
      throw usageError('bad-option', '--duration is the arrival window of --rate/--load runs; --offline sends every request at time 0', { expected: '--duration with --rate or --load, or --until to end an offline run' });
    }
    if (flags.warmup > 0 && flags.until !== undefined && flags.warmup >= flags.until) {
      throw usageError('bad-option', '--warmup must end before --until');
    }
    // A --rate/--load run is measured over its arrival window: a warm-up as long leaves none.
    if (flags.warmup > 0 && (flags.rate !== undefined || flags.load !== undefined) && flags.warmup >= flags.duration) {
      throw usageError('bad-option', `--warmup ${flags.warmup} s must end before the arrivals do (--duration ${flags.duration} s): a --rate or --load run is measured over its arrival window`);
    }
    const cluster = loadCluster(flags.cluster, { profilesDir: flags.profiles });
    const plans = args.map((file) => ({ file, plan: checkedPlan(file, cluster, io, flags.quiet) }));
    const lengths = lengthSpec(flags, plans[0].plan, cluster.model.contextLength);
    // One stream for every run: the first plan sets the rate for --load, so all runs see the same requests.
    const requests: RequestStream = generateRequests(arrivalSpec(flags, lengths, plans[0].plan.throughput), lengths, flags.seed);
    if (requests.arrival.length === 0 && !flags.quiet) {
      io.err(`warning: the request stream is empty (${requests.description}): no request arrives, so the run serves none; raise --rate or --duration\n`);
    }
    // --load is a share of the max flow, which plans rarely serve (KV room and per-stage latency
    // bind first): say when the stream offers more than the plan is predicted to serve.
    const ownRequests = flags.inputLen === undefined && (flags.lengths ?? flags.trace ?? workloadOfPlan(plans[0].plan).name) === workloadOfPlan(plans[0].plan).name;
    const predicted = ownRequests ? plans[0].plan.delivered?.throughput : undefined;
    if (predicted !== undefined && predicted > 0 && !flags.quiet) {
      const perRequest = meanLengths(lengths);
      const offered = flags.load !== undefined ? flags.load * plans[0].plan.throughput : flags.rate !== undefined ? flags.rate * (perRequest.input + perRequest.output) : 0;
      const instead = flags.load !== undefined ? `--load ${Number((predicted / plans[0].plan.throughput).toPrecision(2))}` : `--rate ${Number((predicted / (perRequest.input + perRequest.output)).toPrecision(2))}`;
      if (offered > 1.05 * predicted) {
        const what = flags.load !== undefined ? `--load ${flags.load} offers ${tokens(offered)} tokens/s (that share of the max flow)` : `--rate ${flags.rate} offers ${tokens(offered)} tokens/s`;
        io.err(`note: ${what}, above the ${tokens(predicted)} the plan is predicted to serve; expect queues to grow (${instead} is about its predicted capacity)\n`);
      } else if (flags.load !== undefined && workloadOfPlan(plans[0].plan).name !== DEFAULT_WORKLOAD && plans[0].plan.throughput < 0.8 * predicted) {
        // The max flow counts azure-conv tokens; requests with shorter answers (azure-code) are
        // predicted to be served at several times it, so a share of it under-loads the plan.
        io.err(`note: --load ${flags.load} offers ${tokens(offered)} tokens/s, ${percent(offered / predicted)} of the ${tokens(predicted)} the plan is predicted to serve: the max flow it is a share of counts tokens in the profiles' ${DEFAULT_WORKLOAD} requests, not these (${instead} is about its predicted capacity)\n`);
      }
    }
    const base: Omit<SimOptions, 'policy'> = {
      requests,
      seed: flags.seed,
      layerTimeDir: flags.layerTimes,
      maxBatchTokens: flags.maxBatchTokens,
      kvFill: flags.kvFill,
      warmupSec: flags.warmup,
      untilSec: flags.until,
    };
    const progress = showProgress(io, flags.quiet);
    const controller = new AbortController();
    const release = io.onInterrupt?.(() => controller.abort());
    const runs: SimRun[] = [];
    try {
      for (const { file, plan } of plans) {
        for (const policy of policies) {
          if (controller.signal.aborted && runs.length > 0) break;
          const bar = progress ? progressBar(io, `${shownFile(file)} ${policy}`) : null;
          const report = await simulateAsync(cluster, plan, { ...base, policy }, { signal: controller.signal, onProgress: bar ? (f) => bar.update(f) : undefined });
          bar?.done();
          runs.push({ label: file, report });
        }
      }
    } finally {
      release?.();
    }
    if (controller.signal.aborted && !flags.quiet && !flags.json) io.err('interrupted: the figures cover the simulated time so far\n');
    // The stream follows the first plan's workload; a plan made for other requests is judged on these.
    const explicitLengths = flags.lengths !== undefined || flags.trace !== undefined || flags.inputLen !== undefined;
    const madeFor = new Set(plans.map((p) => workloadOfPlan(p.plan).name));
    if (!explicitLengths && madeFor.size > 1 && !flags.quiet) {
      io.err(`warning: the plans were made for different requests (${[...madeFor].join(', ')}); every run uses the first plan's, ${workloadOfPlan(plans[0].plan).name} (--lengths or --input-len/--output-len to choose)\n`);
    }
    // JSON names each plan as the arguments did (`-` for standard input); messages and tables name it for people.
    const shown = runs.map((r) => ({ ...r, label: shownFile(r.label) }));
    // A warm-up past the end of a run leaves nothing to measure: say so rather than report zeros.
    // --compare runs one plan under several policies: one warning per plan and wording, not per run.
    const warned = new Set<string>();
    const warnOnce = (key: string, line: string) => {
      if (!warned.has(key)) io.err(line);
      warned.add(key);
    };
    for (const r of shown) {
      if (flags.quiet) break;
      const w = r.report.window;
      if (w.end <= w.start && flags.warmup > 0) {
        warnOnce(`${r.label} ended`, `warning: ${r.label}: the run ended at ${r.report.simulatedSec.toFixed(1)} s, no later than --warmup ${flags.warmup} s; its throughput figures measure nothing\n`);
      } else if (flags.offline === undefined && w.end > w.start && r.report.requests.finished > 0 && w.end - w.start < 2 * r.report.latency.mean) {
        // Requests that start in a short window finish after it: the figure is a transient.
        warnOnce(`${r.label} transient`, `warning: ${r.label}: throughput is measured over ${(w.end - w.start).toFixed(1)} s, less than twice a request's mean latency (${r.report.latency.mean.toFixed(1)} s), so it is not a steady-state figure; use a longer --duration\n`);
      }
    }
    const c = colorFor(io, flags.color);
    if (flags.json) {
      const rows = runs.map((r) => ({ plan: r.label, ...r.report }));
      io.out(`${JSON.stringify(flags.compare ? rows : rows[0], null, 2)}\n`);
    } else if (flags.compare) {
      io.out(formatSimCompare(shown, { color: c, width: io.stdoutColumns }));
      io.out(policies.map((p) => c.dim(`  ${p}: ${POLICY_NOTES[p]}`)).join('\n') + '\n');
    } else {
      io.out(formatSimReport(shown[0], { color: c, width: io.stdoutColumns }));
    }
    // Exit 1 when a run serves no request: all rejected, none finished, or none arrived.
    return runs.every((r) => r.report.requests.finished > 0) ? 0 : 1;
  },
};
