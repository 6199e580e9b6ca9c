// `helix compare cluster.yaml`: every placement method side by side, scored by exact max flow.

import type { CommandSpec } from './command.js';
import { colorFor } from './io.js';
import { planOptions, plannerOptionsFrom } from './plan.js';
import type { CommonFlags } from './options.js';
import { loadCluster } from '../spec/cluster.js';
import { compareMethods } from '../search/compare.js';
import { formatCompare } from '../report/compare-table.js';

const shared = new Set(['--profiles', '--time-limit', '--gap', '--stall', '--stall-within', '--solver', '--seed', '--keep-links', '--min-layers', '--max-stages']);

export const compareCommand: CommandSpec = {
  name: 'compare',
  summary: 'run every placement method (milp, swarm, petals, separate, homogeneous) on the same cluster',
  args: [{ name: 'cluster', description: 'cluster spec (YAML)', required: true }],
  options: planOptions.filter((o) => shared.has(o.flags.split(/[ ,]+/).find((f) => f.startsWith('--'))!)),
  examples: ['helix compare clusters/geo3.yaml --time-limit 30', 'helix compare clusters/single24.yaml --json'],
  async run(args, options, io) {
    const flags = options as unknown as CommonFlags & Parameters<typeof plannerOptionsFrom>[0];
    const cluster = loadCluster(args[0], { profilesDir: flags.profiles });
    const { rows, bound } = await compareMethods(cluster, { ...plannerOptionsFrom({ ...flags, method: 'milp' }) });
    if (flags.json) io.out(`${JSON.stringify(rows, null, 2)}\n`);
    else io.out(formatCompare(cluster.name, rows, bound, { color: colorFor(io, flags.color) }));
    return rows[0].throughput > 0 ? 0 : 1;
  },
};
