// The human view of a plan: nodes, used links, summary. Pure: (plan, {color}) => string.

import type { ChalkInstance } from 'chalk';
import type { Plan } from '../plan/types.js';
import { gigabytes, maxFlowCounting, millis, percent, plural, seconds, tokens } from './format.js';
import { formatLayerRange } from '../spec/layer-range.js';
import { fitTable, type Column } from './fit.js';
import { DEFAULT_WORKLOAD, fixedLengths } from '../spec/workload-name.js';
import { chosenCandidate } from '../delivered/choice-note.js';

export interface FormatOptions {
  readonly color: ChalkInstance;
  /** Show unused nodes too (default: yes when there are few). */
  readonly showUnused?: boolean;
  /** Terminal width: the node table leaves out its least needed columns to fit (fit.ts). */
  readonly width?: number;
}

function utilisation(flow: number, capacity: number, c: ChalkInstance): string {
  if (capacity <= 0) return '-';
  const u = flow / capacity;
  const text = percent(u, 0);
  return u >= 0.999 ? c.red(text) : u >= 0.8 ? c.yellow(text) : text;
}

/** The node table's columns; on a narrow terminal the highest `drop` goes first. */
const NODE_COLUMNS: readonly Column[] = [
  { head: 'node' },
  { head: 'gpu', drop: 3 },
  { head: 'region', drop: 6 },
  { head: 'layers' },
  { head: '# layers', align: 'right', drop: 7 },
  { head: 'weights / VRAM', align: 'right', drop: 5 },
  { head: 'capacity', align: 'right', drop: 4 },
  { head: 'flow', align: 'right' },
  { head: 'util', align: 'right', drop: 2 },
];

export function formatNodes(plan: Plan, o: FormatOptions): string {
  const c = o.color;
  const rows: string[][] = [];
  const nodes = [...plan.nodes].sort((a, b) => (a.start ?? Infinity) - (b.start ?? Infinity) || (a.end ?? 0) - (b.end ?? 0));
  for (const n of nodes) {
    if (n.start === null || n.end === null) {
      if (o.showUnused !== false) rows.push([c.dim(n.name), c.dim(n.gpu), c.dim(n.region), c.dim('unused'), '', '', '', '', '']);
      continue;
    }
    const source = n.profileSource === 'estimated' ? c.magenta(' (est.)') : '';
    rows.push([
      n.name,
      n.gpu + source,
      n.region,
      formatLayerRange({ start: n.start, end: n.end }),
      String(n.end - n.start),
      `${gigabytes(n.weightBytes)} / ${gigabytes(n.vramBytes)}`,
      tokens(n.capacity),
      tokens(n.flow),
      utilisation(n.flow, n.capacity, c),
    ]);
  }
  return fitTable(NODE_COLUMNS, rows, { color: c, width: o.width });
}

const FLOW_COLUMNS: readonly Column[] = [{ head: 'from' }, { head: 'to' }, { head: 'flow', align: 'right' }, { head: 'capacity', align: 'right' }, { head: 'util', align: 'right' }];

export function formatFlows(plan: Plan, o: FormatOptions): string {
  const c = o.color;
  const rows = plan.flows.map((f) => [f.from, f.to, tokens(f.flow), tokens(f.capacity), utilisation(f.flow, f.capacity, c)]);
  return fitTable(FLOW_COLUMNS, rows, { color: c });
}

