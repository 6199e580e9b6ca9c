// Gap repair for re-planning: when machines leave, the layers only they held are a gap every path
// must cross, so the plan in force carries nothing and a search limited to a few moves sees a flat
// landscape (every layout it may reach scores zero until the last gap closes). Repair closes each
// gap directly, the way an operator would: a neighbour of the gap stretches over it, both
// neighbours meet in the middle, or an idle machine takes it, and the few combinations that fit
// the move budget are scored by exact max flow. The best become starting points for the search.

import type { Cluster, Placement } from '../spec/types.js';
import { evaluatePlacement } from '../graph/placement-flow.js';
import { layoutOf } from './layout.js';
import { rangeAllowed, rulesOf, type SearchRules } from './rules.js';
import { loadsAgainst } from './search.js';

/** One way to close a gap: new ranges for one or two machines. */
interface Patch {
  readonly ranges: ReadonlyMap<number, { start: number; end: number }>;
  /** The lowest capacity among the machines it stretches: a proxy for the rate it keeps. */
  readonly rate: number;
}

/** Repairs scored by exact max flow, and returned. */
const SCORED = 16;
const RETURNED = 4;

/** Layer runs [a, b) that no machine of the placement holds. */
export function uncoveredRuns(layers: number, placement: Placement): [number, number][] {
  const held = new Uint8Array(layers);
  for (const r of placement) if (r) held.fill(1, r.start, r.end);
  const runs: [number, number][] = [];
  for (let l = 0; l < layers; l++) {
    if (held[l]) continue;
    const a = l;
    while (l < layers && !held[l]) l++;
    runs.push([a, l]);
  }
  return runs;
}

/** Machines a patch makes load layers they do not hold now (shrinking a range loads nothing). */
function loadsOf(patch: Patch, placement: Placement): number {
  let loads = 0;
  for (const [i, r] of patch.ranges) {
    const now = placement[i];
    if (!now || r.start < now.start || r.end > now.end) loads++;
  }
  return loads;
}

/** For each number of loads within the budget, the patch that keeps the highest rate. */
function frontier(patches: readonly Patch[], placement: Placement, maxLoads: number): Map<number, Patch> {
  const best = new Map<number, Patch>();
  for (const p of patches) {
    const loads = loadsOf(p, placement);
    if (loads > maxLoads) continue;
    const seen = best.get(loads);
    if (!seen || p.rate > seen.rate) best.set(loads, p);
  }
  return best;
}

