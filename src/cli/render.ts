// `helix render plan.json -o placement.svg`: a picture of a saved plan.

import type { CommandSpec } from './command.js';
import type { CommonFlags } from './options.js';
import { readPlan } from '../plan/io.js';
import { checkRanges } from '../plan/ranges.js';
import { renderSvg } from '../report/svg.js';
import { writeFileAtomic } from './write-file.js';

export const renderCommand: CommandSpec = {
  name: 'render',
  summary: 'draw a plan as a self-contained SVG (layers x nodes, flows as curves)',
  args: [{ name: 'plan', description: 'plan file (JSON)', required: true }],
  options: [{ flags: '-o, --output <file>', description: 'SVG file to write (default: stdout)' }],
  examples: ['helix render plan.json -o placement.svg', 'helix render plan.json --json    # {"svg": "<svg ..."} on stdout'],
  async run(args, options, io) {
    const flags = options as CommonFlags & { output?: string };
    const plan = readPlan(args[0]);
    // A picture of an impossible placement (a range of 1e300 layers) is no picture.
    checkRanges(plan, args[0]);
    const svg = renderSvg(plan);
    if (flags.output) writeFileAtomic(flags.output, svg);
    // --json keeps its promise of JSON on stdout: the picture as a string, or where it went.
    if (flags.json) io.out(`${JSON.stringify(flags.output ? { output: flags.output } : { svg })}\n`);
    else if (!flags.output) io.out(svg);
    else if (!flags.quiet) io.err(`wrote ${flags.output}\n`);
    return 0;
  },
};
