// `npm run bench`: plans each benchmark cluster in its own process (so peak memory is its own),
// with every solver where it matters, and prints a table; bench/results.json keeps the figures.
// Usage: node dist/bench/run.js [--quick] [--only name,name] [--time-limit S]

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Table from 'cli-table3';
import { generateCluster } from './generate.js';
import { runMethods } from './methods.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const limitArg = args.indexOf('--time-limit');
const limit = limitArg >= 0 ? Number(args[limitArg + 1]) : quick ? 10 : 60;
const onlyArg = args.indexOf('--only');
const only = onlyArg >= 0 ? new Set(args[onlyArg + 1].split(',')) : null;

interface Case {
  readonly name: string;
  readonly file: string;
  readonly solvers: readonly string[];
  readonly keepLinks?: number;
}

const gen = mkdtempSync(join(tmpdir(), 'helix-bench-'));
const profiles = join(root, 'profiles', 'helix-set-b');
const cases: Case[] = [
  { name: 'single24', file: join(root, 'clusters', 'single24.yaml'), solvers: ['glpk', 'highs'] },
  { name: 'geo3', file: join(root, 'clusters', 'geo3.yaml'), solvers: ['glpk'] },
  { name: 'hetero42', file: join(root, 'clusters', 'hetero42.yaml'), solvers: ['glpk', 'highs'] },
  { name: 'hetero42-keep12', file: join(root, 'clusters', 'hetero42.yaml'), solvers: ['glpk'], keepLinks: 12 },
  ...[100, 250, 1000].flatMap((nodes) =>
    [1, 3, 10].map((regions) => ({
      name: `gen${nodes}-r${regions}`,
      file: generateCluster({ nodes, regions, types: 7, seed: nodes + regions }, gen, profiles),
      solvers: ['glpk'],
    })),
  ),
].filter((c) => (only ? only.has(c.name) : !quick || ['single24', 'geo3', 'hetero42'].includes(c.name)));

const rows: Record<string, unknown>[] = [];
for (const c of cases) {
  for (const solver of c.solvers) {
    process.stderr.write(`bench: ${c.name} (${solver}) ...\n`);
    let row: Record<string, unknown>;
    try {
      const out = execFileSync(process.execPath, [join(root, 'dist', 'bench', 'case.js'), c.file, solver, String(limit), ...(c.keepLinks ? [String(c.keepLinks)] : [])], {
        encoding: 'utf8',
        maxBuffer: 1 << 24,
        timeout: (limit + 120) * 1000,
      });
      row = { case: c.name, ...JSON.parse(out.trim().split('\n').at(-1)!) };
    } catch (e) {
      row = { case: c.name, solver, error: (e as Error).message.split('\n')[0] };
    }
    rows.push(row);
  }
}

const fmt = (x: unknown, d = 1) => (typeof x === 'number' ? x.toFixed(d) : x === null || x === undefined ? '-' : String(x));
const table = new Table({ style: { head: [], border: [] }, head: ['case', 'nodes', 'solver', 'throughput', 'bound', 'gap', 'status', 'depth', 'first (s)', 'best (s)', 'total (s)', 'peak MiB', 'verified'] });
for (const r of rows) {
  table.push([
    r.case, fmt(r.nodes, 0), r.solver, fmt(r.throughput), fmt(r.bound), r.gap === undefined ? '-' : `${(Number(r.gap) * 100).toFixed(2)}%`,
    r.error ? `error: ${r.error}` : r.status, fmt(r.depth, 0), fmt(r.timeToFirstSec, 2), fmt(r.timeToBestSec, 2), fmt(r.totalSec, 2), fmt(r.peakMemoryMiB, 0), fmt(r.verified),
  ].map(String));
}
process.stdout.write(`Planner (time limit ${limit} s per run)\n${table.toString()}\n`);

const methods = runMethods([join(root, 'clusters', 'single24.yaml'), join(root, 'clusters', 'geo3.yaml')], rows);
process.stdout.write(`\nPlacement methods (exact max flow of each placement)\n${methods.text}\n`);

rmSync(gen, { recursive: true, force: true });

const out = join(root, 'bench', 'results.json');
writeFileSync(out, `${JSON.stringify({ date: new Date().toISOString(), timeLimitSec: limit, planner: rows, methods: methods.rows }, null, 2)}\n`);
process.stdout.write(`\nwrote ${out}\n`);
