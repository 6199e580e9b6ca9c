// Construction: route pipelines of a target rate tau one after another. Each pipeline walks the
// layers from the coordinator; at every boundary it either merges into a node already starting
// there that has tau to spare, or places an unused node with the most layers at which it still
// runs at tau. Links must have tau to spare. Where links bind, random or greedy starts give zero
// flow and never recover; this gives the annealing a start that respects the network.

import type { Cluster } from '../spec/types.js';
import type { Rng } from './rng.js';
import type { Layout } from './scorer.js';

export interface ConstructOptions {
  readonly minLayers: number;
  /** Expansions allowed per pipeline before giving up on it. */
  readonly budget?: number;
}

/** Most layers node i can hold at rate >= tau, from `from`, at most `limit`; 0 if none. */
function mostLayersAt(cluster: Cluster, i: number, tau: number, limit: number, minLayers: number): number {
  const table = cluster.nodes[i].capacity;
  for (let k = Math.min(table.length, limit); k >= minLayers; k--) if (table[k - 1] >= tau) return k;
  return 0;
}

export function construct(cluster: Cluster, tau: number, rng: Rng, o: ConstructOptions): Layout {
  const n = cluster.nodes.length;
  const L = cluster.model.layers;
  const start = new Int32Array(n).fill(-1);
  const end = new Int32Array(n).fill(-1);
  const spare = new Float64Array(n); // node capacity left
  const linkUse = new Map<number, number>(); // i * n + j -> tokens/s routed
  const sourceUse = new Float64Array(n);
  const sinkUse = new Float64Array(n);
  const budget = o.budget ?? 400;
  const tolerance = tau * 1e-9;

  const linkSpare = (from: number, to: number): number => {
    if (from < 0) return cluster.sourceCapacity[to] - sourceUse[to];
    return cluster.linkCapacity[from * n + to] - (linkUse.get(from * n + to) ?? 0);
  };

  // One pipeline: depth-first over boundaries, randomised, bounded by `budget` expansions.
  const routeOne = (): boolean => {
    let expansions = 0;
    const path: { node: number; placed: boolean }[] = [];
    const walk = (b: number, prev: number): boolean => {
      if (b === L) return prev >= 0 && cluster.sinkCapacity[prev] - sinkUse[prev] >= tau - tolerance;
      if (++expansions > budget) return false;
      const options: { node: number; k: number; placed: boolean }[] = [];
      for (let j = 0; j < n; j++) {
        if (j === prev || linkSpare(prev, j) < tau - tolerance) continue;
        if (start[j] === b && spare[j] >= tau - tolerance) options.push({ node: j, k: end[j] - b, placed: false });
        else if (start[j] < 0) {
          const k = mostLayersAt(cluster, j, tau, L - b, o.minLayers);
          if (k > 0) options.push({ node: j, k, placed: true });
        }
      }
      // Prefer merging (it saves nodes), then long spans; shuffle within so restarts differ.
      for (let a = options.length - 1; a > 0; a--) {
        const z = rng.int(0, a);
        [options[a], options[z]] = [options[z], options[a]];
      }
      options.sort((x, y) => Number(x.placed) - Number(y.placed) || y.k - x.k);
      for (const opt of options.slice(0, 6)) {
        if (opt.placed) {
          start[opt.node] = b;
          end[opt.node] = b + opt.k;
          spare[opt.node] = cluster.nodes[opt.node].capacity[opt.k - 1];
        }
        path.push({ node: opt.node, placed: opt.placed });
        if (walk(b + opt.k, opt.node)) return true;
        path.pop();
        if (opt.placed) {
          start[opt.node] = -1;
          end[opt.node] = -1;
          spare[opt.node] = 0;
        }
      }
      return false;
    };
    if (!walk(0, -1)) return false;
    let prev = -1;
    for (const step of path) {
      spare[step.node] -= tau;
      if (prev < 0) sourceUse[step.node] += tau;
      else linkUse.set(prev * n + step.node, (linkUse.get(prev * n + step.node) ?? 0) + tau);
      prev = step.node;
    }
    sinkUse[prev] += tau;
    return true;
  };

  for (let guard = 0; guard < n && routeOne(); guard++) {
    // keep routing pipelines while one fits
  }
  return { start, end };
}
