import { describe, expect, it } from 'vitest';
import { tidyMoves } from '../../src/search/replan.js';
import { evaluatePlacement } from '../../src/graph/placement-flow.js';
import { identicalCluster } from '../fixtures/clusters.js';

// Four identical machines, 3 layers each at 100 tokens/s, every link alike: which of them holds
// which half changes nothing.
const cluster = identicalCluster(['a', 'b', 'c', 'd']);
const first = { start: 0, end: 3 };
const second = { start: 3, end: 6 };
const free = { partialInference: false, minLayers: null, maxStages: null };
const flowOf = (p: Parameters<typeof evaluatePlacement>[1]) => evaluatePlacement(cluster, p).throughput;

describe('tidyMoves', () => {
  it('puts back two machines of one type that only traded ranges, and a load that adds no flow', () => {
    const current = [first, second, null, null];
    // What a time-limited search may return: a and b swapped, and c loading a first half that b cannot take on.
    const found = [second, first, first, null];
    expect(flowOf(found)).toBe(flowOf(current));
    expect(tidyMoves(cluster, found, current, flowOf(found), free)).toEqual(current);
  });

  it('keeps the moves the flow needs', () => {
    const current = [first, second, null, null];
    // c and d form a second chain: 200 tokens/s against 100; undoing either loses flow.
    const found = [first, second, first, second];
    expect(tidyMoves(cluster, found, current, flowOf(found), free)).toEqual(found);
  });
});