function patchesFor(cluster: Cluster, placement: Placement, runs: readonly [number, number][], a: number, b: number, rules: SearchRules): Patch[] {
  const capacityAt = (i: number, start: number, end: number): number =>
    rangeAllowed(cluster, rules, i, start, end) ? cluster.nodes[i].capacity[end - start - 1] : 0;
  const lefts: number[] = [];
  const rights: number[] = [];
  // Machines free to take a gap: idle ones, and ones whose every layer another machine also
  // holds (a parallel copy can leave without opening a gap of its own; prod-like clusters keep
  // pairs of L4s side by side, and one of them closing an A100's gap is a single load).
  const idle: number[] = [];
  const cover = new Int32Array(cluster.model.layers + 1);
  for (const r of placement) if (r) for (let l = r.start; l < r.end; l++) cover[l]++;
  // Whether every layer machine u holds is also held by another, once `without` (-1: none) has left.
  const stillShared = (u: number, without: number): boolean => {
    const r = placement[u];
    const w = without >= 0 ? placement[without] : null;
    if (!r) return true;
    for (let l = r.start; l < r.end; l++) if (cover[l] - (w && l >= w.start && l < w.end ? 1 : 0) < 2) return false;
    return true;
  };
  placement.forEach((r, i) => {
    if (!r) idle.push(i);
    else if (r.end === a) lefts.push(i);
    else if (r.start === b) rights.push(i);
    if (r && r.end !== a && r.start !== b && stillShared(i, -1)) idle.push(i);
  });
  const patches: Patch[] = [];
  const add = (changes: [number, number, number][]): void => {
    let rate = Infinity;
    for (const [i, s, e] of changes) rate = Math.min(rate, capacityAt(i, s, e));
    if (rate > 0) patches.push({ ranges: new Map(changes.map(([i, start, end]) => [i, { start, end }])), rate });
  };
  for (const l of lefts) add([[l, placement[l]!.start, b]]);
  for (const r of rights) add([[r, a, placement[r]!.end]]);
  for (const u of idle) {
    add([[u, a, b]]);
    for (let m = a + 1; m < b; m++) {
      for (const l of lefts) add([[l, placement[l]!.start, m], [u, m, b]]);
      for (const r of rights) add([[u, a, m], [r, m, placement[r]!.end]]);
    }
  }
  for (let m = a + 1; m < b; m++) for (const l of lefts) for (const r of rights) add([[l, placement[l]!.start, m], [r, m, placement[r]!.end]]);
  // Two free machines sharing the gap, each split point with the fastest pair for it.
  // The second may not be the first's only copy: taking both would open a gap where they were.
  const fastest = (start: number, end: number, not: number): number => {
    let best = -1;
    for (const u of idle) if (u !== not && stillShared(u, not) && capacityAt(u, start, end) > (best < 0 ? 0 : capacityAt(best, start, end))) best = u;
    return best;
  };
  for (let m = a + 1; m < b; m++) {
    const first = fastest(a, m, -1);
    const second = first < 0 ? -1 : fastest(m, b, first);
    if (second >= 0) add([[first, a, m], [second, m, b]]);
  }
  // A window reaching into another gap would fight that gap's own patch.
  const others = runs.filter(([x]) => x !== a);
  for (const changes of cascades(cluster, placement, a, b, rules.minLayers)) {
    const lo = changes[0][1];
    const hi = changes[changes.length - 1][2];
    if (!others.some(([x, y]) => x < hi && y > lo)) add(changes);
  }
  return patches;
}

/** Windows of up to this many consecutive machines share out a gap (longer ones rarely fit a move budget). */
const MAX_WINDOW = 12;

/**
 * Where the machines left form one chain (no two hold the same layer), a gap wider than two
 * neighbours can stretch over is closed by a window of consecutive machines around it sharing
 * out the window's layers anew, each as many as keeps the window's slowest machine fastest.
 * One window per size and position; the caller keeps those that fit the move budget.
 */
function cascades(cluster: Cluster, placement: Placement, a: number, b: number, minLayers: number): [number, number, number][][] {
  const chain = placement.flatMap((r, i) => (r ? [{ i, start: r.start, end: r.end }] : [])).sort((x, y) => x.start - y.start);
  for (let j = 1; j < chain.length; j++) if (chain[j].start < chain[j - 1].end) return [];
  const after = chain.findIndex((c) => c.start >= b);
  const firstRight = after < 0 ? chain.length : after;
  const out: [number, number, number][][] = [];
  // Window = chain[p .. q] plus the gap between chain[firstRight - 1] and chain[firstRight]: it
  // starts at the gap or at a machine before it, and ends at the gap or at a machine after it.
  for (let p = Math.max(0, firstRight - MAX_WINDOW); p <= firstRight; p++) {
    for (let q = Math.max(p, firstRight - 1); q < Math.min(chain.length, p + MAX_WINDOW); q++) {
      const lo = p < firstRight ? chain[p].start : a;
      const hi = q >= firstRight ? chain[q].end : b;
      // The window must meet the machines outside it exactly where they start and end (another
      // gap right beside it is that gap's own patch to close).
      if ((p > 0 && chain[p - 1].end !== lo && lo !== a) || (q + 1 < chain.length && chain[q + 1].start !== hi && hi !== b)) continue;
      const window = chain.slice(p, q + 1);
      const sizes = shareOut(cluster, window.map((w) => w.i), hi - lo, minLayers);
      if (!sizes) continue;
      let at = lo;
      out.push(window.map((w, x) => [w.i, at, (at += sizes[x])]));
    }
  }
  return out;
}

