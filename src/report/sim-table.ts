// `helix simulate` as text: one run in detail (throughput, latency percentiles, per-node load),
// or several runs side by side. Pure: (data, {color}) => string.

import { fitTable, table, type Column } from './fit.js';
import type { ChalkInstance } from 'chalk';
import type { SimReport } from '../sim/simulate.js';
import type { LatencySummary } from '../sim/stats.js';
import { percent, tokens } from './format.js';
import { formatLayerRange } from '../spec/layer-range.js';

export interface SimRun {
  /** What was run, e.g. the plan file. */
  readonly label: string;
  readonly report: SimReport;
}

/** Seconds with a unit that keeps three significant digits: 4.2 ms, 1.35 s, 512 s. */
export function duration(sec: number): string {
  if (!Number.isFinite(sec)) return String(sec);
  if (sec === 0) return '0 s';
  // Three significant digits; a value that rounds up to the next unit takes that unit (999.6 ms
  // is 1.00 s, not "1.00e+3 ms").
  if (Number((sec * 1000).toPrecision(3)) < 1000) return `${(sec * 1000).toPrecision(3)} ms`;
  return Number(sec.toPrecision(3)) < 100 ? `${sec.toPrecision(3)} s` : `${sec.toFixed(0)} s`;
}

function latencyRow(name: string, s: LatencySummary): string[] {
  return s.count === 0 ? [name, '-', '-', '-', '-'] : [name, duration(s.mean), duration(s.p50), duration(s.p95), duration(s.p99)];
}

function ofPlanned(r: SimReport): string {
  return r.plannedThroughput > 0 ? percent(r.throughput.total / r.plannedThroughput, 0) : '-';
}

function notes(r: SimReport, c: ChalkInstance): string[] {
  const out: string[] = [];
  if (r.truncated) out.push(c.yellow(`stopped at ${duration(r.simulatedSec)} of simulated time; ${r.requests.unfinished} request(s) unfinished${r.requests.notArrived > 0 ? `, ${r.requests.notArrived} not arrived yet` : ''}`));
  if (r.requests.rejected > 0) out.push(c.yellow(`${r.requests.rejected} request(s) rejected: longer than the model's context or than any path's KV cache`));
  // The max flow is no physical ceiling: the profiles' capacities are the rates of one request mix
  // at one cache fill, and shorter answers or a fuller cache batch more.
  if (r.plannedThroughput > 0 && r.throughput.total > 1.1 * r.plannedThroughput) {
    out.push(`above the plan's max flow: node capacities are the profiles' rates for azure-conv-like requests at the KV fill Helix profiled (0.3), and other requests or a fuller cache run larger batches (docs/delivered.md, "Other workloads")`);
  }
  return out;
}

/** The per-node table's columns; on a narrow terminal the highest `drop` goes first. */
const SIM_NODE_COLUMNS: readonly Column[] = [
  { head: 'node' },
  { head: 'gpu', drop: 4 },
  { head: 'layers' },
  { head: 'busy', align: 'right' },
  { head: 'batches', align: 'right', drop: 6 },
  { head: 'tokens/batch', align: 'right', drop: 5 },
  { head: 'batch time', align: 'right', drop: 3 },
  { head: 'KV limit', align: 'right', drop: 7 },
  { head: 'KV mean', align: 'right' },
  { head: 'KV peak', align: 'right', drop: 2 },
];

