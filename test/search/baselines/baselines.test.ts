import { describe, expect, it } from 'vitest';
import { buildCluster } from '../../../src/spec/build.js';
import { evaluatePlacement } from '../../../src/graph/placement-flow.js';
import { swarmPlacement } from '../../../src/search/baselines/swarm.js';
import { petalsPlacement } from '../../../src/search/baselines/petals.js';
import { separatePlacement, separateThroughput } from '../../../src/search/baselines/separate.js';
import { homogeneousPlacement } from '../../../src/search/baselines/homogeneous.js';
import { runBaselines } from '../../../src/search/baselines/index.js';
import { testModel } from '../../fixtures/clusters.js';

// Four layers; two "big" nodes (hold 4, t = [400, 200, 120, 100]) and two "small" ones
// (hold 2, t = [300, 150]); every link fast.
const big = [400, 200, 120, 100];
const small = [300, 150];
const cluster = buildCluster({
  name: 'hand',
  model: testModel(4),
  coordinatorRegion: 'r',
  nodes: [
    { name: 'big-1', gpu: 'B', region: 'r', vramBytes: 1e9, maxLayers: 4, nicBytesPerSec: 0, throughput: big, profileSource: 'measured' },
    { name: 'big-2', gpu: 'B', region: 'r', vramBytes: 1e9, maxLayers: 4, nicBytesPerSec: 0, throughput: big, profileSource: 'measured' },
    { name: 'small-1', gpu: 'S', region: 'q', vramBytes: 1e9, maxLayers: 2, nicBytesPerSec: 0, throughput: small, profileSource: 'measured' },
    { name: 'small-2', gpu: 'S', region: 'q', vramBytes: 1e9, maxLayers: 2, nicBytesPerSec: 0, throughput: small, profileSource: 'measured' },
  ],
  link: () => ({ bandwidth: 1e12, latency: 0 }),
  coordinatorLink: () => ({ bandwidth: 1e12, latency: 0 }),
});
const ranges = (p: ReturnType<typeof swarmPlacement>) => p.map((r) => (r ? [r.start, r.end] : null));

describe('baselines on a hand-checkable cluster', () => {
  it('swarm: best stage count is 2 stages of 2 layers; each stage has one big and one small node', () => {
    // 1 stage: only the bigs fit, 2 x 100 = 200. 2 stages [0,2) [2,4): deal strongest first ->
    // big-1 s0, big-2 s1, small-1 s0? (s0 has 200, s1 has 200: tie -> s0), small-2 s1:
    // each stage 200 + 150 = 350 -> 350. 3 or 4 stages give less. Best: 350.
    const p = swarmPlacement(cluster);
    expect(evaluatePlacement(cluster, p).throughput).toBeCloseTo(350, 6);
    expect(ranges(p)).toEqual([[0, 2], [2, 4], [0, 2], [2, 4]]);
  });

  it('petals: strongest first, each takes its full memory where coverage is lowest', () => {
    // big-1 [0,4) (cov 100 everywhere), big-2 [0,4) (cov 200), small-1: window min 200 everywhere,
    // sum ties -> first: [0,2) (cov 350,350,200,200), small-2: lowest at [2,4).
    // Flow: bigs 100 + 100 end-to-end, plus small-1 -> small-2 at 150: 350.
    const p = petalsPlacement(cluster);
    expect(ranges(p)).toEqual([[0, 4], [0, 4], [0, 2], [2, 4]]);
    expect(evaluatePlacement(cluster, p).throughput).toBeCloseTo(350, 6);
  });

  it('separate: each type its own pipelines, no flow across types', () => {
    // Bigs: one node holds the model, 2 pipelines of 1 node at 100 -> 200.
    // Smalls: 2 nodes per pipeline, [0,2) -> [2,4) at 150 -> 150. Total 350.
    const p = separatePlacement(cluster);
    expect(ranges(p)).toEqual([[0, 4], [0, 4], [0, 2], [2, 4]]);
    expect(separateThroughput(cluster, p)).toBeCloseTo(350, 6);
    expect(separateThroughput(cluster, p, 'region')).toBeCloseTo(350, 6);
  });

  it('homogeneous: every node holds the weakest node\'s maximum (2 layers)', () => {
    // Stages [0,2) and [2,4), dealt like swarm: 350.
    const p = homogeneousPlacement(cluster);
    for (const r of p) if (r) expect(r.end - r.start).toBe(2);
    expect(evaluatePlacement(cluster, p).throughput).toBeCloseTo(350, 6);
  });

  it('runBaselines reports each method with its exact max flow', () => {
    const all = runBaselines(cluster);
    expect(all.map((b) => b.method)).toEqual(['swarm', 'petals', 'separate', 'homogeneous']);
    for (const b of all) expect(b.throughput).toBeGreaterThan(0);
  });
});
