// `helix diff old.json new.json`: exit 0 identical, 1 different, 2 error (like diff and kubectl diff).

import type { CommandSpec } from './command.js';
import { colorFor } from './io.js';
import type { CommonFlags } from './options.js';
import { readPlan } from '../plan/io.js';
import { diffPlans } from '../plan/diff.js';
import { formatDiff } from '../report/diff-text.js';
import { inputError } from '../errors.js';
import { checkRanges } from '../plan/ranges.js';

export const diffCommand: CommandSpec = {
  name: 'diff',
  summary: 'what changes between two plans: layers to load or drop per node, max flow and predicted served tokens/s before and after',
  args: [
    { name: 'old', description: 'the plan in force', required: true },
    { name: 'new', description: 'the plan to move to', required: true },
  ],
  options: [],
  examples: ['helix diff plans/current.json plans/next.json', 'helix diff a.json b.json --json | jq .loadBytes'],
  async run(args, options, io) {
    const flags = options as CommonFlags;
    const before = readPlan(args[0]);
    const after = readPlan(args[1]);
    if (before.cluster.model !== after.cluster.model || before.cluster.layers !== after.cluster.layers) {
      const sameModel = before.cluster.model === after.cluster.model;
      const message = sameModel
        ? `plans record different layer counts for ${before.cluster.model} (${before.cluster.layers} vs ${after.cluster.layers})`
        : `plans are for different models (${before.cluster.model} vs ${after.cluster.model})`;
      throw inputError('diff-model-mismatch', message, {
        file: args[1],
        ...(sameModel ? { field: 'cluster.layers' } : {}),
      });
    }
    // diff reads no cluster, so nothing else checks the ranges it counts layers from: a
    // hand-edited [0, 1000) of a 60-layer model would show as 1,000 layers to load.
    for (const [file, plan] of [[args[0], before], [args[1], after]] as const) checkRanges(plan, file);
    const d = diffPlans(before, after);
    if (flags.json) io.out(`${JSON.stringify(d, null, 2)}\n`);
    else io.out(d.identical ? 'No changes: the plans place and route identically.\n' : formatDiff(d, { color: colorFor(io, flags.color) }));
    return d.identical ? 0 : 1;
  },
};
