// The simulator benchmark: node dist/bench/sim.js [--quick] [--plan-time S] [--json FILE]
//  1. Cross-check: offline simulated throughput of the planner's plan against its max flow
//     (tiny, single24), with Little's law beside it to show where a gap comes from.
//  2. geo3: routing policies (IWRR, random, shortest-queue, swarm) on the MILP, swarm and
//     petals placements, offline and at one online rate, all on identical request streams.
//  3. Speed: 10 minutes of azure-conv traffic on single24 at 80% of the planned throughput.

import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Table from 'cli-table3';
import { loadCluster } from '../src/spec/cluster.js';
import type { Cluster } from '../src/spec/types.js';
import { DEFAULT_PLANNER_OPTIONS, planCluster } from '../src/search/planner.js';
import { assemblePlan } from '../src/plan/assemble.js';
import type { Plan, PlanMethod } from '../src/plan/types.js';
import { simulate, type SimOptions, type SimReport } from '../src/sim/simulate.js';
import { generateRequests, rateForLoad, type LengthSpec } from '../src/sim/requests.js';
import { loadArrivals, loadLengths } from '../src/sim/traces.js';
import type { PolicyName } from '../src/schedule/policies.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const flag = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const planTime = Number(flag('--plan-time') ?? (quick ? 10 : 30));
const jsonOut = flag('--json');

const lengths: LengthSpec = { kind: 'sampled', samples: loadLengths('azure-conv') };
const clusterFile = (name: string) => join(root, 'clusters', `${name}.yaml`);
const fmt = (x: number, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : '-');
const ms = (s: number) => (s > 0 ? `${(s * 1000).toFixed(0)}` : '-');
const log = (line: string) => process.stderr.write(`bench-sim: ${line}\n`);

async function makePlan(cluster: Cluster, method: PlanMethod): Promise<Plan> {
  const r = await planCluster(cluster, { ...DEFAULT_PLANNER_OPTIONS, method, timeLimitSec: planTime });
  return assemblePlan({ cluster, placement: r.placement, settings: r.settings, status: r.status, bound: r.bound, stats: r.stats, flow: r.flow });
}

const results: Record<string, unknown> = { date: new Date().toISOString(), quick, planTimeSec: planTime };

// 1. Cross-check against max flow.
{
  const table = new Table({
    style: { head: [], border: [] },
    head: ['cluster', 'plan depth', 'KV fill', 'max flow', 'sim tokens/s', 'of max flow', 'sim decode/s', 'in flight', 'TPOT ms', 'in flight / TPOT', 'busiest node'],
  });
  const rows: Record<string, unknown>[] = [];
  for (const [name, count] of [
    ['tiny', quick ? 200 : 400],
    ['single24', quick ? 1500 : 3000],
  ] as const) {
    const cluster = loadCluster(clusterFile(name));
    log(`planning ${name}`);
    const plan = await makePlan(cluster, 'milp');
    const requests = generateRequests({ kind: 'offline', count }, lengths, 1);
    for (const kvFill of [0.3, 0.9]) {
      log(`${name} offline x${count}, KV fill ${kvFill}`);
      const r = simulate(cluster, plan, { requests, kvFill, warmupSec: 300, untilSec: quick ? 900 : 1800 });
      const busiest = r.nodes.reduce((a, b) => (b.utilisation > a.utilisation ? b : a));
      const little = r.tpot.mean > 0 ? r.meanInFlight / r.tpot.mean : 0;
      rows.push({ cluster: name, depth: plan.depth, kvFill, maxFlow: plan.throughput, sim: r.throughput, inFlight: r.meanInFlight, tpotMean: r.tpot.mean, littleDecode: little, busiest: { name: busiest.name, utilisation: busiest.utilisation } });
      table.push([name, String(plan.depth), String(kvFill), fmt(plan.throughput), fmt(r.throughput.total), `${fmt((100 * r.throughput.total) / plan.throughput, 0)}%`, fmt(r.throughput.decode), fmt(r.meanInFlight), ms(r.tpot.mean), fmt(little), `${busiest.name} ${fmt(busiest.utilisation * 100, 0)}%`]);
    }
  }
  results.crossCheck = rows;
  process.stdout.write(`Offline throughput: simulation vs the plan's max flow (azure-conv lengths; measured after 300 s of warm-up)\n${table.toString()}\n`);
  process.stdout.write('in flight / TPOT = the decode rate Little\'s law allows: requests the KV caches admit over the time one decode step takes round the pipeline\n\n');
}

