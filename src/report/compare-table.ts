// `helix compare` as a table with each method's note beneath it. Pure: (data, {color}) => string.

import Table from 'cli-table3';
import type { ChalkInstance } from 'chalk';
import type { Comparison } from '../search/baselines/compare.js';
import { percent, seconds, tokens } from './format.js';
import { DEFAULT_WORKLOAD } from '../spec/workload-name.js';

export interface CompareReport extends Comparison {
  readonly cluster: string;
  /** The requests the delivered figures are for (`--workload`). */
  readonly workload?: string;
}

export function formatCompare(report: CompareReport, o: { color: ChalkInstance }): string {
  const c = o.color;
  const t = new Table({
    head: ['method', 'tokens/s', 'vs best baseline', 'of bound', 'nodes used', 'layer copies', 'depth', 'delivered', 'TTFT', 'TPOT', 'time', 'status'].map((h) => c.bold(h)),
    colAligns: ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'left'],
    style: { head: [], border: [], compact: true },
  });
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
      r.delivered ? `${Math.round(r.delivered.tpotSec * 1000)} ms` : '-',
      seconds(r.timeSec),
      r.status,
    ]);
  }
  const width = Math.max(...report.rows.map((r) => r.method.length));
  const notes = report.rows.filter((r) => r.note !== '').map((r) => `  ${r.method.padEnd(width)}  ${c.dim(r.note)}`);
  return [
    `${c.bold(`Placement methods on ${report.cluster}`)} (upper bound ${tokens(report.bound)} tokens/s)`,
    t.toString(),
    'tokens/s = max flow; layer copies = layers held on all nodes / model layers; depth = stages on the deepest path',
    `delivered, TTFT, TPOT = what the delivered-throughput model predicts for ${report.workload ?? DEFAULT_WORKLOAD} requests once KV-cache room and per-stage latency count (docs/delivered.md)`,
    ...(report.rows.some((r) => r.throughput > 0 && !r.delivered) ? ['  (- where a machine has no per-layer timings under profiles/layer-time, which the model needs)'] : []),
    ...notes,
    '',
  ].join('\n');
}
