// `helix compare` as a table with each method's note beneath it. Pure: (data, {color}) => string.

import { fitTable, type Column } from './fit.js';
import type { ChalkInstance } from 'chalk';
import type { Comparison } from '../search/baselines/compare.js';
import { maxFlowCounting, millis, percent, seconds, tokens } from './format.js';
import { DEFAULT_WORKLOAD } from '../spec/workload-name.js';

export interface CompareReport extends Comparison {
  readonly cluster: string;
  /** The requests the delivered figures are for (`--workload`). */
  readonly workload?: string;
}

/** On a narrow terminal the highest `drop` goes first. */
const COMPARE_COLUMNS: readonly Column[] = [
  { head: 'method' },
  { head: 'tokens/s', align: 'right' },
  { head: 'vs best baseline', align: 'right', drop: 2 },
  { head: 'of bound', align: 'right', drop: 5 },
  { head: 'nodes used', align: 'right', drop: 7 },
  { head: 'layer copies', align: 'right', drop: 8 },
  { head: 'depth', align: 'right', drop: 4 },
  { head: 'delivered', align: 'right' },
  { head: 'TTFT', align: 'right', drop: 3 },
  { head: 'TPOT', align: 'right', drop: 1 },
  { head: 'time', align: 'right', drop: 9 },
  { head: 'status', drop: 6 },
];

export function formatCompare(report: CompareReport, o: { color: ChalkInstance; width?: number }): string {
  const c = o.color;
  const t: string[][] = [];
  const top = Math.max(0, ...report.rows.map((r) => r.throughput));
  for (const r of report.rows) {
    t.push([
      r.throughput === top && top > 0 ? c.green(r.method) : r.throughput > 0 ? r.method : c.dim(r.method),
      tokens(r.throughput),
      r.vsBestBaseline === null ? '-' : `${r.vsBestBaseline.toFixed(2)}x`,
      percent(r.vsBound),
      String(r.nodesUsed),
      r.layerCopies.toFixed(2),
      String(r.depth),
      r.delivered ? tokens(r.delivered.throughput) : '-',
      r.delivered ? seconds(r.delivered.ttftSec) : '-',
      r.delivered ? millis(r.delivered.tpotSec) : '-',
      seconds(r.timeSec),
      r.status,
    ]);
  }
  const width = Math.max(...report.rows.map((r) => r.method.length));
  const notes = report.rows.filter((r) => r.note !== '').map((r) => `  ${r.method.padEnd(width)}  ${c.dim(r.note)}`);
  // Max flow counts tokens at the profiles' request mix; delivered figures for other requests
  // are in theirs, and may exceed it (short answers serve several times the azure-conv rate).
  const counting = maxFlowCounting(report.workload);
  const unit = counting ? `, ${counting}` : '';
  return [
    `${c.bold(`Placement methods on ${report.cluster}`)} (upper bound on max flow ${tokens(report.bound)} tokens/s${unit})`,
    fitTable(COMPARE_COLUMNS, t, { color: c, width: o.width }),
    `tokens/s = max flow${unit}; layer copies = layers held on all nodes / model layers; depth = stages on the deepest path`,
    `delivered, TTFT, TPOT = what the delivered-throughput model predicts for ${report.workload ?? DEFAULT_WORKLOAD} requests once KV-cache room and per-stage latency count (docs/delivered.md)`,
    ...(report.rows.some((r) => r.throughput > 0 && !r.delivered) ? ['  (- where a machine has no per-layer timings, which the model needs: layer-time/<model>/<GPU>.yaml in the profile folder, the one above it, or the bundled profiles)'] : []),
    ...notes,
    '',
  ].join('\n');
}
