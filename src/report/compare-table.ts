// `helix compare` as a table. Pure: (rows, {color}) => string.

import Table from 'cli-table3';
import type { ChalkInstance } from 'chalk';
import type { MethodRow } from '../search/compare.js';
import { percent, seconds, tokens } from './format.js';

export function formatCompare(cluster: string, rows: readonly MethodRow[], bound: number, o: { color: ChalkInstance }): string {
  const c = o.color;
  const t = new Table({
    head: ['method', 'tokens/s', 'vs best baseline', 'of bound', 'nodes used', 'layer copies', 'time', 'status'].map((h) => c.bold(h)),
    colAligns: ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'left'],
    style: { head: [], border: [], compact: true },
  });
  const top = Math.max(...rows.map((r) => r.throughput));
  for (const r of rows) {
    const name = r.throughput === top && top > 0 ? c.green(r.method) : r.method;
    t.push([
      name,
      tokens(r.throughput),
      Number.isFinite(r.vsBestBaseline) ? `${r.vsBestBaseline.toFixed(2)}x` : '-',
      percent(r.vsBound),
      String(r.nodesUsed),
      r.layerCopies.toFixed(2),
      seconds(r.timeSec),
      r.status,
    ]);
  }
  return `${c.bold(`Placement methods on ${cluster}`)} (upper bound ${tokens(bound)} tokens/s)\n${t.toString()}\n`;
}
