// `helix diff` output in the terraform style: one +/~/- line per node, then one summary line.

import type { ChalkInstance } from 'chalk';
import type { PlanDiff } from '../plan/diff.js';
import { gigabytes, plural, tokens } from './format.js';
import { formatLayerRange } from '../spec/layer-range.js';

const fmt = (r: readonly [number, number] | null) => formatLayerRange(r && { start: r[0], end: r[1] });

export function formatDiff(d: PlanDiff, o: { color: ChalkInstance }): string {
  const c = o.color;
  const lines: string[] = [];
  if (d.clusters) lines.push(c.yellow(`note: the plans are for different clusters, ${d.clusters.before} and ${d.clusters.after}: their nodes are compared by name`));
  for (const ch of d.changes) {
    const joinsIdle = ch.kind === 'add' && ch.after === null;
    const moves = [ch.loadLayers ? `load ${plural(ch.loadLayers, 'layer')}, ${gigabytes(ch.loadBytes)}` : '', ch.dropLayers ? `drop ${ch.dropLayers}` : '', ch.leaves === true ? 'leaves the cluster' : ch.leaves === false ? 'stays, idle' : '', joinsIdle ? 'joins, idle' : '']
      .filter(Boolean)
      .join('; ');
    const tail = moves ? c.dim(`  (${moves})`) : '';
    if (ch.kind === 'add') lines.push(c.green(`+ ${ch.node} (${ch.gpu}) ${fmt(ch.after)}`) + tail);
    else if (ch.kind === 'remove') lines.push(c.red(`- ${ch.node} (${ch.gpu}) ${fmt(ch.before)}`) + tail);
    else lines.push(c.yellow(`~ ${ch.node} (${ch.gpuBefore ? `${ch.gpuBefore} -> ${ch.gpu}, new hardware` : ch.gpu}) ${fmt(ch.before)} -> ${fmt(ch.after)}`) + tail);
  }
  if (d.settingsChanged.length > 0) lines.push(c.yellow(`~ made for: ${d.settingsChanged.join(', ')}`));
  if (d.changes.length === 0 && (d.flowsChanged > 0 || d.routingChanged > 0)) {
    const what = [d.flowsChanged > 0 ? `${d.flowsChanged} flows differ` : '', d.routingChanged > 0 ? `${d.routingChanged} routing tables differ` : ''].filter(Boolean).join(', ');
    lines.push(c.yellow(`~ routing: ${what}, placement unchanged`));
  }
  // Max flow, and where both plans predict it, what they serve: a delivered plan gives up max
  // flow on purpose, so the first alone would read a better plan as a loss.
  // Figures for different requests are in different tokens: no difference is taken between them.
  const served = d.deliveredBefore === null || d.deliveredAfter === null ? '' : d.settingsChanged.length > 0 ? `; predicted served ${tokens(d.deliveredBefore)} and ${tokens(d.deliveredAfter)} tokens/s, each for its own requests` : `; predicted served ${change(d.deliveredBefore, d.deliveredAfter)}`;
  lines.push(
    `${c.bold('Plan:')} ${d.added} to add, ${d.changed} to change, ${d.removed} to remove${d.idled > 0 ? ` (${d.idled} staying idle)` : ''}, ${d.unchanged} unchanged; ` +
      `${plural(d.loadLayers, 'layer')} (${gigabytes(d.loadBytes)}) to load; max flow ${change(d.throughputBefore, d.throughputAfter)}${served}.`,
  );
  return `${lines.join('\n')}\n`;
}

/** `1,496 -> 2,046 tokens/s (+550)`: the change at the precision the two ends are shown with, so the three figures add up. */
function change(before: number, after: number): string {
  const digits = Math.max(before, after) >= 100 ? 0 : 1;
  const delta = Number(after.toFixed(digits)) - Number(before.toFixed(digits));
  const sign = delta >= 0 ? '+' : '-';
  return `${tokens(before)} -> ${tokens(after)} tokens/s (${sign}${Math.abs(delta).toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })})`;
}
