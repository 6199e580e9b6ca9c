import { describe, expect, it } from 'vitest';
import { pipelineDepth, structuralDepth } from '../../src/search/depth.js';
import { layoutOf } from '../../src/search/layout.js';
import { evaluatePlacement } from '../../src/graph/placement-flow.js';
import { handCluster } from './helpers.js';

describe('pipeline depth', () => {
  it('counts the stages of a plain chain', () => {
    // L = 6, three nodes of two layers each in a row: 3 stages.
    const c = handCluster(6, [[100, 100], [100, 100], [100, 100]]);
    const p = [
      { start: 0, end: 2 },
      { start: 2, end: 4 },
      { start: 4, end: 6 },
    ];
    expect(pipelineDepth(c, p, evaluatePlacement(c, p))).toBe(3);
    expect(structuralDepth(c, layoutOf(p))).toBe(3);
  });

  it('takes the longest of parallel branches that carry flow', () => {
    // L = 4: a long branch n0 [0,1) -> n1 [1,2) -> n2 [2,4) and a short one n3 [0,2) -> n2.
    // Both carry flow (n0 and n3 are slow, n2 is fast): depth 3, not 2.
    const c = handCluster(4, [[10], [100], [100, 100], [10, 10]]);
    const p = [
      { start: 0, end: 1 },
      { start: 1, end: 2 },
      { start: 2, end: 4 },
      { start: 0, end: 2 },
    ];
    const flow = evaluatePlacement(c, p);
    expect(flow.throughput).toBeCloseTo(20, 9);
    expect(pipelineDepth(c, p, flow)).toBe(3);
  });

  it('ignores a branch without flow, where the structural depth still counts it', () => {
    // L = 3: n0 [0,3) alone carries everything (the sink link of n2 is missing, so the branch
    // n1 [0,1) -> n2 [1,3) carries nothing). Flow depth 1; structural depth 1 as well, since a
    // path must reach the coordinator; with the sink link present it would be 2.
    const noSink = handCluster(3, [[100, 100, 100], [100], [100, 100]], { coordinator: (i) => (i === 2 ? null : 1e9) });
    const withSink = handCluster(3, [[100, 100, 100], [100], [100, 100]]);
    const p = [{ start: 0, end: 3 }, { start: 0, end: 1 }, { start: 1, end: 3 }];
    expect(pipelineDepth(noSink, p, evaluatePlacement(noSink, p))).toBe(1);
    expect(structuralDepth(noSink, layoutOf(p))).toBe(1);
    expect(structuralDepth(withSink, layoutOf(p))).toBe(2);
  });

  it('restricts the structural depth to the nodes asked for', () => {
    const c = handCluster(4, [[100], [100], [100], [100, 100, 100, 100]]);
    const p = [{ start: 0, end: 1 }, { start: 1, end: 2 }, { start: 2, end: 3 }, { start: 0, end: 4 }];
    // n0..n2 stop at layer 3 (no node holds the last layer but n3): only n3 reaches the sink.
    expect(structuralDepth(c, layoutOf(p))).toBe(1);
    const q = [{ start: 0, end: 1 }, { start: 1, end: 2 }, { start: 2, end: 4 }, { start: 0, end: 4 }];
    const c2 = handCluster(4, [[100], [100], [100, 100], [100, 100, 100, 100]]);
    expect(structuralDepth(c2, layoutOf(q))).toBe(3);
    expect(structuralDepth(c2, layoutOf(q), { active: (i) => i === 3 })).toBe(1);
  });

  it('is 0 without any path', () => {
    const c = handCluster(2, [[100], [100]], { link: () => null });
    const p = [{ start: 0, end: 1 }, { start: 1, end: 2 }];
    expect(pipelineDepth(c, p, evaluatePlacement(c, p))).toBe(0);
    expect(structuralDepth(c, layoutOf(p))).toBe(0);
  });
});
