// The baselines beside the planner, per cluster: what `helix compare` shows, for the benchmark.

import Table from 'cli-table3';
import { loadCluster } from '../src/spec/cluster.js';
import { runBaselines } from '../src/search/baselines/index.js';

export function runMethods(files: readonly string[], plannerRows: readonly Record<string, unknown>[]): { text: string; rows: Record<string, unknown>[] } {
  const rows: Record<string, unknown>[] = [];
  const table = new Table({ style: { head: [], border: [] }, head: ['cluster', 'method', 'throughput', 'vs planner', 'time (s)'] });
  for (const file of files) {
    const cluster = loadCluster(file);
    const planner = plannerRows.find((r) => r.cluster === cluster.name && r.solver === 'glpk');
    const milp = typeof planner?.throughput === 'number' ? planner.throughput : NaN;
    for (const b of runBaselines(cluster)) {
      rows.push({ cluster: cluster.name, method: b.method, throughput: b.throughput, ratioToPlanner: b.throughput / milp, timeSec: b.timeSec });
      table.push([cluster.name, b.method, b.throughput.toFixed(1), `${(b.throughput / milp).toFixed(3)}x`, b.timeSec.toFixed(3)]);
    }
    table.push([cluster.name, 'milp (helix plan)', Number.isFinite(milp) ? milp.toFixed(1) : '-', '1.000x', typeof planner?.totalSec === 'number' ? planner.totalSec.toFixed(2) : '-']);
  }
  return { text: table.toString(), rows };
}
