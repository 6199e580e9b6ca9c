// `helix validate plan.json --cluster cluster.yaml`: the CI gate. Exit 0 valid, 1 invalid, 2 bad input.

import type { CommandSpec } from './command.js';
import { colorFor } from './io.js';
import type { CommonFlags } from './options.js';
import { loadCluster } from '../spec/cluster.js';
import { readPlan } from '../plan/io.js';
import { verifyPlan, type VerifyReport } from '../verify/verify.js';
import { formatProblems } from '../report/problems.js';
import { tokens } from '../report/format.js';
import { usageError } from '../errors.js';

interface ValidateFlags extends CommonFlags {
  readonly cluster?: string;
  readonly profiles?: string;
}

export interface ValidationResult {
  readonly file: string;
  readonly valid: boolean;
  readonly throughput: number;
  readonly maxFlow: number;
  readonly problems: VerifyReport['problems'];
  readonly warnings: VerifyReport['warnings'];
}

export const validateCommand: CommandSpec = {
  name: 'validate',
  summary: 'check plans against the cluster and profiles alone (exit 0 valid, 1 invalid)',
  args: [{ name: 'plans', description: 'plan files (JSON)', required: true, variadic: true }],
  options: [
    { flags: '-c, --cluster <file>', description: 'cluster spec the plans are for (required)' },
    { flags: '-p, --profiles <dir>', description: 'profile folder (overrides the spec\'s `profiles:`)' },
  ],
  examples: [
    'helix validate plan.json --cluster clusters/single24.yaml',
    'helix validate plans/*.json --cluster clusters/geo3.yaml --json',
  ],
  async run(args, options, io) {
    const flags = options as ValidateFlags;
    if (!flags.cluster) throw usageError('missing-cluster', 'validate needs --cluster <file>: the cluster spec the plan is for');
    const cluster = loadCluster(flags.cluster, { profilesDir: flags.profiles });
    const results: ValidationResult[] = args.map((file) => {
      const plan = readPlan(file);
      const r = verifyPlan(plan, cluster);
      return { file, valid: r.valid, throughput: plan.throughput, maxFlow: r.maxFlow, problems: r.problems, warnings: r.warnings };
    });
    const c = colorFor(io, flags.color);
    if (flags.json) {
      io.out(`${JSON.stringify(results, null, 2)}\n`);
    } else {
      for (const r of results) {
        if (r.valid) io.out(`${c.green('valid')}    ${r.file}  ${tokens(r.throughput)} tokens/s (placement max flow ${tokens(r.maxFlow)})\n`);
        else io.out(`${c.red('INVALID')}  ${r.file}  ${r.problems.length} problem(s)\n${formatProblems(r.problems)}\n`);
        if (!flags.quiet) for (const w of r.warnings) io.err(`warning: ${r.file}: ${w}\n`);
      }
      if (results.length > 1) {
        const bad = results.filter((r) => !r.valid).length;
        io.out(`${results.length} plans, ${results.length - bad} valid, ${bad} invalid\n`);
      }
    }
    return results.every((r) => r.valid) ? 0 : 1;
  },
};
