// `helix explain` for people: the cut in words and a ranked list of measured what-ifs.

import type { ChalkInstance } from 'chalk';
import { THIN_SEARCH_EVALUATIONS, type Explanation } from '../verify/explain.js';
import { percent, plural, tokens } from './format.js';

export function formatExplanation(e: Explanation, o: { color: ChalkInstance }): string {
  const c = o.color;
  const lines =
    e.throughput > 0 || e.bottlenecks.length > 0
      ? [`${c.bold('Throughput')} ${tokens(e.throughput)} tokens/s, limited by this minimum cut (every token crosses it):`]
      : [`${c.bold('Throughput')} 0 tokens/s: no path from the coordinator runs through every layer and back (a layer no node holds, or ranges with no link between them)`];
  const nodes = e.bottlenecks.filter((b) => b.kind === 'node');
  const links = e.bottlenecks.filter((b) => b.kind === 'link');
  if (nodes.length > 0) lines.push(`  ${nodes.length} node(s) at full capacity:`, ...nodes.map((b) => `    ${c.red(b.name)}  ${tokens(b.flow)} of ${tokens(b.capacity)} tokens/s`));
  if (links.length > 0) lines.push(`  ${links.length} link(s) at full capacity:`, ...links.map((b) => `    ${c.red(b.name)}  ${tokens(b.flow)} of ${tokens(b.capacity)} tokens/s`));
  lines.push('', c.bold('What would raise throughput most (measured):'));
  for (const s of e.suggestions.slice(0, 8)) {
    const gain = s.gain > 1e-6 ? c.green(`+${tokens(s.gain)}`) : c.dim('+0');
    // As a share of what the gain is counted over; a share of nothing means nothing, so a plan
    // that carries no flow gets the gains alone.
    // Hardware what-ifs are counted over the re-placed plan, not the plan as it stands: say which.
    const base = Math.abs(s.over - e.throughput) > 1e-6 * Math.max(1, e.throughput) ? ` of ${tokens(s.over)}` : '';
    const share = s.over > 0 ? ` (${percent(s.gain / s.over)}${base})` : '';
    lines.push(`  ${gain.padEnd(10)} tokens/s${share}  ${s.change}`);
  }
  if (e.fewestSearchEvaluations !== null && e.fewestSearchEvaluations < THIN_SEARCH_EVALUATIONS) {
    const scored = plural(e.fewestSearchEvaluations, 'placement');
    lines.push(
      c.dim(`  (a what-if search scored only ${scored} in its ${e.secondsPerTry} s: too few on a cluster this size, so the gains above may be understated, and a +0 may mean too little time, not no gain; a larger --try-time measures them)`),
    );
  }
  return `${lines.join('\n')}\n`;
}
