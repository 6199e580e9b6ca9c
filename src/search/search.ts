// Solver-free search scored by exact max flow: constructions for a spread of target rates, then
// simulated annealing. The move that matters is the whole-boundary shift (every node ending at b
// grows, every node starting at b shrinks), which keeps alignments and links intact; without it
// the search stalls at the strongest node's throughput. Single-node moves are biased towards the
// current minimum cut, where the bottleneck is.

import type { Cluster, Placement } from '../spec/types.js';
import { construct } from './construct.js';
import { createRng, type Rng } from './rng.js';
import { copyLayout, layoutOf, placementOf, Scorer, type Layout } from './scorer.js';
import { cappedComputeBound } from './bounds.js';

export interface SearchOptions {
  readonly seed: number;
  readonly timeLimitSec: number;
  readonly signal?: AbortSignal;
  readonly minLayers: number | null;
  readonly maxStages: number | null;
  readonly partialInference: boolean;
  /** Known placements (heuristics, the MILP): the search starts from and never falls below them. */
  readonly initial?: readonly Placement[];
  /** Called with every new best. */
  readonly onImprove?: (throughput: number, placement: Placement) => void;
  /** Called every few hundred milliseconds, for progress and stall checks. */
  readonly onTick?: () => void;
  /** Stop after this many evaluations (tests: reproducible regardless of machine speed). */
  readonly maxEvaluations?: number;
  /** The placement in force (re-planning): at most `maxLoads` nodes may load layers they lack. */
  readonly reference?: Placement;
  readonly maxLoads?: number;
}

export interface SearchResult {
  readonly placement: Placement;
  readonly throughput: number;
  readonly evaluations: number;
}

const RESTART_MS = 15_000;
const YIELD_MS = 50;

/** Nodes of `l` that hold a layer they do not hold in `ref`: machines that must load weights. */
export function loadsAgainst(l: Layout, ref: Layout): number {
  let loads = 0;
  for (let i = 0; i < l.start.length; i++) {
    if (l.start[i] < 0) continue;
    if (ref.start[i] < 0 || l.start[i] < ref.start[i] || l.end[i] > ref.end[i]) loads++;
  }
  return loads;
}

