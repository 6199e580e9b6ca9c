// The role bound: a combinatorial upper bound that proves gaps where LP relaxations cannot (the
// relaxation of every exact model we tried stays at U). For a candidate flow F it shows that no
// placement can carry F; scanning F down from U, the bound is the top of the first interval of F
// that cannot be ruled out.
//
// For a flow F, with node i holding k_i layers and carrying f_i <= min(t_i(k_i), F):
//  1. Every path covers the L layers once: sum_i k_i f_i = L F.
//  2. Quotas: node i must supply L F - sum_{j != i} gamma_j of layer-flow (gamma_j = the most node j
//     can supply), which gives a minimum flow fmin_i or rules F out. A node either carries all of F
//     alone on its layers, or shares them and then f_i <= F - min_{j != i} fmin_j. Iterate.
//  3. If no two nodes can share a layer (the two smallest fmin exceed F together), the plan is a
//     single chain at rate F, which needs links of capacity >= F all along it.
//  4. Roles: a layer with one node is covered by a "full" node (f = F); a shared layer has a node
//     with f <= F/2 ("thin"). Full and thin layers together cover all L layers, and unless a
//     single chain is possible some node is thin. A DP over nodes maximises the layer-flow under
//     these rules; F is ruled out when even that falls below L F.
// Each interval [lo, hi] of F is tested conservatively: demand at lo, capacities at hi.

import type { Cluster } from '../spec/types.js';

export interface RoleBoundOptions {
  /** Relative width of each scanned interval of F. */
  readonly step?: number;
  /** Give up (returning the starting value) after this long, in ms. */
  readonly budgetMs?: number;
}

export function roleBound(cluster: Cluster, start: number, options: RoleBoundOptions = {}): number {
  const step = options.step ?? 0.001;
  const deadline = performance.now() + (options.budgetMs ?? 3000);
  if (start <= 0) return 0;
  for (let m = 0; m < Math.ceil(1 / step); m++) {
    const hi = start * (1 - m * step);
    const lo = start * (1 - (m + 1) * step);
    if (lo <= 0 || performance.now() > deadline) return hi;
    if (!ruledOut(cluster, lo, hi)) return hi;
  }
  return 0;
}

/** Whether no placement can carry any flow F in [lo, hi]. */
export function ruledOut(cluster: Cluster, lo: number, hi: number): boolean {
  const n = cluster.nodes.length;
  const L = cluster.model.layers;
  const demand = L * lo;
  const tables = cluster.nodes.map((node) => node.capacity);
  // Most layers at which a node can run at >= lo (a "full" node), 0 if none.
  const fullK = tables.map((t) => {
    for (let k = t.length; k >= 1; k--) if (t[k - 1] >= lo) return k;
    return 0;
  });
  const supply = (i: number, cap: number): number => {
    let best = fullK[i] * hi;
    const t = tables[i];
    for (let k = 1; k <= t.length; k++) best = Math.max(best, k * Math.min(t[k - 1], cap));
    return best;
  };

  // Quotas and the refinement of each node's flow cap, to a fixed point.
  const cap = new Float64Array(n).fill(hi);
  const fmin = new Float64Array(n);
  let gamma = cluster.nodes.map((_, i) => supply(i, hi));
  for (let round = 0; round < 30; round++) {
    const total = gamma.reduce((s, g) => s + g, 0);
    if (total < demand) return true;
    for (let i = 0; i < n; i++) {
      const need = demand - (total - gamma[i]);
      if (need <= 0) {
        fmin[i] = 0;
        continue;
      }
      let best = Infinity;
      const t = tables[i];
      for (let k = 1; k <= t.length; k++) if (k * Math.min(t[k - 1], cap[i], hi) >= need) best = Math.min(best, need / k);
      if (fullK[i] * hi >= need) best = Math.min(best, need / fullK[i]);
      if (!Number.isFinite(best)) return true;
      fmin[i] = best;
    }
    let changed = false;
    const sorted = [...fmin].sort((a, b) => a - b);
    for (let i = 0; i < n; i++) {
      const others = fmin[i] === sorted[0] ? sorted[1] ?? 0 : sorted[0];
      const c = Math.max(0, hi - others);
      if (c < cap[i] - 1e-12 * hi) {
        cap[i] = c;
        changed = true;
      }
    }
    gamma = cluster.nodes.map((_, i) => supply(i, cap[i]));
    if (!changed) break;
  }

  const sorted = [...fmin].sort((a, b) => a - b);
  const chain = chainPossible(cluster, lo, fullK);
  if (n >= 2 && sorted[0] + sorted[1] > hi) return !chain; // nobody can share a layer: a chain or nothing

  // Roles DP: state = layers covered by full and thin nodes (capped at L), and whether a thin node
  // was used. Value = most layer-flow. Full: k layers at F (alone). Thin: f <= F/2. Medium: f < F.
  const NEG = -Infinity;
  let dp = new Float64Array(2 * (L + 1)).fill(NEG);
  dp[0] = 0;
  for (let i = 0; i < n; i++) {
    const next = dp.slice();
    const t = tables[i];
    for (let thin = 0; thin < 2; thin++) {
      for (let c = 0; c <= L; c++) {
        const v = dp[thin * (L + 1) + c];
        if (v === NEG) continue;
        const put = (th: number, cov: number, add: number) => {
          const idx = th * (L + 1) + Math.min(L, cov);
          if (v + add > next[idx]) next[idx] = v + add;
        };
        for (let k = 1; k <= fullK[i]; k++) if (t[k - 1] >= lo) put(thin, c + k, k * hi);
        let bestMedium = 0;
        for (let k = 1; k <= t.length; k++) {
          put(1, c + k, k * Math.min(t[k - 1], hi / 2, cap[i]));
          bestMedium = Math.max(bestMedium, k * Math.min(t[k - 1], hi, cap[i]));
        }
        put(thin, c, bestMedium);
      }
    }
    dp = next;
  }
  const best = Math.max(dp[1 * (L + 1) + L], chain ? dp[L] : NEG);
  return best < demand;
}

/**
 * Could a single chain carry F >= lo? Relaxed (a node may appear more than once), so "no" is
 * certain: coordinator and node links of capacity >= lo, each node holding a count it runs at >= lo.
 */
function chainPossible(cluster: Cluster, lo: number, fullK: readonly number[]): boolean {
  const n = cluster.nodes.length;
  const L = cluster.model.layers;
  const counts = cluster.nodes.map((node) => node.capacity.map((t, k) => (t >= lo ? k + 1 : 0)).filter((k) => k > 0));
  const endsAt = new Uint8Array((L + 1) * n);
  for (let i = 0; i < n; i++) {
    if (cluster.sourceCapacity[i] < lo || fullK[i] === 0) continue;
    for (const k of counts[i]) if (k <= L) endsAt[k * n + i] = 1;
  }
  for (let b = 1; b < L; b++) {
    for (let i = 0; i < n; i++) {
      if (!endsAt[b * n + i]) continue;
      for (let j = 0; j < n; j++) {
        if (j === i || cluster.linkCapacity[i * n + j] < lo) continue;
        for (const k of counts[j]) if (b + k <= L) endsAt[(b + k) * n + j] = 1;
      }
    }
  }
  for (let i = 0; i < n; i++) if (endsAt[L * n + i] && cluster.sinkCapacity[i] >= lo) return true;
  return false;
}