export function formatSummary(plan: Plan, o: FormatOptions): string {
  const c = o.color;
  const used = plan.nodes.filter((n) => n.start !== null).length;
  const status = plan.status === 'optimal' ? c.green(plan.status) : plan.status === 'no-flow' ? c.red(plan.status) : c.yellow(plan.status);
  // A plan made for delivered throughput gives up max flow on purpose: its gap says how much
  // (where there is one; on a small cluster the delivered plan is often the max-flow optimum).
  const forDelivery = plan.settings.objective === 'delivered';
  const traded = tradedForDelivery(plan);
  const counting = maxFlowCounting(plan.settings.workload);
  const lines = [
    ...(plan.settings.objective ? [`${c.bold('objective')}   ${forDelivery ? 'delivered (tokens/s served, by the model and a short simulation)' : 'maxflow (Helix)'}`] : []),
    // Max flow counts tokens at the profiles' request mix; a plan for other requests says so, as its
    // prediction beside it is in those requests' tokens.
    `${c.bold('throughput')}  ${forDelivery ? tokens(plan.throughput) : c.bold(tokens(plan.throughput))} tokens/s (verified max flow${counting ? `, ${counting}` : ''})`,
    `${c.bold('bound')}       ${tokens(plan.bound.value)} tokens/s (${plan.bound.source})   ${c.bold('gap')} ${percent(plan.gap, 2)}${traded ? ' (max flow traded for delivery)' : ''}`,
    `${c.bold('status')}      ${status}   ${c.bold('solver')} ${plan.settings.solver}   ${c.bold('planning')} ${seconds(plan.stats.wallTimeSec)}`,
    `${c.bold('pipeline')}    ${plural(plan.depth, 'stage')} deep, ${used} of ${plural(plan.nodes.length, 'node')} used, ${plural(plan.cluster.layers, 'layer')} of ${plan.cluster.model}${plan.stats.linksDropped > 0 ? `; ${plural(plan.stats.linksDropped, 'link')} dropped by --keep-links ${plan.settings.keepLinks}` : ''}`,
  ];
  const d = plan.delivered;
  if (d && !(d.throughput > 0)) {
    // Latencies of requests that never run would read as 0 ms: say there are none.
    const why = plan.throughput > 0 ? 'no KV-cache room on its paths, see the notes' : 'no flow';
    lines.push(`${c.bold('delivered')}   nothing: no request can be served (${why}); ${workloadText(plan.settings.workload, d.workload)}`);
  } else if (d) {
    // For other requests the cap is the max flow rescaled to them (docs/delivered.md, "Other
    // workloads"): "limited by maxflow" beside a different throughput line needs saying why.
    const rescaled = d.limitedBy === 'maxflow' && Math.abs(d.throughput - plan.throughput) > 0.01 * plan.throughput;
    const limit = rescaled ? `maxflow (${tokens(d.throughput)} tokens/s of these requests; the throughput line counts tokens in the profiles' azure-conv mix)` : d.limitedBy;
    lines.push(
      `${c.bold('delivered')}   ${c.bold(tokens(d.throughput))} tokens/s predicted (${tokens(d.decodeThroughput)} decode), TTFT ${seconds(d.ttftSec)}, TPOT ${d.workload.output > 1 ? millis(d.tpotSec) : '- (one-token answers)'}, ${d.inflight.toFixed(0)} requests in flight, limited by ${limit}; ${workloadText(plan.settings.workload, d.workload)}`,
    );
    const s = d.simulated;
    if (s) {
      const tail = s.tpotP95Sec !== null && d.workload.output > 1 ? `, p95 TPOT ${millis(s.tpotP95Sec)}` : '';
      lines.push(`${c.bold('simulated')}   ${tokens(s.throughput)} tokens/s${tail}: the short simulation that chose this plan (${plural(s.requests, 'request')} at once, measured over ${s.window.startSec}-${s.window.endSec} s)`);
    }
  }
  for (const note of plan.stats.notes) lines.push(c.dim(`note: ${note}`));
  return lines.join('\n');
}

/**
 * Whether a plan's gap to its bound is max flow given up for delivery: a delivered plan with a gap,
 * unless it carries nothing (its gap is a failure, not a choice) or its max-flow candidate was the
 * one chosen (its gap is the search's).
 */
export function tradedForDelivery(plan: Plan): boolean {
  return plan.settings.objective === 'delivered' && plan.gap > 0.00005 && plan.throughput > 0 && chosenCandidate(plan.stats.notes) !== 'max flow';
}

/** The requests a prediction is for: `azure-conv requests (mean 763 in, 232 out)`, `requests of 1500 in, 100 out`. */
function workloadText(name: string | undefined, means: { readonly input: number; readonly output: number }): string {
  const named = name ?? DEFAULT_WORKLOAD;
  if (fixedLengths(named)) return `requests of ${means.input.toFixed(0)} in, ${means.output.toFixed(0)} out`;
  return `${named} requests (mean ${means.input.toFixed(0)} in, ${means.output.toFixed(0)} out)`;
}

export function formatPlan(plan: Plan, o: FormatOptions): string {
  const c = o.color;
  return [
    c.bold(`Plan for ${plan.cluster.name}`),
    formatNodes(plan, { ...o, showUnused: o.showUnused ?? plan.nodes.length <= 64 }),
    '',
    c.bold('Links carrying flow'),
    formatFlows(plan, o),
    '',
    formatSummary(plan, o),
    '',
  ].join('\n');
}
