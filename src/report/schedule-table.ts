// `helix schedule` as text: one table of routing entries, every vertex with its next hops, the
// flow each carries, the IWRR weight and the share of requests that weight gives.
// Pure: (tables, {color}) => string.

import type { ChalkInstance } from 'chalk';
import { SINK, SOURCE, type RoutingTable, type RoutingTables } from '../schedule/routing.js';
import { percent, tokens } from './format.js';
import { formatLayerRange } from '../spec/layer-range.js';
import { fitTable, type Column } from './fit.js';

export interface ScheduleFormatOptions {
  readonly color: ChalkInstance;
  /** List hops the plan sends nothing along (weight 0) too. */
  readonly showUnweighted?: boolean;
  /** Terminal width: columns are left out to fit, as in the plan's tables. */
  readonly width?: number;
}

/** A share of requests: whole per cent, but a small share (a coordinator with 200 hops) not shown as 0%. */
function share(x: number): string {
  if (x <= 0) return '0%';
  if (x < 0.001) return '<0.1%';
  // One decimal below 10% as it is shown (0.0999 is 10%, not 10.0%).
  return percent(x, 100 * x < 9.95 ? 1 : 0);
}

/** At most this many entries of a cycle are printed; longer ones end with an ellipsis. */
const CYCLE_PREVIEW = 12;

const SCHEDULE_COLUMNS: readonly Column[] = [
  { head: 'from' },
  { head: 'layers', drop: 2 },
  { head: 'next hop' },
  { head: 'layers', drop: 3 },
  { head: 'flow', align: 'right', drop: 1 },
  { head: 'weight', align: 'right' },
  { head: 'share', align: 'right' },
];

export function formatSchedule(tables: RoutingTables, o: ScheduleFormatOptions): string {
  const c = o.color;
  const name = (v: number): string => (v === SOURCE ? 'coordinator' : v === SINK ? 'coordinator (out)' : tables.nodeNames[v]);
  const range = (v: number): string => {
    const r = v === SOURCE || v === SINK ? null : tables.placement[v];
    return formatLayerRange(r, '');
  };
  const t: string[][] = [];
  const order = tables.nodes
    .filter((tb) => tables.placement[tb.from] !== null)
    .sort((a, b) => tables.placement[a.from]!.start - tables.placement[b.from]!.start || a.from - b.from);
  let unweighted = 0;
  for (const table of [tables.source, ...order]) {
    const total = table.hops.reduce((s, h) => s + h.weight, 0);
    const shown = table.hops.filter((h) => h.weight > 0 || o.showUnweighted);
    unweighted += table.hops.length - table.hops.filter((h) => h.weight > 0).length;
    shown.forEach((h, k) => {
      t.push([
        k === 0 ? name(table.from) : '',
        k === 0 ? range(table.from) : '',
        h.weight > 0 ? name(h.to) : c.dim(name(h.to)),
        range(h.to),
        tokens(h.flow),
        String(h.weight),
        total > 0 ? share(h.weight / total) : '-',
      ]);
    });
    // "No hop at all" and "hops that carry nothing, hidden" are different findings about a node.
    if (shown.length === 0) {
      const hidden = table.hops.length;
      t.push([name(table.from), range(table.from), c.dim(hidden === 0 ? '(no next hop)' : `(no flow; ${hidden} empty hop${hidden === 1 ? '' : 's'}, --all)`), '', '', '', '']);
    }
  }
  const lines = [
    `${c.bold(`Routing tables for ${tables.cluster}`)} (${tokens(tables.throughput)} tokens/s planned)`,
    fitTable(SCHEDULE_COLUMNS, t, { color: c, width: o.width }),
    'share = the fraction of requests IWRR sends along the hop (weight / the vertex\'s total weight)',
  ];
  if (!o.showUnweighted && unweighted > 0) {
    lines.push(c.dim(`${unweighted} hop(s) the placement allows but the plan leaves empty are hidden (--all shows them)`));
  }
  const cycles = [tables.source, ...order].filter((tb) => tb.sequence.length > 1 && new Set(tb.sequence).size > 1);
  if (cycles.length > 0) {
    lines.push('', c.bold('IWRR cycles') + ' (next hop of successive requests)');
    for (const tb of cycles) lines.push(`  ${name(tb.from)}: ${cycle(tb, name)}`);
  }
  return `${lines.join('\n')}\n`;
}

function cycle(table: RoutingTable, name: (v: number) => string): string {
  const names = table.sequence.slice(0, CYCLE_PREVIEW).map((h) => name(table.hops[h].to));
  const more = table.sequence.length - names.length;
  return names.join(' ') + (more > 0 ? ` ... (${table.sequence.length} in all)` : '');
}