/** Layer counts for machines in order, summing to `span`, that keep the slowest fastest (null: cannot). */
function shareOut(cluster: Cluster, machines: readonly number[], span: number, minLayers: number): number[] | null {
  const most = (i: number, rate: number): number => {
    const t = cluster.nodes[i].capacity;
    for (let k = t.length; k >= minLayers; k--) if (t[k - 1] >= rate) return k;
    return 0;
  };
  if (machines.length * minLayers > span) return null;
  // The best bottleneck is one of the capacities in the tables: try them from the top.
  const rates = [...new Set(machines.flatMap((i) => cluster.nodes[i].capacity))].sort((x, y) => y - x);
  for (const rate of rates) {
    const caps = machines.map((i) => most(i, rate));
    if (caps.some((k) => k === 0) || caps.reduce((s, k) => s + k, 0) < span) continue;
    // Each machine takes as much as it can at this rate until the span is covered, leaving the
    // least layers needed for the ones after it.
    const sizes: number[] = [];
    let left = span;
    for (let x = 0; x < machines.length; x++) {
      const reserve = (machines.length - x - 1) * minLayers;
      const k = Math.min(caps[x], left - reserve);
      sizes.push(k);
      left -= k;
    }
    return left === 0 && sizes.every((k) => k >= minLayers) ? sizes : null;
  }
  return null;
}

/**
 * Gap repair prepared once for a placement: the patches of each gap do not depend on the move
 * budget, so re-planning builds them once and asks for each budget in turn. The returned function
 * gives placements that close every uncovered run with at most `maxLoads` machines loading new
 * layers, best first by exact max flow (those with no flow left out).
 */
export function gapRepairs(cluster: Cluster, placement: Placement, minLayers = 1): (maxLoads: number) => Placement[] {
  const runs = uncoveredRuns(cluster.model.layers, placement);
  if (runs.length === 0) return () => [];
  const rules = rulesOf({ minLayers });
  const patches = runs.map(([a, b]) => patchesFor(cluster, placement, runs, a, b, rules));
  const before = layoutOf(placement);
  return (maxLoads) => {
    if (maxLoads <= 0) return [];
    const options = patches.map((p) => frontier(p, placement, maxLoads));
    if (options.some((o) => o.size === 0)) return [];
    // Knapsack over gaps: for each total number of loads, the choice of one patch per gap whose
    // slowest stretched machine is fastest (a flow through the chain is at most that rate).
    let plans = new Map<number, { rate: number; patches: Patch[] }>([[0, { rate: Infinity, patches: [] }]]);
    for (const gap of options) {
      const next = new Map<number, { rate: number; patches: Patch[] }>();
      for (const [used, so] of plans) {
        for (const [loads, patch] of gap) {
          if (used + loads > maxLoads) continue;
          const rate = Math.min(so.rate, patch.rate);
          const seen = next.get(used + loads);
          if (!seen || rate > seen.rate) next.set(used + loads, { rate, patches: [...so.patches, patch] });
        }
      }
      plans = next;
    }
    const found: { placement: Placement; throughput: number }[] = [];
    for (const { patches: chosen } of [...plans.values()].sort((x, y) => y.rate - x.rate).slice(0, SCORED)) {
      const next = placement.slice();
      for (const patch of chosen) {
        for (const [i, r] of patch.ranges) {
          // A machine between two gaps may stretch both ways: its ranges combine.
          const prev = next[i] !== placement[i] ? next[i] : null;
          next[i] = prev ? { start: Math.min(prev.start, r.start), end: Math.max(prev.end, r.end) } : r;
        }
      }
      if (loadsAgainst(layoutOf(next), before) > maxLoads) continue;
      if (next.some((r, i) => r && r !== placement[i] && !rangeAllowed(cluster, rules, i, r.start, r.end))) continue;
      const throughput = evaluatePlacement(cluster, next).throughput;
      if (throughput > 0) found.push({ placement: next, throughput });
    }
    return found.sort((x, y) => y.throughput - x.throughput).slice(0, RETURNED).map((f) => f.placement);
  };
}

/** gapRepairs for one budget. */
export function repairGaps(cluster: Cluster, placement: Placement, maxLoads: number, minLayers = 1): Placement[] {
  return gapRepairs(cluster, placement, minLayers)(maxLoads);
}
