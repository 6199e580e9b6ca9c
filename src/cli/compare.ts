// `helix compare cluster.yaml`: every placement method side by side, scored by exact max flow and
// by the delivered model; with the default objective the plan `helix plan` would make is a row too.

import type { CommandSpec } from './command.js';
import { colorFor, showProgress, statusLine } from './io.js';
import { checkDeliveredFlags, checkStallFlags, planOptions, plannerOptionsFrom, progressLine } from './plan.js';
import { parseChoice, type CommonFlags } from './options.js';
import { loadCluster } from '../spec/cluster.js';
import { checkWorkloadFits, planningWorkload } from '../delivered/workload.js';
import { compareMethods } from '../search/baselines/compare.js';
import type { GroupBy } from '../search/baselines/separate.js';
import { formatCompare } from '../report/compare-table.js';
import { DEFAULT_OBJECTIVE } from '../delivered/objective.js';

/**
 * The plan flags that tune the milp row's search. Flags that change the rules (partial inference,
 * depth limits) are left out: the baselines follow the plain rules, and every row must answer the
 * same question to be comparable.
 */
const sharedPlanFlags = new Set(['--profiles', '--time-limit', '--gap', '--stall', '--stall-within', '--solver', '--seed', '--keep-links', '--objective', '--workload']);
const longFlag = (flags: string) => flags.split(/[ ,]+/).find((f) => f.startsWith('--'))!;

type CompareFlags = CommonFlags & Parameters<typeof plannerOptionsFrom>[0] & { readonly by: GroupBy };

export const compareCommand: CommandSpec = {
  name: 'compare',
  summary: 'run every placement method (milp, the default delivered plan, swarm, petals, separate, homogeneous) on the same cluster',
  args: [{ name: 'cluster', description: 'cluster spec (YAML)', required: true }],
  options: [
    ...planOptions.filter((o) => sharedPlanFlags.has(longFlag(o.flags))),
    { flags: '--by <key>', description: 'what makes a group for `separate`: gpu or region', parse: parseChoice('--by', ['gpu', 'region'] as const), defaultValue: 'gpu' },
  ],
  examples: [
    'helix compare clusters/tiny.yaml                      # the table for a design review',
    'helix compare clusters/geo3.yaml --by region -t 30    # separate pipelines per region',
    'helix compare clusters/single24.yaml --json           # the same rows as a JSON array',
  ],
  async run(args, options, io) {
    const flags = options as unknown as CompareFlags;
    checkStallFlags(flags);
    checkDeliveredFlags({ ...flags, objective: flags.objective ?? DEFAULT_OBJECTIVE });
    const cluster = loadCluster(args[0], { profilesDir: flags.profiles });
    const tooLongNote = checkWorkloadFits(planningWorkload(flags.workload), cluster.model);
    if (tooLongNote && !flags.quiet) io.err(`note: ${tooLongNote}\n`);
    const progress = showProgress(io, flags.quiet);
    const status = statusLine(io);
    const controller = new AbortController();
    const release = io.onInterrupt?.(() => controller.abort());
    try {
      const comparison = await compareMethods(
        cluster,
        {
          ...plannerOptionsFrom({ ...flags, method: 'milp' }),
          signal: controller.signal,
          onProgress: progress ? (p) => status.show(progressLine(p)) : undefined,
        },
        flags.objective ?? DEFAULT_OBJECTIVE,
      );
      status.clear();
      if (flags.json) io.out(`${JSON.stringify(comparison.rows, null, 2)}\n`);
      else io.out(formatCompare({ cluster: cluster.name, workload: flags.workload, ...comparison }, { color: colorFor(io, flags.color), width: io.stdoutColumns }));
      // Exit 1 when nothing can serve the model at all, as `helix plan` does for no flow.
      return comparison.rows.some((r) => r.throughput > 0) ? 0 : 1;
    } finally {
      status.clear();
      release?.();
    }
  },
};
