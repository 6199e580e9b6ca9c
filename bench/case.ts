// One benchmark case in its own process, so its peak memory (maxRSS) is its own.
// argv: <cluster.yaml> <solver> <timeLimitSec> [keepLinks]; prints one JSON line.

import { loadCluster } from '../src/spec/cluster.js';
import { DEFAULT_PLANNER_OPTIONS, planCluster } from '../src/search/planner.js';
import { assemblePlan } from '../src/plan/assemble.js';
import { verifyPlan } from '../src/verify/verify.js';

const [file, solver, limit, keep] = process.argv.slice(2);
const t0 = performance.now();
const cluster = loadCluster(file);
const result = await planCluster(cluster, { ...DEFAULT_PLANNER_OPTIONS, solver, timeLimitSec: Number(limit), keepLinks: keep ? Number(keep) : null });
const plan = assemblePlan({ cluster, placement: result.placement, settings: result.settings, status: result.status, bound: result.bound, stats: result.stats });
const check = verifyPlan(plan, cluster);
process.stdout.write(
  `${JSON.stringify({
    cluster: cluster.name,
    nodes: cluster.nodes.length,
    solver,
    keepLinks: keep ? Number(keep) : null,
    verified: check.valid,
    throughput: plan.throughput,
    bound: plan.bound.value,
    boundSource: plan.bound.source,
    gap: plan.gap,
    status: plan.status,
    depth: plan.depth,
    timeToFirstSec: plan.stats.timeToFirstSec,
    timeToBestSec: plan.stats.timeToBestSec,
    totalSec: (performance.now() - t0) / 1000,
    peakMemoryMiB: process.resourceUsage().maxRSS / 1024,
  })}\n`,
);
