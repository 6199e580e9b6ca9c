// A placement as two typed arrays, the form the search mutates and scores millions of times:
// start[i] = -1 marks an unused node, otherwise node i holds layers [start[i], end[i]).

import type { LayerRange, Placement } from '../spec/types.js';

export interface Layout {
  readonly start: Int32Array;
  readonly end: Int32Array;
}

export function emptyLayout(n: number): Layout {
  return { start: new Int32Array(n).fill(-1), end: new Int32Array(n).fill(-1) };
}

export function layoutOf(placement: Placement): Layout {
  const layout = emptyLayout(placement.length);
  placement.forEach((r, i) => {
    if (r) {
      layout.start[i] = r.start;
      layout.end[i] = r.end;
    }
  });
  return layout;
}

export function placementOf(layout: Layout): (LayerRange | null)[] {
  return Array.from(layout.start, (s, i) => (s < 0 ? null : { start: s, end: layout.end[i] }));
}

export function copyLayout(l: Layout): Layout {
  return { start: l.start.slice(), end: l.end.slice() };
}

/** Overwrites `to` with `from` (same size), without allocating. */
export function copyInto(from: Layout, to: Layout): void {
  to.start.set(from.start);
  to.end.set(from.end);
}

export function sameLayout(a: Layout, b: Layout): boolean {
  for (let i = 0; i < a.start.length; i++) if (a.start[i] !== b.start[i] || a.end[i] !== b.end[i]) return false;
  return true;
}

/** The layout without the nodes that carry no flow (their ranges cannot matter to a max flow). */
export function withoutIdle(l: Layout, nodeFlow: Float64Array): Layout {
  const out = copyLayout(l);
  for (let i = 0; i < out.start.length; i++) {
    if (nodeFlow[i] <= 1e-9) {
      out.start[i] = -1;
      out.end[i] = -1;
    }
  }
  return out;
}
