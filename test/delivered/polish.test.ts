import { describe, expect, it } from 'vitest';
import { layoutKey, meetsTpotLimit, simulatedObjective } from '../../src/delivered/polish.js';
import { layoutOf } from '../../src/search/layout.js';
import type { Plan } from '../../src/plan/types.js';
import type { SimReport } from '../../src/sim/simulate.js';
import { tinyChain } from '../sim/tiny-plan.js';

/** Just the fields the objective reads. */
const report = (total: number, tpotP95: number, eventLimitReached = false, timed = 10) => ({ throughput: { total }, tpot: { count: timed, p95: tpotP95 }, eventLimitReached }) as unknown as SimReport;

describe('simulatedObjective', () => {
  it('scores a layout by the run of its assembled plan, once per layout, and records it', () => {
    const { cluster, placement, plan } = tinyChain();
    const runs: Plan[] = [];
    const sim = simulatedObjective(cluster, { run: (p) => (runs.push(p), report(123, 0.5)), template: plan, tpotLimit: null, minLayers: null, maxStages: null, partialInference: false });
    const layout = layoutOf(placement);
    expect(sim.score(layout)).toBe(123);
    expect(sim.score(layout)).toBe(123);
    expect(runs.length).toBe(1);
    expect(sim.runs()).toBe(1);
    // The plan simulated is the layout's own, with the template's settings.
    expect(runs[0].nodes.filter((n) => n.start !== null).map((n) => [n.name, n.start, n.end])).toEqual(plan.nodes.filter((n) => n.start !== null).map((n) => [n.name, n.start, n.end]));
    expect(runs[0].throughput).toBeCloseTo(plan.throughput, 6);
    expect(runs[0].settings).toEqual(plan.settings);
    expect(sim.simulated.get(layoutKey(layout))).toMatchObject({ throughput: 123, tpotP95: 0.5 });
  });

  it('scores 0, and records nothing, past the TPOT limit or the event cap', () => {
    const { cluster, placement, plan } = tinyChain();
    const slow = simulatedObjective(cluster, { run: () => report(500, 2), template: plan, tpotLimit: 1, minLayers: null, maxStages: null, partialInference: false });
    expect(slow.score(layoutOf(placement))).toBe(0);
    expect(slow.simulated.size).toBe(0);
    const capped = simulatedObjective(cluster, { run: () => report(500, 0.1, true), template: plan, tpotLimit: null, minLayers: null, maxStages: null, partialInference: false });
    expect(capped.score(layoutOf(placement))).toBe(0);
    const failed = simulatedObjective(cluster, { run: () => null, template: plan, tpotLimit: null, minLayers: null, maxStages: null, partialInference: false });
    expect(failed.score(layoutOf(placement))).toBe(0);
  });

  it('under a TPOT limit, a run that timed no token (its summary p95 reads 0) scores 0', () => {
    const { cluster, placement, plan } = tinyChain();
    const untimed = simulatedObjective(cluster, { run: () => report(500, 0, false, 0), template: plan, tpotLimit: 1, minLayers: null, maxStages: null, partialInference: false });
    expect(untimed.score(layoutOf(placement))).toBe(0);
    // Without a limit there is nothing to fail: the throughput counts, and no TPOT is recorded.
    const free = simulatedObjective(cluster, { run: () => report(500, 0, false, 0), template: plan, tpotLimit: null, minLayers: null, maxStages: null, partialInference: false });
    expect(free.score(layoutOf(placement))).toBe(500);
    expect(free.simulated.get(layoutKey(layoutOf(placement)))?.tpotP95).toBeNull();
  });

  it('does not simulate a layout that breaks the depth controls or carries no flow', () => {
    const { cluster, placement, plan } = tinyChain();
    let runs = 0;
    const run = () => (runs++, report(1, 0.1));
    // The chain has 5 stages; its shortest node holds 7 layers.
    expect(simulatedObjective(cluster, { run, template: plan, tpotLimit: null, minLayers: null, maxStages: 4, partialInference: false }).score(layoutOf(placement))).toBe(0);
    expect(simulatedObjective(cluster, { run, template: plan, tpotLimit: null, minLayers: 8, maxStages: null, partialInference: false }).score(layoutOf(placement))).toBe(0);
    const gap = placement.map((r) => (r && r.start === 0 ? null : r));
    expect(simulatedObjective(cluster, { run, template: plan, tpotLimit: null, minLayers: null, maxStages: null, partialInference: false }).score(layoutOf(gap))).toBe(0);
    expect(runs).toBe(0);
  });

  it('scoreMany: one run per distinct layout, through runMany, with the scores score gives', async () => {
    const { cluster, placement, plan } = tinyChain();
    const batches: number[] = [];
    let runs = 0;
    const sim = simulatedObjective(cluster, {
      run: () => (runs++, report(7, 0.5)),
      runMany: async (plans) => (batches.push(plans.length), plans.map((p) => report(p.nodes.filter((n) => n.start !== null).length, 0.5))),
      template: plan,
      tpotLimit: null,
      minLayers: null,
      maxStages: null,
      partialInference: false,
    });
    const chain = layoutOf(placement);
    const gap = layoutOf(placement.map((r) => (r && r.start === 0 ? null : r)));
    // The chain twice (run once), and a layout that carries no flow (not run, scores 0).
    expect(await sim.scoreMany([chain, gap, chain])).toEqual([5, 0, 5]);
    expect(batches).toEqual([1]);
    expect(runs).toBe(0);
    expect(sim.runs()).toBe(1);
    // Known now: neither score nor scoreMany runs it again.
    expect(sim.score(chain)).toBe(5);
    expect(await sim.scoreMany([chain])).toEqual([5]);
    expect(batches).toEqual([1, 0]);
    expect(sim.simulated.get(layoutKey(chain))).toMatchObject({ throughput: 5 });
  });
});

describe('meetsTpotLimit', () => {
  it('passes a figure at or under the limit, anything without a limit, and no missing figure under one', () => {
    expect(meetsTpotLimit(0.9, 1)).toBe(true);
    expect(meetsTpotLimit(1.1, 1)).toBe(false);
    expect(meetsTpotLimit(5, null)).toBe(true);
    expect(meetsTpotLimit(null, null)).toBe(true);
    expect(meetsTpotLimit(null, 1)).toBe(false);
  });
});
