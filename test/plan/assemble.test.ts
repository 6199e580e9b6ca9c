import { describe, expect, it } from 'vitest';
import { verifyPlan } from '../../src/verify/verify.js';
import { identicalCluster } from '../fixtures/clusters.js';
import { planFor } from '../fixtures/plans.js';

describe('assemblePlan', () => {
  it('records a gap that its recorded throughput and bound give back, however small the flow', () => {
    // A link of 9.3 millionths of a token/s (a NIC of a few bits/s): the figures round to 6
    // decimals, and a gap worked out before rounding (0.00046) failed the plan's own check.
    const cluster = identicalCluster(['a', 'b'], { linkTokensPerSec: 9.3e-6 });
    const plan = planFor(cluster, [{ start: 0, end: 3 }, { start: 3, end: 6 }], 9.3043e-6);
    expect(plan.throughput).toBeCloseTo(9e-6, 9);
    expect(plan.gap).toBe(Math.max(0, (plan.bound.value - plan.throughput) / plan.bound.value));
    expect(verifyPlan(plan, cluster).problems).toEqual([]);
  });
});