// 2. geo3: placements x routing policies on the same requests.
{
  const cluster = loadCluster(clusterFile('geo3'));
  const plans: [string, Plan][] = [];
  for (const method of ['milp', 'swarm', 'petals'] as const) {
    log(`planning geo3 (${method})`);
    plans.push([method, await makePlan(cluster, method)]);
  }
  const policies: PolicyName[] = ['iwrr', 'random', 'shortest-queue', 'swarm'];
  const offline = generateRequests({ kind: 'offline', count: quick ? 300 : 600 }, lengths, 2);
  const online = generateRequests({ kind: 'trace', trace: loadArrivals('azure-conv'), rate: 0.1, durationSec: quick ? 300 : 600 }, lengths, 3);
  const table = new Table({
    style: { head: [], border: [] },
    head: ['placement', 'max flow', 'depth', 'policy', 'offline tokens/s', 'offline TPOT p95 ms', 'online TTFT mean s', 'online TTFT p95 s', 'online TPOT mean ms', 'online TPOT p95 ms'],
  });
  const rows: Record<string, unknown>[] = [];
  for (const [method, plan] of plans) {
    for (const policy of policies) {
      log(`geo3 ${method} ${policy}`);
      const base: Omit<SimOptions, 'requests'> = { policy, seed: 1 };
      const off: SimReport = simulate(cluster, plan, { ...base, requests: offline, warmupSec: 300, untilSec: quick ? 900 : 1500 });
      const on: SimReport = simulate(cluster, plan, { ...base, requests: online });
      rows.push({ placement: method, maxFlow: plan.throughput, depth: plan.depth, policy, offline: { throughput: off.throughput, tpot: off.tpot }, online: { throughput: on.throughput, ttft: on.ttft, tpot: on.tpot, finished: on.requests.finished } });
      table.push([method, fmt(plan.throughput), String(plan.depth), policy, fmt(off.throughput.total), ms(off.tpot.p95), fmt(on.ttft.mean, 2), fmt(on.ttft.p95, 2), ms(on.tpot.mean), ms(on.tpot.p95)]);
    }
  }
  results.geo3 = rows;
  process.stdout.write(`geo3: placements x routing policies (offline: ${offline.description}; online: ${online.description})\n${table.toString()}\n\n`);
}

// 3. Speed.
{
  const cluster = loadCluster(clusterFile('single24'));
  log('planning single24 for the speed run');
  const plan = await makePlan(cluster, 'milp');
  const rate = rateForLoad(0.8, plan.throughput, lengths);
  const requests = generateRequests({ kind: 'trace', trace: loadArrivals('azure-conv'), rate, durationSec: 600 }, lengths, 1);
  log('speed run');
  const r = simulate(cluster, plan, { requests });
  const speed = { requests: r.requests.total, simulatedSec: r.simulatedSec, wallSec: r.wallSec, events: r.events, eventsPerSec: r.events / r.wallSec };
  results.speed = speed;
  process.stdout.write(
    `Speed: 10 min of azure-conv arrivals on single24 at 80% of ${fmt(plan.throughput)} tokens/s (${fmt(rate, 2)} req/s, ${r.requests.total} requests, ${fmt(r.simulatedSec, 0)} s simulated to drain): ${fmt(r.wallSec, 2)} s wall, ${r.events} events, ${fmt(speed.eventsPerSec, 0)} events/s\n`,
  );
}

if (jsonOut) {
  writeFileSync(jsonOut, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`wrote ${jsonOut}\n`);
}
