// `helix explain plan.json --cluster cluster.yaml`: the bottleneck and what would lift it.

import type { CommandSpec } from './command.js';
import { colorFor } from './io.js';
import { parseNonNegativeInt, parsePositiveNumber, type CommonFlags } from './options.js';
import { loadCluster } from '../spec/cluster.js';
import { readPlan } from '../plan/io.js';
import { placementOf } from '../plan/assemble.js';
import { verifyPlan } from '../verify/verify.js';
import { explainPlacement } from '../verify/explain.js';
import { formatExplanation } from '../report/explain-text.js';
import { HelixError, usageError } from '../errors.js';
import { formatProblems } from '../report/problems.js';

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
    { flags: '--try-time <seconds>', description: 'search time for each what-if', parse: parsePositiveNumber('--try-time'), defaultValue: 1 },
    { flags: '--seed <n>', description: 'seed for the what-if searches', parse: parseNonNegativeInt('--seed'), defaultValue: 1 },
  ],
  examples: ['helix explain plan.json --cluster clusters/geo3.yaml', 'helix explain plan.json -c clusters/single24.yaml --json'],
  async run(args, options, io) {
    const flags = options as unknown as ExplainFlags;
    if (!flags.cluster) throw usageError('missing-cluster', 'explain needs --cluster <file>: the cluster spec the plan is for');
    const cluster = loadCluster(flags.cluster, { profilesDir: flags.profiles });
    const plan = readPlan(args[0]);
    const check = verifyPlan(plan, cluster);
    if (!check.valid) throw new HelixError('invalid-plan', 'invalid-plan', `the plan is invalid:\n${formatProblems(check.problems)}`, { file: args[0] });
    const e = await explainPlacement(cluster, placementOf(plan, cluster), { secondsPerTry: flags.tryTime, seed: flags.seed });
    io.out(flags.json ? `${JSON.stringify(e, null, 2)}\n` : formatExplanation(e, { color: colorFor(io, flags.color) }));
    return 0;
  },
};
