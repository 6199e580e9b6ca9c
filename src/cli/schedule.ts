// `helix schedule plan.json --cluster cluster.yaml`: the routing tables a runtime follows.

import type { CommandSpec } from './command.js';
import { colorFor } from './io.js';
import type { CommonFlags } from './options.js';
import { writeFileAtomic } from './write-file.js';
import { loadCluster } from '../spec/cluster.js';
import { readPlan } from '../plan/io.js';
import { buildRoutingTables } from '../schedule/routing.js';
import { routingToJson } from '../schedule/json.js';
import { formatSchedule } from '../report/schedule-table.js';
import { HelixError, usageError } from '../errors.js';
import { checkPlanForUse } from './invalid-plan.js';

interface ScheduleFlags extends CommonFlags {
  readonly cluster?: string;
  readonly profiles?: string;
  readonly output?: string;
  readonly all?: boolean;
}

export const scheduleCommand: CommandSpec = {
  name: 'schedule',
  summary: 'routing tables from a plan: next hops per node with IWRR weights that follow its flow',
  args: [{ name: 'plan', description: 'plan file (JSON)', required: true }],
  options: [
    { flags: '-c, --cluster <file>', description: 'cluster spec the plan is for (required)' },
    { flags: '-p, --profiles <dir>', description: 'profile folder (overrides the spec\'s `profiles:`)' },
    { flags: '-o, --output <file>', description: 'also write the tables as JSON for a runtime (atomically)' },
    { flags: '--all', description: 'in the table, also list hops the placement allows but the plan sends nothing along (JSON always lists every hop)' },
  ],
  examples: [
    'helix schedule plan.json --cluster clusters/geo3.yaml',
    'helix schedule plan.json -c clusters/single24.yaml --json > routes.json',
  ],
  async run(args, options, io) {
    const flags = options as unknown as ScheduleFlags;
    if (!flags.cluster) throw usageError('missing-cluster', 'schedule needs --cluster <file>: the cluster spec the plan is for');
    const cluster = loadCluster(flags.cluster, { profilesDir: flags.profiles });
    const plan = readPlan(args[0]);
    checkPlanForUse(args[0], plan, cluster, io, flags.quiet);
    if (plan.throughput <= 0) throw new HelixError('no-flow', 'infeasible', 'the plan carries no flow: there is nothing to route', { file: args[0] });
    const tables = buildRoutingTables(cluster, plan);
    const json = `${JSON.stringify(routingToJson(tables), null, 2)}\n`;
    if (flags.output) writeFileAtomic(flags.output, json);
    io.out(flags.json ? json : formatSchedule(tables, { color: colorFor(io, flags.color), showUnweighted: flags.all, width: io.stdoutColumns }));
    return 0;
  },
};
