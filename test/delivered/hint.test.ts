// The note a max-flow plan gets when a baseline placement is predicted to serve more.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { loadCluster } from '../../src/spec/cluster.js';
import { bestServingBaseline, HINT_MARGIN, maxFlowHint } from '../../src/delivered/hint.js';
import { runBaselines } from '../../src/search/baselines/index.js';
import { predictRouted } from '../../src/delivered/layout-score.js';
import { helix } from '../fixtures/cli.js';

const single24 = () => loadCluster(join(process.cwd(), 'clusters', 'single24.yaml'));
const noControls = { minLayers: null, maxStages: null };

describe('maxFlowHint', () => {
  const rival = { method: 'petals' as const, predicted: 530 };
  it('speaks only past the margin, and names the rival, both figures and the way out', () => {
    expect(maxFlowHint(530 / (1 + HINT_MARGIN) + 1, rival)).toBeNull();
    const note = maxFlowHint(489, rival);
    expect(note).toContain('petals placement is predicted to serve 530 tokens/s, 8% more than this plan (489)');
    expect(note).toContain('--objective delivered');
  });
  it('stays silent without a prediction or a rival', () => {
    expect(maxFlowHint(undefined, rival)).toBeNull();
    expect(maxFlowHint(100, null)).toBeNull();
  });
});

describe('bestServingBaseline', () => {
  it('is the baseline with the highest prediction, within the depth controls', () => {
    const cluster = single24();
    const baselines = runBaselines(cluster);
    const best = bestServingBaseline(cluster, baselines, noControls)!;
    for (const b of baselines) {
      expect(best.predicted).toBeGreaterThanOrEqual((predictRouted(cluster, b.placement, b.flow)?.throughput ?? 0) - 1e-9);
    }
    // petals is 9 stages deep on single24: a cap of 8 rules it out.
    const capped = bestServingBaseline(cluster, baselines, { ...noControls, maxStages: 8 });
    expect(capped?.method).not.toBe('petals');
  });
});

describe('helix plan (max flow) on single24', () => {
  it('notes that petals is predicted to out-serve the 24-stage max-flow plan', () => {
    const r = helix(['plan', 'clusters/single24.yaml', '-t', '3', '--objective', 'maxflow', '--json']);
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.stdout);
    const note: string | undefined = plan.stats.notes.find((n: string) => n.includes('--objective delivered'));
    expect(note).toMatch(/^the \w+ placement is predicted to serve \d+ tokens\/s/);
    expect(Number(/this plan \((\d+)\)/.exec(note!)![1])).toBe(Math.round(plan.delivered.throughput));
  }, 60_000);
});