export async function searchPlacement(cluster: Cluster, o: SearchOptions): Promise<SearchResult> {
  const t0 = performance.now();
  const deadline = t0 + o.timeLimitSec * 1000;
  const rng = createRng(o.seed);
  const scorer = new Scorer(cluster);
  const n = cluster.nodes.length;
  const L = cluster.model.layers;
  const minLayers = Math.max(1, o.minLayers ?? 1);
  const maxEvaluations = o.maxEvaluations ?? Infinity;
  const reference = o.reference ? layoutOf(o.reference) : null;
  const stopped = () => o.signal?.aborted || performance.now() > deadline || scorer.evaluations >= maxEvaluations;

  const feasible = (l: Layout): boolean => {
    for (let i = 0; i < n; i++) {
      const s = l.start[i];
      if (s < 0) continue;
      const k = l.end[i] - s;
      if (s < 0 || l.end[i] > L || k < minLayers || k > cluster.nodes[i].capacity.length) return false;
    }
    if (reference && loadsAgainst(l, reference) > (o.maxLoads ?? Infinity)) return false;
    return o.maxStages === null || scorer.structuralDepth(l) <= o.maxStages;
  };

  let best: Layout = { start: new Int32Array(n).fill(-1), end: new Int32Array(n).fill(-1) };
  let bestScore = 0;
  const consider = (l: Layout, score: number) => {
    if (score > bestScore * (1 + 1e-12) + 1e-9) {
      best = copyLayout(l);
      bestScore = score;
      o.onImprove?.(score, placementOf(best));
    }
  };
  for (const p of o.initial ?? []) {
    const l = layoutOf(p);
    if (feasible(l)) consider(l, scorer.score(l));
  }

  // Constructions over a spread of target rates, from the compute bound down.
  const U = cappedComputeBound(cluster);
  const starts: { layout: Layout; score: number }[] = [];
  let lastYield = performance.now();
  const pause = async () => {
    if (performance.now() - lastYield > YIELD_MS) {
      await new Promise((r) => setImmediate(r));
      lastYield = performance.now();
      o.onTick?.();
    }
  };
  for (let m = 0; m < 40 && !stopped(); m++) {
    const tau = U * 0.92 ** m;
    if (tau < U * 0.01) break;
    const l = construct(cluster, tau, rng, { minLayers });
    if (!feasible(l)) continue;
    const s = scorer.score(l);
    starts.push({ layout: l, score: s });
    consider(l, s);
    await pause();
  }
  starts.sort((a, b) => b.score - a.score);

  // Annealing with restarts that alternate fresh constructions and the incumbent.
  let restart = 0;
  while (!stopped()) {
    const from = restart % 2 === 1 || starts.length === 0 ? best : starts[Math.floor(restart / 2) % Math.min(starts.length, 5)].layout;
    await anneal(copyLayout(from), Math.min(deadline, performance.now() + RESTART_MS));
    restart++;
  }
  return { placement: placementOf(best), throughput: bestScore, evaluations: scorer.evaluations };

  async function anneal(current: Layout, until: number): Promise<void> {
    let score = scorer.score(current);
    consider(current, score);
    let cut = scorer.cutNodes();
    const span = Math.max(1, until - performance.now());
    const begin = performance.now();
    while (!stopped() && performance.now() < until) {
      await pause();
      const progress = (performance.now() - begin) / span;
      const temperature = 0.05 * (1 - progress) + 1e-4;
      const next = copyLayout(current);
      if (!mutate(next, cut, rng) || !feasible(next)) continue;
      const s = scorer.score(next);
      const ref = Math.max(score, 1e-9);
      if (s >= score || rng.next() < Math.exp((s - score) / (temperature * ref))) {
        current = next;
        score = s;
        cut = scorer.cutNodes();
        consider(current, score);
      }
    }
  }

  /** Applies one random move in place; false when the move does not apply. */
  function mutate(l: Layout, cut: readonly number[], r: Rng): boolean {
    const used: number[] = [];
    for (let i = 0; i < n; i++) if (l.start[i] >= 0) used.push(i);
    const pickNode = () => (cut.length > 0 && r.next() < 0.6 ? r.pick(cut) : used.length > 0 ? r.pick(used) : r.int(0, n - 1));
    const move = r.int(0, 9);
    if (move <= 2) {
      // Whole-boundary shift.
      const boundaries = [...new Set(used.map((i) => l.end[i]).filter((b) => b > 0 && b < L))];
      if (boundaries.length === 0) return false;
      const b = r.pick(boundaries);
      const delta = r.pick([-2, -1, 1, 2]);
      if (b + delta <= 0 || b + delta >= L) return false;
      for (const i of used) {
        if (l.end[i] === b) l.end[i] = b + delta;
        else if (l.start[i] === b) l.start[i] = b + delta;
      }
      return true;
    }
    const i = pickNode();
    switch (move) {
      case 3: {
        // Align i's start to another node's end.
        const others = used.filter((j) => j !== i && l.end[j] < L);
        if (others.length === 0) return false;
        const s = l.end[r.pick(others)];
        const k = l.start[i] >= 0 ? l.end[i] - l.start[i] : cluster.nodes[i].capacity.length;
        l.start[i] = s;
        l.end[i] = Math.min(L, s + k);
        return true;
      }
      case 4: {
        // Align i's end to another node's start.
        if (l.start[i] < 0) return false;
        const others = used.filter((j) => j !== i && l.start[j] > l.start[i]);
        if (others.length === 0) return false;
        l.end[i] = l.start[r.pick(others)];
        return true;
      }
      case 5: {
        // Resize at one end.
        if (l.start[i] < 0) return false;
        if (r.next() < 0.5) l.end[i] += r.pick([-1, 1]);
        else l.start[i] += r.pick([-1, 1]);
        return l.start[i] >= 0;
      }
      case 6: {
        // Shift.
        if (l.start[i] < 0) return false;
        const d = r.pick([-2, -1, 1, 2]);
        l.start[i] += d;
        l.end[i] += d;
        return l.start[i] >= 0;
      }
      case 7: {
        // Copy another node's range onto an unused (or any) node.
        const j = used.length > 0 ? r.pick(used) : -1;
        const free: number[] = [];
        for (let x = 0; x < n; x++) if (l.start[x] < 0) free.push(x);
        if (j < 0 || free.length === 0) return false;
        const target = r.pick(free);
        l.start[target] = l.start[j];
        l.end[target] = Math.min(l.end[j], l.start[j] + cluster.nodes[target].capacity.length);
        return true;
      }
      case 8: {
        // Swap two nodes' ranges.
        const j = r.int(0, n - 1);
        if (j === i) return false;
        [l.start[i], l.start[j]] = [l.start[j], l.start[i]];
        [l.end[i], l.end[j]] = [l.end[j], l.end[i]];
        return true;
      }
      default: {
        // Drop.
        if (l.start[i] < 0) return false;
        l.start[i] = -1;
        l.end[i] = -1;
        return true;
      }
    }
  }
}
