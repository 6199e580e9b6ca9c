// The annealing's moves, each applied in place to a layout. A move only has to produce some
// layout; the caller rejects those that break the rules before scoring them.
//
// The move that matters is the whole-boundary shift: every node ending at boundary b grows (or
// shrinks) and every node starting at b shrinks (or grows), so alignments, and the links they
// enable, survive. Without it the search stalls at the strongest node's throughput, because
// moving one node of an aligned group breaks the alignment it needs. The single-node moves
// change who serves where; they are biased towards the nodes at the current minimum cut.

import type { Cluster } from '../spec/types.js';
import type { Layout } from './layout.js';
import type { Rng } from './rng.js';

export const MOVES = ['boundary', 'alignStart', 'alignEnd', 'resize', 'shift', 'swap', 'copy', 'drop'] as const;
export type MoveName = (typeof MOVES)[number];

/** How often each move is drawn (relative weights, in MOVES order). */
const WEIGHTS: Readonly<Record<MoveName, number>> = {
  boundary: 3,
  alignStart: 2,
  alignEnd: 1,
  resize: 1,
  shift: 1,
  swap: 1,
  copy: 1,
  drop: 0.5,
};
const TOTAL_WEIGHT = MOVES.reduce((s, m) => s + WEIGHTS[m], 0);

export interface MoveContext {
  readonly cluster: Cluster;
  readonly rng: Rng;
  /** Nodes at the current minimum cut. */
  readonly cut: readonly number[];
  /** Chance of picking a node from the cut rather than any used node. */
  readonly cutBias: number;
}

export function drawMove(rng: Rng): MoveName {
  let r = rng.next() * TOTAL_WEIGHT;
  for (const m of MOVES) {
    r -= WEIGHTS[m];
    if (r < 0) return m;
  }
  return 'boundary';
}

/** Applies `move` to `l` in place; false when it does not apply (then `l` may be left unchanged). */
export function applyMove(move: MoveName, l: Layout, ctx: MoveContext): boolean {
  const { cluster, rng } = ctx;
  const n = l.start.length;
  const L = cluster.model.layers;
  const used: number[] = [];
  for (let i = 0; i < n; i++) if (l.start[i] >= 0) used.push(i);
  const pickNode = (): number => {
    if (ctx.cut.length > 0 && rng.next() < ctx.cutBias) return rng.pick(ctx.cut);
    return used.length > 0 && rng.next() < 0.8 ? rng.pick(used) : rng.int(0, n - 1);
  };
  switch (move) {
    case 'boundary': {
      // Prefer boundaries touching the cut: that is where capacity is short.
      const fromCut = ctx.cut.filter((i) => l.start[i] >= 0).flatMap((i) => [l.start[i], l.end[i]]);
      const all = used.map((i) => l.end[i]);
      const pool = (fromCut.length > 0 && rng.next() < ctx.cutBias ? fromCut : all).filter((b) => b > 0 && b < L);
      if (pool.length === 0) return false;
      const b = rng.pick(pool);
      const delta = rng.pick(SHIFTS);
      if (b + delta <= 0 || b + delta >= L) return false;
      for (const i of used) {
        if (l.end[i] === b) l.end[i] = b + delta;
        else if (l.start[i] === b) l.start[i] = b + delta;
      }
      return true;
    }
    case 'alignStart': {
      // Start node i where another ends (or at layer 0); an unused node comes in with as many
      // layers as it can hold.
      const i = pickNode();
      const ends = used.filter((j) => j !== i && l.end[j] < L).map((j) => l.end[j]);
      const s = ends.length > 0 && rng.next() < 0.9 ? rng.pick(ends) : 0;
      const k = l.start[i] >= 0 ? l.end[i] - l.start[i] : cluster.nodes[i].capacity.length;
      l.start[i] = s;
      l.end[i] = Math.min(L, s + k);
      return true;
    }
    case 'alignEnd': {
      const i = pickNode();
      if (l.start[i] < 0) return false;
      const others = used.filter((j) => j !== i && l.start[j] > l.start[i]);
      if (others.length === 0) return false;
      l.end[i] = l.start[rng.pick(others)];
      return true;
    }
    case 'resize': {
      const i = pickNode();
      if (l.start[i] < 0) return false;
      if (rng.next() < 0.5) l.end[i] += rng.pick(UNIT);
      else l.start[i] += rng.pick(UNIT);
      return true;
    }
    case 'shift': {
      const i = pickNode();
      if (l.start[i] < 0) return false;
      const d = rng.pick(SHIFTS);
      l.start[i] += d;
      l.end[i] += d;
      return true;
    }
    case 'swap': {
      // Two nodes trade ranges: a faster machine moves to where it is needed.
      const i = pickNode();
      const j = rng.int(0, n - 1);
      if (j === i || (l.start[i] === l.start[j] && l.end[i] === l.end[j])) return false;
      const [s, e] = [l.start[i], l.end[i]];
      l.start[i] = l.start[j];
      l.end[i] = l.end[j];
      l.start[j] = s;
      l.end[j] = e;
      return true;
    }
    case 'copy': {
      // An unused node joins in parallel with a used one (the cut's first): more capacity there.
      const free: number[] = [];
      for (let x = 0; x < n; x++) if (l.start[x] < 0) free.push(x);
      if (used.length === 0 || free.length === 0) return false;
      const j = ctx.cut.length > 0 && rng.next() < ctx.cutBias ? rng.pick(ctx.cut) : rng.pick(used);
      if (l.start[j] < 0) return false;
      const target = rng.pick(free);
      l.start[target] = l.start[j];
      l.end[target] = Math.min(l.end[j], l.start[j] + cluster.nodes[target].capacity.length);
      return true;
    }
    case 'drop': {
      const i = pickNode();
      if (l.start[i] < 0) return false;
      l.start[i] = -1;
      l.end[i] = -1;
      return true;
    }
  }
}

const SHIFTS = [-2, -1, 1, 2] as const;
const UNIT = [-1, 1] as const;
