// `helix explain plan.json --cluster cluster.yaml`: the bottleneck and what would lift it.

import type { CommandSpec } from './command.js';
import { colorFor } from './io.js';
import { parsePositiveNumber, type CommonFlags, parseSeed } from './options.js';
import { loadCluster } from '../spec/cluster.js';
import { clusterOfPlan } from '../graph/extend.js';
import { readPlan } from '../plan/io.js';
import { placementOf, round6 } from '../plan/assemble.js';
import { explainPlacement, type Explanation } from '../verify/explain.js';
import { formatExplanation } from '../report/explain-text.js';
import { usageError } from '../errors.js';
import { checkPlanForUse } from './invalid-plan.js';

interface ExplainFlags extends CommonFlags {
  readonly cluster?: string;
  readonly profiles?: string;
  readonly tryTime: number;
  readonly seed: number;
}

export const explainCommand: CommandSpec = {
  name: 'explain',
  summary: 'the bottleneck of a plan (its minimum cut) and what would raise throughput most',
  args: [{ name: 'plan', description: 'plan file (JSON)', required: true }],
  options: [
    { flags: '-c, --cluster <file>', description: 'cluster spec the plan is for (required)' },
    { flags: '-p, --profiles <dir>', description: 'profile folder (overrides the spec\'s `profiles:`)' },
    { flags: '--try-time <seconds>', description: 'search time for each what-if, at most (a search ends early at the upper bound)', parse: parsePositiveNumber('--try-time', 600), defaultValue: 1 },
    { flags: '--seed <n>', description: 'seed for the what-if searches', parse: parseSeed(), defaultValue: 1 },
  ],
  examples: ['helix explain plan.json --cluster clusters/geo3.yaml', 'helix explain plan.json -c clusters/single24.yaml --json'],
  async run(args, options, io) {
    const flags = options as unknown as ExplainFlags;
    if (!flags.cluster) throw usageError('missing-cluster', 'explain needs --cluster <file>: the cluster spec the plan is for');
    const cluster = loadCluster(flags.cluster, { profilesDir: flags.profiles });
    const plan = readPlan(args[0]);
    checkPlanForUse(args[0], plan, cluster, io, flags.quiet);
    // What-ifs on the machines the plan can use: not on those a replan left out as failed.
    const own = clusterOfPlan(cluster, plan);
    const { minLayers, maxStages, partialInference } = plan.settings;
    const e = await explainPlacement(own, placementOf(plan, own), { secondsPerTry: flags.tryTime, seed: flags.seed, minLayers, maxStages, partialInference });
    // The cut and the what-ifs are about max flow; a plan made for delivery is limited elsewhere.
    const d = plan.delivered;
    const note =
      plan.settings.objective === 'delivered'
        ? `this plan was made for --objective delivered${d ? `: the model says it is limited by ${d.limitedBy === 'kv' ? 'KV-cache room (requests in flight)' : d.limitedBy === 'latency' ? 'per-hop latency' : 'max flow'}` : ''}; the bottleneck and what-ifs below are about its max flow`
        : null;
    if (flags.json) io.out(`${JSON.stringify(explanationJson(e, note), null, 2)}\n`);
    else io.out(`${note ? `note: ${note}\n\n` : ''}${formatExplanation(e, { color: colorFor(io, flags.color) })}`);
    // Explained, but a plan that serves nothing still fails the exit-code contract (as in schedule and simulate).
    return plan.throughput > 0 ? 0 : 1;
  },
};

/** The same keys in every case (`note` null when there is none), figures rounded as plans round them. */
function explanationJson(e: Explanation, note: string | null) {
  return {
    throughput: round6(e.throughput),
    bottlenecks: e.bottlenecks.map((b) => ({ ...b, flow: round6(b.flow), capacity: round6(b.capacity) })),
    suggestions: e.suggestions.map((x) => ({ ...x, throughput: round6(x.throughput), gain: round6(x.gain), over: round6(x.over) })),
    fewestSearchEvaluations: e.fewestSearchEvaluations,
    note,
  };
}
