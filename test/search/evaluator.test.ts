import { describe, expect, it } from 'vitest';
import { Evaluator } from '../../src/search/evaluator.js';
import { layoutOf } from '../../src/search/layout.js';
import { evaluatePlacement } from '../../src/graph/placement-flow.js';
import { pipelineDepth } from '../../src/search/depth.js';
import { createRng } from '../../src/search/rng.js';
import { randomSmallCluster } from '../fixtures/clusters.js';
import type { Cluster, LayerRange } from '../../src/spec/types.js';
import { handCluster } from './helpers.js';

/** A random placement, some nodes unused, some ranges outside the node's limits on purpose. */
function randomPlacement(c: Cluster, rng: ReturnType<typeof createRng>): (LayerRange | null)[] {
  const L = c.model.layers;
  return c.nodes.map((n) => {
    if (rng.next() < 0.2) return null;
    const k = rng.int(1, n.capacity.length + (rng.next() < 0.1 ? 1 : 0));
    const s = rng.int(0, Math.max(0, L - k));
    return { start: s, end: Math.min(L + 1, s + k) };
  });
}

describe('Evaluator', () => {
  it('agrees exactly with evaluatePlacement on random placements, with and without partial inference', () => {
    const rng = createRng(42);
    for (let seed = 1; seed <= 30; seed++) {
      const c = randomSmallCluster(seed, { nodes: 6, layers: 6, maxLayers: 3, regions: 2, missingLinks: 0.2, missingCoordinator: 0.2 });
      for (const partialInference of [false, true]) {
        const ev = new Evaluator(c, { partialInference });
        for (let t = 0; t < 25; t++) {
          const p = randomPlacement(c, rng);
          const ref = evaluatePlacement(c, p, { partialInference });
          expect(ev.score(layoutOf(p))).toBeCloseTo(ref.throughput, 9);
          expect(ev.score(p)).toBeCloseTo(ref.throughput, 9);
          for (let i = 0; i < c.nodes.length; i++) expect(ev.nodeFlow[i]).toBeGreaterThanOrEqual(-1e-9);
          // Node flows are one max flow among many; their total through the first layer is not.
          const sum = Array.from(ev.nodeFlow).reduce((s, f, i) => s + (p[i]?.start === 0 ? f : 0), 0);
          if (!partialInference) expect(sum).toBeCloseTo(ref.throughput, 6);
        }
      }
    }
  });

  it('counts its evaluations and reuses one network across scores', () => {
    const c = randomSmallCluster(5, { nodes: 5, layers: 6, maxLayers: 3 });
    const ev = new Evaluator(c);
    const p = c.nodes.map((_, i) => ({ start: 0, end: Math.min(6, 1 + (i % 3)) }));
    const first = ev.score(p);
    for (let t = 0; t < 10; t++) expect(ev.score(p)).toBe(first);
    expect(ev.evaluations).toBe(11);
  });

  it('finds the bottleneck nodes and the flow depth of a hand-built chain', () => {
    // L = 4: n0 [0,2) at 100 -> n1 [2,3) at 40 -> n2 [3,4) at 100, plus n3 [2,3) at 30 in
    // parallel with n1. Throughput 70 = 40 + 30: n1 and n3 are the cut; depth 3 stages.
    const c = handCluster(4, [[200, 100], [40], [100], [30]]);
    const ev = new Evaluator(c);
    const p = [
      { start: 0, end: 2 },
      { start: 2, end: 3 },
      { start: 3, end: 4 },
      { start: 2, end: 3 },
    ];
    expect(ev.score(p)).toBeCloseTo(70, 9);
    expect(ev.cutNodes().sort()).toEqual([1, 3]);
    expect(ev.flowDepth()).toBe(3);
    expect(ev.flowDepth()).toBe(pipelineDepth(c, p, evaluatePlacement(c, p)));
  });

  it('marks both ends of a cut link as bottleneck nodes', () => {
    // n0 [0,1) -> n1 [1,2), both fast, linked at 5 tokens/s: the link is the cut.
    const c = handCluster(2, [[100], [100]], { link: () => 5 });
    const ev = new Evaluator(c);
    expect(ev.score([{ start: 0, end: 1 }, { start: 1, end: 2 }])).toBeCloseTo(5, 9);
    expect(ev.cutNodes().sort()).toEqual([0, 1]);
  });

  it('counts bottlenecks in series at the same flow', () => {
    // L = 3, a chain of three nodes: 50, 100, 50. Raising the first 50 still leaves the last: two
    // cuts in series. With the middle at 50 too, three.
    const two = handCluster(3, [[50], [100], [50]]);
    const three = handCluster(3, [[50], [50], [50]]);
    const chain = [
      { start: 0, end: 1 },
      { start: 1, end: 2 },
      { start: 2, end: 3 },
    ];
    const ev2 = new Evaluator(two);
    expect(ev2.score(chain)).toBeCloseTo(50, 9);
    expect(ev2.seriesCuts(8)).toBe(2);
    const ev3 = new Evaluator(three);
    ev3.score(chain);
    expect(ev3.seriesCuts(8)).toBe(3);
    expect(ev3.seriesCuts(2)).toBe(2);
    // The evaluator still describes the scored layout afterwards.
    expect(ev3.nodeFlow[1]).toBeCloseTo(50, 9);
  });
});
