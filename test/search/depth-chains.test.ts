import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { loadCluster } from '../../src/spec/cluster.js';
import { depthChains, depthControlsInfeasible, fewestStages } from '../../src/search/depth-chains.js';
import { evaluatePlacement } from '../../src/graph/placement-flow.js';
import { flowDepth } from '../../src/plan/assemble.js';
import { DEFAULT_PLANNER_OPTIONS, planCluster, respectsDepthControls } from '../../src/search/planner.js';
import { bruteForceOptimum, randomSmallCluster } from '../fixtures/clusters.js';
import { repoRoot } from '../fixtures/cli.js';

const single24 = () => loadCluster(join(repoRoot, 'clusters', 'single24.yaml'));

describe('depth controls by counting', () => {
  it('single24 needs 9 stages: 4 A100s x 12 and 4 L4s x 7 hold 76 of 80 layers', () => {
    const c = single24();
    expect(fewestStages(c, null).stages).toBe(9);
    expect(depthControlsInfeasible(c, { maxStages: 9, minLayers: null })).toBeNull();
    expect(depthControlsInfeasible(c, { maxStages: 8, minLayers: null })).toMatch(/--max-stages 8 is below .* hold 76 of 80 .*; 9 stages is the least/);
    expect(depthControlsInfeasible(c, { maxStages: null, minLayers: 13 })).toMatch(/no node can hold 13 layers .* the most any node holds is 12/);
    // T4s (4 layers at most) drop out under --min-layers 5: A100s and L4s alone still need 9.
    expect(fewestStages(c, 5).stages).toBe(9);
  });

  it('on small clusters, controls the counting rules out admit no placement at all', () => {
    for (let seed = 1; seed <= 6; seed++) {
      const c = randomSmallCluster(seed, { nodes: 4, layers: 5, maxLayers: 3, regions: 1, missingLinks: 0, nonMonotone: true });
      for (const maxStages of [1, 2, 3]) {
        const o = { maxStages, minLayers: null };
        if (depthControlsInfeasible(c, o) === null) continue;
        expect(bruteForceOptimum(c, false, (flow) => flowDepth(c, flow) <= maxStages).throughput).toBe(0);
      }
    }
  });
});

describe('depthChains', () => {
  it('builds pipelines within the controls that carry flow, and makes single24 plannable under --min-layers 6 at once', async () => {
    const c = single24();
    const o = { maxStages: 10, minLayers: 6 };
    const chains = depthChains(c, o);
    expect(chains.length).toBeGreaterThan(0);
    const first = chains[0];
    const flow = evaluatePlacement(c, first);
    expect(flow.throughput).toBeGreaterThan(0);
    expect(respectsDepthControls(c, first, flow, o)).toBe(true);
    const held = first.filter((r) => r !== null).reduce((s, r) => s + (r!.end - r!.start), 0);
    expect(held).toBe(c.model.layers);
    // Each later set adds a pipeline to the one before.
    for (let k = 1; k < chains.length; k++) expect(chains[k].filter((r) => r).length).toBeGreaterThan(chains[k - 1].filter((r) => r).length);
    const r = await planCluster(c, { ...DEFAULT_PLANNER_OPTIONS, timeLimitSec: 1, minLayers: 6 });
    expect(r.throughput).toBeGreaterThan(0);
    expect(respectsDepthControls(c, r.placement, r.flow, { maxStages: null, minLayers: 6 })).toBe(true);
  });

  it('planCluster ends at once, with the reason, when the counting rules the controls out', async () => {
    const r = await planCluster(single24(), { ...DEFAULT_PLANNER_OPTIONS, timeLimitSec: 60, maxStages: 8 });
    expect(r.status).toBe('no-flow');
    expect(r.stats.wallTimeSec).toBeLessThan(30);
    expect(r.stats.notes.find((n) => n.startsWith('infeasible: '))).toMatch(/9 stages is the least/);
  });
});