export function formatSimReport(run: SimRun, o: { color: ChalkInstance; width?: number }): string {
  const c = o.color;
  const r = run.report;
  const q = r.requests;
  const head = `${c.bold(`Simulated ${run.label}`)}: ${r.policy} routing, ${r.workload}, seed ${r.seed}`;
  const window =
    r.window.end <= r.window.start && (r.window.start > 0 || r.truncated)
      ? ' (nothing measured: the run ended before the warm-up did)'
      : r.window.start > 0 || r.truncated
        ? ` (measured ${duration(r.window.start)} to ${duration(r.window.end)})`
        : '';
  const summary = [
    `throughput  ${tokens(r.throughput.total)} tokens/s = ${tokens(r.throughput.prompt)} prompt + ${tokens(r.throughput.decode)} generated; ${ofPlanned(r)} of the planned ${tokens(r.plannedThroughput)}${window}`,
    `requests    ${q.total}: ${q.finished} finished, ${q.rejected} rejected, ${q.unfinished} unfinished${q.notArrived > 0 ? `, ${q.notArrived} not arrived yet` : ''}; ${r.meanInFlight.toFixed(1)} in flight on average`,
  ];
  const lat = table(['latency', 'mean', 'p50', 'p95', 'p99'], c, ['left', 'right', 'right', 'right', 'right']);
  lat.push(latencyRow('time to first token', r.ttft), latencyRow('time per output token', r.tpot), latencyRow('request (end to end)', r.latency));
  const nodes: string[][] = [];
  const used = r.nodes.filter((n) => n.start !== null).sort((a, b) => a.start! - b.start! || a.end! - b.end!);
  for (const n of used) {
    const busy = percent(n.utilisation, 0);
    nodes.push([
      n.name,
      n.gpu,
      formatLayerRange({ start: n.start!, end: n.end! }),
      n.utilisation >= 0.95 ? c.red(busy) : n.utilisation >= 0.8 ? c.yellow(busy) : busy,
      String(n.batches),
      n.meanBatchTokens.toFixed(1),
      n.batches > 0 ? duration(n.meanBatchSec) : '-',
      tokens(n.kvLimitTokens),
      percent(n.kvMean, 0),
      n.kvPeak >= 0.999 ? c.yellow(percent(n.kvPeak, 0)) : percent(n.kvPeak, 0),
    ]);
  }
  const rate = r.wallSec > 0 ? ` (${tokens(r.events / r.wallSec)} events/s)` : '';
  return [
    head,
    ...summary,
    lat.toString(),
    fitTable(SIM_NODE_COLUMNS, nodes, { color: c, width: o.width }),
    'busy = share of the window the node was computing; KV = share of its KV limit reserved by requests in flight',
    ...notes(r, c),
    c.dim(`${duration(r.simulatedSec)} simulated in ${duration(r.wallSec)}, ${r.events} events${rate}`),
    '',
  ].join('\n');
}

const SIM_COMPARE_COLUMNS: readonly Column[] = [
  { head: 'run' },
  { head: 'policy' },
  { head: 'tokens/s', align: 'right' },
  { head: 'prompt', align: 'right', drop: 5 },
  { head: 'generated', align: 'right', drop: 4 },
  { head: 'of planned', align: 'right', drop: 6 },
  { head: 'TTFT mean', align: 'right', drop: 3 },
  { head: 'TTFT p95', align: 'right' },
  { head: 'TPOT mean', align: 'right', drop: 2 },
  { head: 'TPOT p95', align: 'right' },
  { head: 'finished', align: 'right', drop: 7 },
  { head: 'rejected', align: 'right', drop: 8 },
];

export function formatSimCompare(runs: readonly SimRun[], o: { color: ChalkInstance; width?: number }): string {
  const c = o.color;
  const t: string[][] = [];
  const top = Math.max(0, ...runs.map((x) => x.report.throughput.total));
  for (const { label, report: r } of runs) {
    t.push([
      r.throughput.total === top && top > 0 ? c.green(label) : label,
      r.policy,
      tokens(r.throughput.total),
      tokens(r.throughput.prompt),
      tokens(r.throughput.decode),
      ofPlanned(r),
      r.ttft.count > 0 ? duration(r.ttft.mean) : '-',
      r.ttft.count > 0 ? duration(r.ttft.p95) : '-',
      r.tpot.count > 0 ? duration(r.tpot.mean) : '-',
      r.tpot.count > 0 ? duration(r.tpot.p95) : '-',
      String(r.requests.finished),
      String(r.requests.rejected),
    ]);
  }
  const workload = runs[0]?.report.workload ?? '';
  const extra = runs.flatMap((x) => notes(x.report, c).map((n) => `  ${x.label} (${x.report.policy}): ${n}`));
  return [`${c.bold('Simulated side by side')} on the same requests: ${workload}`, fitTable(SIM_COMPARE_COLUMNS, t, { color: c, width: o.width }), 'tokens/s = prompt tokens processed + tokens generated; of planned = against the plan\'s max flow', ...extra, ''].join('\n');
}
