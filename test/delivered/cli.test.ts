// End to end through the built binary (`npm run build` first): plans carry the prediction, and
// --objective delivered picks among candidates and says which.
import { describe, expect, it } from 'vitest';
import { helix } from '../fixtures/cli.js';
import { depthVariants } from '../../src/delivered/objective.js';

describe('helix plan and the delivered model', () => {
  it('every plan reports predicted delivered throughput, TTFT, TPOT and depth', () => {
    const r = helix(['plan', 'clusters/tiny.yaml', '-t', '2', '--json']);
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.stdout);
    expect(plan.delivered.throughput).toBeGreaterThan(0);
    expect(plan.delivered.throughput).toBeLessThanOrEqual(plan.throughput + 1e-6);
    expect(plan.delivered.tpotSec).toBeGreaterThan(0);
    expect(plan.delivered.ttftSec).toBeGreaterThan(0);
    expect(plan.depth).toBeGreaterThan(0);
    const text = helix(['plan', 'clusters/tiny.yaml', '-t', '2', '--no-color']);
    expect(text.stdout).toMatch(/delivered\s+[\d,]+ tokens\/s predicted/);
  }, 60_000);

  it('--objective delivered keeps the best predicted candidate and notes the choice', () => {
    const r = helix(['plan', 'clusters/tiny.yaml', '-t', '3', '--objective', 'delivered', '--json']);
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.stdout);
    const note: string = plan.stats.notes.find((n: string) => n.startsWith('objective delivered: chose'));
    expect(note).toBeDefined();
    // Every candidate listed with its prediction; the chosen one's matches the plan's own.
    const predicted = [...note.matchAll(/predicted (\d+)/g)].map((m) => Number(m[1]));
    expect(predicted.length).toBeGreaterThanOrEqual(2);
    expect(Math.round(plan.delivered.throughput)).toBeGreaterThanOrEqual(Math.min(...predicted));
    const bad = helix(['plan', 'clusters/tiny.yaml', '--objective', 'fastest']);
    expect(bad.code).toBe(2);
  }, 60_000);

  it('depth variants are shallower than the max-flow plan and distinct', () => {
    const v = depthVariants(24, 80);
    expect(v.map((x) => x.label)).toEqual(['max-stages 16', 'max-stages 12', 'max-stages 8', 'max-stages 6', 'min-layers 7', 'min-layers 14']);
    expect(depthVariants(1, 80)).toEqual([]);
  });
});
