import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fillKvRoom } from '../../src/delivered/kv-fill.js';

describe('fillKvRoom', () => {
  it('gives the room a tight path cannot use to the path beside it', () => {
    // Node 0 (room 10) is shared by both paths; path 0 also crosses node 1 (room 2). Both grow
    // at 1 request per unit of flow: node 1 fills at 2, freezing path 0; node 0 has 8 left for
    // path 1. Sharing node 0 by flow (5 each) would have left 3 of its 10 unused.
    const held = fillKvRoom([{ nodes: [0, 1], flow: 1 }, { nodes: [0, 2], flow: 1 }], [10, 2, 100]);
    expect(held[0]).toBeCloseTo(2, 12);
    expect(held[1]).toBeCloseTo(8, 12);
  });

  it('splits a shared node in proportion to flow when it fills first', () => {
    // Node 0 (room 12) fills at t = 12 / (1 + 3) = 3 before either path's own node does.
    const held = fillKvRoom([{ nodes: [0, 1], flow: 1 }, { nodes: [0, 2], flow: 3 }], [12, 50, 50]);
    expect(held[0]).toBeCloseTo(3, 12);
    expect(held[1]).toBeCloseTo(9, 12);
  });

  it('holds nothing on a path without flow', () => {
    expect(fillKvRoom([{ nodes: [0], flow: 0 }, { nodes: [0], flow: 2 }], [6])).toEqual([0, 6]);
  });

  it('never overfills a node, and leaves no path that could grow', () => {
    const paths = fc.array(
      fc.record({ nodes: fc.uniqueArray(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 4 }), flow: fc.double({ min: 0.1, max: 10, noNaN: true }) }),
      { minLength: 1, maxLength: 6 },
    );
    const rooms = fc.array(fc.double({ min: 0, max: 100, noNaN: true }), { minLength: 6, maxLength: 6 });
    fc.assert(
      fc.property(paths, rooms, (ps, room) => {
        const held = fillKvRoom(ps, room);
        const used = room.map(() => 0);
        ps.forEach((p, k) => p.nodes.forEach((v) => (used[v] += held[k])));
        used.forEach((u, v) => expect(u).toBeLessThanOrEqual(room[v] + 1e-9));
        // Every path stops at a node that is full.
        ps.forEach((p) => expect(p.nodes.some((v) => used[v] >= room[v] - 1e-9)).toBe(true));
      }),
    );
  });
});
