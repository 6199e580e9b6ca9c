import { describe, expect, it } from 'vitest';
import { buildCluster, type NodeInit } from '../../src/spec/build.js';
import { checkServable, servabilityProblem } from '../../src/spec/servable.js';
import { bruteForceOptimum, randomSmallCluster, testModel } from '../fixtures/clusters.js';
import { failure } from './spec-files.js';

const node = (name: string, maxLayers: number): NodeInit => ({
  name,
  gpu: 'G',
  region: 'r',
  vramBytes: 16e9,
  maxLayers,
  nicBytesPerSec: 0,
  throughput: Array.from({ length: maxLayers }, (_, k) => 1000 / (k + 1)),
  profileSource: 'measured',
});

/** Two nodes of 4 layers each for an 8-layer model; `links` lists the directed node links. */
function pair(links: [number, number][], coordinator = [true, true], maxLayers = 4) {
  return buildCluster({
    name: 'pair',
    model: testModel(8),
    nodes: [node('a', maxLayers), node('b', maxLayers)],
    coordinatorRegion: 'r',
    link: (i, j) => (links.some(([x, y]) => x === i && y === j) ? { bandwidth: 1e9, latency: 0 } : null),
    coordinatorLink: (i) => (coordinator[i] ? { bandwidth: 1e9, latency: 0 } : null),
  });
}

describe('checkServable', () => {
  it('a cluster left with no nodes says so, not that the coordinator reaches none', () => {
    const empty = buildCluster({ name: 'none', model: testModel(8), nodes: [], coordinatorRegion: 'r', link: () => null, coordinatorLink: () => null });
    expect(servabilityProblem(empty)).toMatchObject({ code: 'too-little-memory', why: 'no nodes are left' });
    expect(() => checkServable(empty, { of: 'the changed cluster', without: ['h'] })).toThrow(/changed cluster can serve .* \(without h\): no nodes are left/);
  });

  it('accepts a chain in either order when its link exists', () => {
    expect(servabilityProblem(pair([[0, 1]]))).toBeNull();
    expect(servabilityProblem(pair([[1, 0]]))).toBeNull();
    expect(() => checkServable(pair([[0, 1]]))).not.toThrow();
  });

  it('no link between the halves: no path, an infeasible-kind error', () => {
    const e = failure(() => checkServable(pair([])));
    expect(e.kind).toBe('infeasible');
    expect(e.code).toBe('no-path');
    expect(e.details.file).toBe('<inline>');
  });

  it('the chain must start and end at the coordinator', () => {
    // a -> b only, but a has no coordinator link: nothing can enter at layer 0.
    expect(servabilityProblem(pair([[0, 1]], [false, true]))?.code).toBe('no-path');
    expect(servabilityProblem(pair([[0, 1], [1, 0]], [false, true]))).toBeNull(); // b first, then a
    expect(servabilityProblem(pair([[0, 1]], [false, false]))?.code).toBe('no-coordinator-link');
  });

  it('too little memory for the model', () => {
    const p = servabilityProblem(pair([[0, 1]], [true, true], 3));
    expect(p?.code).toBe('too-little-memory');
    expect(p?.why).toMatch(/6 of 8 layers/);
    // Per GPU type, so a profile whose table stops short shows for what it is.
    expect(p?.why).toMatch(/: 2 x \S+ at 3 layers \([\d.]+ GB of \d+ GB\)$/);
  });

  it('never rules out a cluster that some placement serves (checked by brute force)', () => {
    let ruledOut = 0;
    for (let seed = 1; seed <= 80; seed++) {
      const c = randomSmallCluster(seed, { nodes: 3, layers: 4, maxLayers: 3, missingLinks: 0.6, missingCoordinator: 0.4 });
      if (servabilityProblem(c) === null) continue;
      ruledOut++;
      expect(bruteForceOptimum(c).throughput, `seed ${seed}`).toBe(0);
    }
    expect(ruledOut).toBeGreaterThan(5); // the property was exercised
  });
});
