// End to end through the built binary (`npm run build` first): plans carry the prediction, and
// --objective delivered picks among candidates and says which.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { helixAsync } from '../fixtures/cli.js';
import { depthVariants } from '../../src/delivered/objective.js';

describe('helix plan and the delivered model', () => {
  it('every plan reports predicted delivered throughput, TTFT, TPOT and depth', async () => {
    const r = await helixAsync(['plan', 'clusters/tiny.yaml', '-t', '2', '--json']);
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.stdout);
    expect(plan.delivered.throughput).toBeGreaterThan(0);
    expect(plan.delivered.throughput).toBeLessThanOrEqual(plan.throughput + 1e-6);
    expect(plan.delivered.tpotSec).toBeGreaterThan(0);
    expect(plan.delivered.ttftSec).toBeGreaterThan(0);
    expect(plan.depth).toBeGreaterThan(0);
    const text = await helixAsync(['plan', 'clusters/tiny.yaml', '-t', '2', '--no-color']);
    expect(text.stdout).toMatch(/delivered\s+[\d,]+ tokens\/s predicted/);
  }, 60_000);

  it('--objective delivered keeps the best predicted candidate and notes the choice', async () => {
    const r = await helixAsync(['plan', 'clusters/tiny.yaml', '-t', '3', '--objective', 'delivered', '--json']);
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.stdout);
    const note: string = plan.stats.notes.find((n: string) => n.startsWith('objective delivered: chose'));
    expect(note).toBeDefined();
    // Every candidate listed with its prediction; the chosen one's matches the plan's own.
    const predicted = [...note.matchAll(/predicted (\d+)/g)].map((m) => Number(m[1]));
    expect(predicted.length).toBeGreaterThanOrEqual(2);
    expect(Math.round(plan.delivered.throughput)).toBeGreaterThanOrEqual(Math.min(...predicted));
    const bad = await helixAsync(['plan', 'clusters/tiny.yaml', '--objective', 'fastest']);
    expect(bad.code).toBe(2);
  }, 60_000);

  it('depth variants are shallower than the max-flow plan and distinct', async () => {
    const v = depthVariants(24, 80);
    expect(v.map((x) => x.label)).toEqual(['max-stages 16', 'max-stages 12', 'max-stages 8', 'max-stages 6', 'min-layers 7', 'min-layers 14']);
    expect(depthVariants(1, 80)).toEqual([]);
  });
});

const tmp = mkdtempSync(join(tmpdir(), 'helix-objective-'));

describe('the delivered objective as the default', () => {
  it('plans for tokens/s served unless told otherwise, and the plan says which objective it was made for', async () => {
    const d = await helixAsync(['plan', 'clusters/tiny.yaml', '-t', '3', '--json']);
    expect(d.code, d.stderr).toBe(0);
    const plan = JSON.parse(d.stdout);
    expect(plan.settings.objective).toBe('delivered');
    // The user's settings, not the winning candidate's share of the time or depth controls.
    expect(plan.settings.timeLimitSec).toBe(3);
    expect(plan.settings.maxStages).toBeNull();
    expect(plan.stats.notes.some((n: string) => n.startsWith('objective delivered: chose'))).toBe(true);
    const m = JSON.parse((await helixAsync(['plan', 'clusters/tiny.yaml', '-t', '3', '--objective', 'maxflow', '--json'])).stdout);
    expect(m.settings.objective).toBe('maxflow');
    expect(m.stats.notes.some((n: string) => n.startsWith('objective delivered'))).toBe(false);
    // A fixed placement method has no objective to record.
    const p = JSON.parse((await helixAsync(['plan', 'clusters/tiny.yaml', '--method', 'petals', '--json'])).stdout);
    expect(p.settings.objective).toBeUndefined();
    const text = (await helixAsync(['plan', 'clusters/tiny.yaml', '-t', '3', '--no-color'])).stdout;
    expect(text).toMatch(/^objective\s+delivered/m);
    // tiny's delivered plan is its max-flow optimum: no max flow was given up for it.
    const gap = Number(text.match(/gap ([\d.]+)%/)![1]);
    if (gap > 0) expect(text).toMatch(/gap [\d.]+% \(max flow traded for delivery\)/);
    else expect(text).not.toMatch(/traded for delivery/);
  }, 120_000);

  it('validate: no --max-gap against the max-flow bound for a delivered plan; --fresh judges it by simulation', async () => {
    const plan = join(tmp, 'tiny.json');
    writeFileSync(plan, (await helixAsync(['plan', 'clusters/tiny.yaml', '-t', '3', '--json'])).stdout);
    const gap = await helixAsync(['validate', plan, '--cluster', 'clusters/tiny.yaml', '--max-gap', '0.05']);
    expect(gap.code).toBe(2);
    expect(gap.stderr).toMatch(/--objective delivered.*--fresh/);
    const ok = await helixAsync(['validate', plan, '--cluster', 'clusters/tiny.yaml', '--fresh', '-t', '3', '--max-gap', '0.1', '--json']);
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    const [r] = JSON.parse(ok.stdout);
    expect(r.objective).toBe('delivered');
    expect(r.served).toBeGreaterThan(0);
    expect(r.fresh).toBeGreaterThan(0);
    // geo3's swarm placement, passed off as a delivered plan, serves far less than a fresh one.
    const swarm = JSON.parse((await helixAsync(['plan', 'clusters/geo3.yaml', '--method', 'swarm', '--json'])).stdout);
    const stale = join(tmp, 'stale.json');
    writeFileSync(stale, JSON.stringify({ ...swarm, settings: { ...swarm.settings, objective: 'delivered' } }));
    // Without --max-gap a delivered plan is allowed 3% (simulated figures of equal plans differ by 1-2%).
    const s = await helixAsync(['validate', stale, '--cluster', 'clusters/geo3.yaml', '--fresh', '-t', '4', '--json']);
    expect(s.code, s.stderr).toBe(1);
    const [v] = JSON.parse(s.stdout);
    expect(v.served).toBeLessThan(0.95 * v.fresh);
    expect(v.problems.map((p: { message: string }) => p.message).join()).toMatch(/stale: a fresh delivered plan serves .*less \(allowed 3\.0%\)/);
  }, 180_000);

  it('replan keeps max flow as its objective and says so for a delivered plan in force', async () => {
    const plan = join(tmp, 'tiny-replan.json');
    writeFileSync(plan, (await helixAsync(['plan', 'clusters/tiny.yaml', '-t', '3', '--json'])).stdout);
    // The same cluster again: nothing failed, but the plan in force is re-planned all the same.
    const r = await helixAsync(['replan', plan, '-c', 'clusters/tiny.yaml', '--add-from', 'clusters/tiny.yaml', '--time-limit', '2', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const next = JSON.parse(r.stdout).plan;
    expect(next.settings.objective).toBe('maxflow');
    expect(next.stats.notes.join()).toMatch(/made for --objective delivered; replan keeps few moves for max flow \(predicted to serve [\d,]+ tokens\/s, against [\d,]+ before the change\)/);
  }, 120_000);
});
