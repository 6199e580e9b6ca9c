import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { loadCluster } from '../../src/spec/cluster.js';
import { planForDelivered } from '../../src/delivered/objective.js';
import { compareWithFresh } from '../../src/delivered/fresh.js';
import { DEFAULT_PLANNER_OPTIONS } from '../../src/search/planner.js';
import { runBaselineMethod } from '../../src/search/baselines/index.js';
import { assemblePlan } from '../../src/plan/assemble.js';
import { repoRoot } from '../fixtures/cli.js';

describe('compareWithFresh', () => {
  it('measures a plan the way the fresh plan was chosen: by its confirming simulation, else by the model', async () => {
    const cluster = loadCluster(join(repoRoot, 'clusters', 'tiny.yaml'));
    const choice = await planForDelivered(cluster, { ...DEFAULT_PLANNER_OPTIONS, timeLimitSec: 2 });
    // The fresh plan itself, measured again on the same requests, serves exactly what it did.
    const same = compareWithFresh(cluster, choice.chosen.plan, choice)!;
    expect(same.by).toBe('simulation');
    expect(same.served).toBeCloseTo(same.fresh, 9);
    // Where nothing was simulated (a cluster too large), both sides are the model's.
    const unsimulated = { ...choice, confirmRequests: null };
    const byModel = compareWithFresh(cluster, choice.chosen.plan, unsimulated)!;
    expect(byModel.by).toBe('model');
    expect(byModel.served).toBeCloseTo(choice.chosen.predicted!.throughput, 6);
    // Another placement is measured on the same stream, not on its own.
    const b = runBaselineMethod('petals', cluster);
    const petals = assemblePlan({ cluster, placement: b.placement, flow: b.flow, settings: choice.chosen.plan.settings, status: 'heuristic', bound: choice.chosen.plan.bound, stats: { wallTimeSec: 0, timeToFirstSec: null, timeToBestSec: null, linksDropped: 0, notes: [] } });
    const other = compareWithFresh(cluster, petals, choice)!;
    expect(other.fresh).toBe(same.fresh);
    expect(other.served).toBeGreaterThan(0);
  }, 60_000);
});
