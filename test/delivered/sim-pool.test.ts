import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { confirmRun } from '../../src/delivered/objective.js';
import { createSimPool } from '../../src/delivered/sim-pool.js';
import { repoRoot } from '../fixtures/cli.js';
import { tinyChain } from '../sim/tiny-plan.js';
import { runBaselineMethod } from '../../src/search/baselines/index.js';
import { planFor } from '../fixtures/plans.js';

const COUNT = 200;

describe('createSimPool', () => {
  it('runs everything on this thread where there is no worker script (the TypeScript sources)', async () => {
    const { cluster, plan } = tinyChain();
    let own = 0;
    const pool = createSimPool(cluster, COUNT, 4, (p) => (own++, confirmRun(cluster, p, COUNT)));
    expect(pool.workers).toBe(0);
    const reports = await pool.runMany([plan, plan, plan]);
    expect(own).toBe(3);
    expect(reports.map((r) => r!.throughput.total)).toEqual([0, 1, 2].map(() => confirmRun(cluster, plan, COUNT)!.throughput.total));
    await pool.close();
  });

  it('from the built code, runs all but the first plan on workers, with the reports a serial run gives, in order', async () => {
    const built = (await import(pathToFileURL(join(repoRoot, 'dist', 'src', 'delivered', 'sim-pool.js')).href)) as typeof import('../../src/delivered/sim-pool.js');
    const { cluster, plan } = tinyChain();
    const petals = planFor(cluster, runBaselineMethod('petals', cluster).placement);
    let own = 0;
    const pool = built.createSimPool(cluster, COUNT, 3, (p) => (own++, confirmRun(cluster, p, COUNT)));
    try {
      expect(pool.workers).toBe(2);
      const reports = await pool.runMany([plan, petals, plan]);
      expect(own).toBe(1);
      const serial = [plan, petals, plan].map((p) => confirmRun(cluster, p, COUNT)!);
      expect(reports.map((r) => r!.throughput.total)).toEqual(serial.map((r) => r.throughput.total));
      expect(reports.map((r) => r!.tpot.p95)).toEqual(serial.map((r) => r.tpot.p95));
      // Two plans different enough that the order is checked.
      expect(serial[0].throughput.total).not.toBe(serial[1].throughput.total);
      // More plans than threads: the rest run here.
      await pool.runMany([plan, plan, plan, petals]);
      expect(own).toBe(3);
    } finally {
      await pool.close();
    }
  }, 60_000);

  it('from the built code: a worker that goes away never leaves a run hanging, and later runs stay on this thread', async () => {
    const built = (await import(pathToFileURL(join(repoRoot, 'dist', 'src', 'delivered', 'sim-pool.js')).href)) as typeof import('../../src/delivered/sim-pool.js');
    const { cluster, plan } = tinyChain();
    let own = 0;
    const pool = built.createSimPool(cluster, COUNT, 2, (p) => (own++, confirmRun(cluster, p, COUNT)));
    expect(pool.workers).toBe(1);
    const during = pool.runMany([plan, plan]);
    await pool.close();
    // The worker's run either finished before it went or comes back as null: never a hang.
    const first = await during;
    expect(first.length).toBe(2);
    expect(first[0]).not.toBeNull();
    const after = await pool.runMany([plan, plan]);
    expect(after.every((r) => r !== null)).toBe(true);
    expect(own).toBe(3);
  }, 60_000);
});
