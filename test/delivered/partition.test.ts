import { describe, expect, it } from 'vitest';
import { speedSplits } from '../../src/delivered/partition.js';
import type { LayerTimeTable } from '../../src/spec/layer-time.js';
import { randomSmallCluster } from '../fixtures/clusters.js';

// Six nodes of three types; the layer times rank them C (fastest), A, B.
const base = randomSmallCluster(2, { nodes: 6, layers: 8, maxLayers: 8 });
const gpus = ['A', 'A', 'B', 'B', 'C', 'C'];
const cluster = { ...base, nodes: base.nodes.map((x, i) => ({ ...x, gpu: gpus[i], maxLayers: 4 })) };
const table = (ms: number): LayerTimeTable => ({ points: [[1, ms], [64, 2 * ms]] });
const times: Record<string, LayerTimeTable> = { A: table(3), B: table(5), C: table(1) };

describe('speedSplits', () => {
  it('splits the types by layer time, fastest first, where each side can hold the model', () => {
    // Each type's two nodes hold 8 layers: every side holds the model.
    const splits = speedSplits(cluster, (gpu) => times[gpu]);
    expect(splits.map((s) => s.label)).toEqual(['split C | A+B', 'split C+A | B']);
    expect(splits[0].groups).toEqual([[4, 5], [0, 1, 2, 3]]);
    expect(splits[1].groups).toEqual([[0, 1, 4, 5], [2, 3]]);
  });

  it('leaves out a split whose side cannot hold every layer', () => {
    const small = { ...cluster, nodes: cluster.nodes.map((x) => (x.gpu === 'C' ? { ...x, maxLayers: 3 } : x)) };
    expect(speedSplits(small, (gpu) => times[gpu]).map((s) => s.label)).toEqual(['split C+A | B']);
  });

  it('makes none where a type has no layer times, or the cluster has one type', () => {
    expect(speedSplits(cluster, (gpu) => (gpu === 'B' ? undefined : times[gpu]))).toEqual([]);
    const one = { ...cluster, nodes: cluster.nodes.map((x) => ({ ...x, gpu: 'A' })) };
    expect(speedSplits(one, (gpu) => times[gpu])).toEqual([]);
  });
});
