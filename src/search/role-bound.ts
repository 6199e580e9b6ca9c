// The role bound: a combinatorial upper bound that proves gaps where LP relaxations cannot (the
// relaxation of every exact model we tried stays at U). For a candidate flow F it shows that no
// placement can carry F; scanning F down from U, the bound is the top of the first interval of F
// that cannot be ruled out.
//
// Take any placement with max flow F (no partial inference). Drop the nodes that carry nothing;
// node i then holds k_i layers and carries f_i <= min(t_i(k_i), F, its link capacity), and
//  1. every path covers the L layers once: sum_i k_i f_i = L F;
//  2. the holders of a layer carry exactly F between them. So a layer with one holder is held by a
//     "full" node (f = F, alone on all its layers); a shared layer has a holder with f <= F/2
//     ("thin"); any other node is "medium" (F/2 < f < F) and shares all its layers;
//  3. a node that shares its layers with j carries at most F - f_j.
// Quotas: with gamma_j the most layer-flow node j can supply, node i must supply at least
// L F - sum_{j != i} gamma_j, which gives it a minimum flow fmin_i (or rules F out); a sharing node
// then carries at most F - min_{j != i} fmin_j, which lowers the gammas; iterate. If no two nodes
// can share a layer (the two smallest fmin add up to more than F), every node is full: one chain
// through all of them at rate F. Otherwise full and thin nodes cover the L layers, and some node is
// thin unless a chain is possible; a DP over nodes finds the most layer-flow under these rules, and
// F is ruled out when that is below L F.
// An interval [lo, hi] of F is tested conservatively: demand at lo, capacities at hi.

import type { Cluster } from '../spec/types.js';
import { cappedComputeBound, usableTables } from './compute-bound.js';

export interface RoleBoundOptions {
  /** Where the scan starts: any valid upper bound (default: the capped compute bound U). */
  readonly start?: number;
  /** Relative width of each scanned interval of F (default 0.001). */
  readonly step?: number;
  /** Stop scanning after this long, in ms, returning the last value proved (default 3000). */
  readonly budgetMs?: number;
}

/** Facts about the cluster that do not depend on F, computed once per scan. */
export interface RoleContext {
  readonly n: number;
  readonly L: number;
  readonly tables: readonly (readonly number[])[];
  /** Most flow node i can receive and send: max(coordinator link, sum of node links), in and out. */
  readonly linkCap: Float64Array;
  readonly cluster: Cluster;
}

export function roleContext(cluster: Cluster): RoleContext {
  const n = cluster.nodes.length;
  const linkCap = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let into = 0;
    let out = 0;
    for (let j = 0; j < n; j++) {
      into += cluster.linkCapacity[j * n + i];
      out += cluster.linkCapacity[i * n + j];
    }
    // A node starting at layer 0 is fed only by the coordinator, any other only by nodes.
    linkCap[i] = Math.min(Math.max(cluster.sourceCapacity[i], into), Math.max(cluster.sinkCapacity[i], out));
  }
  return { n, L: cluster.model.layers, tables: usableTables(cluster), linkCap, cluster };
}

export function roleBound(cluster: Cluster, options: RoleBoundOptions = {}): number {
  const start = options.start ?? cappedComputeBound(cluster);
  const step = options.step ?? 0.001;
  const deadline = performance.now() + (options.budgetMs ?? 3000);
  if (!(start > 0)) return 0;
  const ctx = roleContext(cluster);
  const chain = new ChainCache(ctx);
  // Coarse intervals first: one ruled out as a whole rules out every F in it, so ten fine tests
  // are saved; where a coarse one cannot be ruled out, its top is rescanned finely.
  let hi = start;
  let width = step * 10;
  while (hi > 0) {
    if (performance.now() > deadline) return hi;
    const lo = hi - start * width;
    if (lo <= start * step * 0.5) return hi; // nothing ruled out this far down: not worth the time
    if (ruledOutIn(ctx, lo, hi, chain)) hi = lo;
    else if (width > step * 1.5) width = step;
    else return hi;
  }
  return 0;
}

/** Whether no placement can carry any flow F in [lo, hi] (0 < lo <= hi). */
export function ruledOut(cluster: Cluster, lo: number, hi: number): boolean {
  const ctx = roleContext(cluster);
  return ruledOutIn(ctx, lo, hi, new ChainCache(ctx));
}

function ruledOutIn(ctx: RoleContext, lo: number, hi: number, chain: ChainCache): boolean {
  const { n, L, tables, linkCap } = ctx;
  const demand = L * lo;
  // Most layers at which a node can be full (run at >= lo and pass >= lo over its links); 0 if none.
  const fullK = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    if (linkCap[i] < lo) continue;
    const t = tables[i];
    for (let k = t.length; k >= 1; k--) {
      if (t[k - 1] >= lo) {
        fullK[i] = k;
        break;
      }
    }
  }
  const cap = new Float64Array(n);
  for (let i = 0; i < n; i++) cap[i] = Math.min(hi, linkCap[i]);
  // Most layer-flow node i can supply: full (k <= fullK at F <= hi) or sharing (flow <= cap).
  const supply = (i: number): number => {
    let best = fullK[i] * hi;
    const t = tables[i];
    for (let k = 1; k <= t.length; k++) best = Math.max(best, k * Math.min(t[k - 1], cap[i]));
    return best;
  };

  const fmin = new Float64Array(n);
  const gamma = new Float64Array(n);
  for (let i = 0; i < n; i++) gamma[i] = supply(i);
  for (let round = 0; round < 50; round++) {
    let total = 0;
    for (let i = 0; i < n; i++) total += gamma[i];
    if (total < demand) return true;
    for (let i = 0; i < n; i++) {
      const need = demand - (total - gamma[i]);
      if (need <= 0) {
        fmin[i] = 0;
        continue;
      }
      // f_i >= need / k_i for whichever k_i lets node i supply `need` at all.
      let best = Infinity;
      const t = tables[i];
      for (let k = 1; k <= t.length; k++) if (k * Math.min(t[k - 1], cap[i]) >= need) best = Math.min(best, need / k);
      if (fullK[i] * hi >= need) best = Math.min(best, need / fullK[i]);
      if (!Number.isFinite(best)) return true;
      fmin[i] = best;
    }
    const [first, second] = twoSmallest(fmin);
    let changed = false;
    for (let i = 0; i < n; i++) {
      const others = fmin[i] === first ? second : first;
      const c = Math.max(0, hi - others);
      if (c < cap[i] - 1e-12 * hi) {
        cap[i] = c;
        changed = true;
      }
    }
    if (!changed) break;
    for (let i = 0; i < n; i++) gamma[i] = supply(i);
  }

  const [first, second] = twoSmallest(fmin);
  // Nobody can share a layer: every node is full, so all of them form one chain at rate >= lo.
  if (n >= 2 && first + second > hi) return !chain.allNodes(lo);
  return rolesBest(ctx, lo, hi, fullK, cap, chain) < demand;
}

/** Counts of thin nodes and full segments are tracked up to this value ("this many or more"). */
const COUNT_CAP = 4;

/**
 * The most layer-flow under the roles rules. Full and thin nodes cover all L layers. Consecutive
 * full nodes pass all of F between them, so a run of full nodes (a segment) lies in one component
 * of the links >= lo: full nodes from m components make at least m segments, separated by at least
 * m - 1 runs of shared layers, and a thin node cannot reach past a full node, so each run has its
 * own thin node. No thin node at all means one segment: a single chain.
 * DP over nodes grouped by component; state = (layers covered capped at L, thin count, segment
 * count, whether the current component has a full node yet); counts are capped at COUNT_CAP,
 * which only allows more.
 */
function rolesBest(ctx: RoleContext, lo: number, hi: number, fullK: Int32Array, cap: Float64Array, chain: ChainCache): number {
  const { L, tables } = ctx;
  const C = COUNT_CAP + 1;
  const size = (L + 1) * C * C * 2;
  const at = (cov: number, thin: number, seg: number, flag: number) => ((cov * C + thin) * C + seg) * 2 + flag;
  let dp = new Float64Array(size).fill(-Infinity);
  let next = new Float64Array(size);
  dp[at(0, 0, 0, 0)] = 0;
  const comp = fullComponents(ctx, lo, fullK);
  const order = Array.from({ length: ctx.n }, (_, i) => i).sort((a, b) => comp[a] - comp[b] || a - b);
  let component = -1;
  for (const i of order) {
    if (comp[i] !== component) {
      // A new component: nobody in it is full yet.
      component = comp[i];
      for (let s = 0; s < size; s += 2) {
        if (dp[s + 1] > dp[s]) dp[s] = dp[s + 1];
        dp[s + 1] = -Infinity;
      }
    }
    const t = tables[i];
    let medium = 0;
    for (let k = 1; k <= t.length; k++) medium = Math.max(medium, k * Math.min(t[k - 1], cap[i]));
    // Medium (or unused: medium >= 0) leaves the state as it is.
    for (let s = 0; s < size; s++) next[s] = dp[s] + medium;
    for (let cov = 0; cov <= L; cov++) {
      for (let thin = 0; thin < C; thin++) {
        for (let seg = 0; seg < C; seg++) {
          for (let flag = 0; flag < 2; flag++) {
            const v = dp[at(cov, thin, seg, flag)];
            if (v === -Infinity) continue;
            const fullSeg = flag === 1 ? seg : Math.min(COUNT_CAP, seg + 1);
            for (let k = 1; k <= fullK[i]; k++) {
              if (t[k - 1] < lo) continue;
              const idx = at(Math.min(L, cov + k), thin, fullSeg, 1);
              if (v + k * hi > next[idx]) next[idx] = v + k * hi;
            }
            const thinNext = Math.min(COUNT_CAP, thin + 1);
            for (let k = 1; k <= t.length; k++) {
              const add = k * Math.min(t[k - 1], hi / 2, cap[i]);
              const idx = at(Math.min(L, cov + k), thinNext, seg, flag);
              if (v + add > next[idx]) next[idx] = v + add;
            }
          }
        }
      }
    }
    [dp, next] = [next, dp];
  }
  let best = -Infinity;
  for (let thin = 0; thin < C; thin++) {
    for (let seg = 0; seg < C; seg++) {
      const allowed = thin === 0 ? seg === 1 && chain.any(lo) : thin >= seg - 1;
      if (!allowed) continue;
      for (let flag = 0; flag < 2; flag++) best = Math.max(best, dp[at(L, thin, seg, flag)]);
    }
  }
  return best;
}

/** Weakly connected components of the links >= lo among nodes that can be full (a label per node). */
function fullComponents(ctx: RoleContext, lo: number, fullK: Int32Array): Int32Array {
  const { n, cluster } = ctx;
  const parent = Int32Array.from({ length: n }, (_, i) => i);
  const find = (x: number): number => (parent[x] === x ? x : (parent[x] = find(parent[x])));
  for (let i = 0; i < n; i++) {
    if (fullK[i] === 0) continue;
    for (let j = 0; j < n; j++) {
      if (j !== i && fullK[j] > 0 && cluster.linkCapacity[i * n + j] >= lo) parent[find(i)] = find(j);
    }
  }
  return Int32Array.from({ length: n }, (_, i) => find(i));
}

function twoSmallest(values: Float64Array): [number, number] {
  let first = Infinity;
  let second = Infinity;
  for (const v of values) {
    if (v < first) {
      second = first;
      first = v;
    } else if (v < second) second = v;
  }
  return [first, second === Infinity ? 0 : second];
}

/**
 * Could one chain carry F >= lo: distinct nodes, each at a layer count it runs at >= lo, linked
 * by links >= lo, from a coordinator link >= lo to one >= lo? Exact is a Hamiltonian-path question;
 * we test three necessary conditions, so "no" is certain: the chain lies in one weakly connected
 * component of the links >= lo; some distinct nodes of that component have counts adding up to
 * exactly L (a knapsack); and a walk that may revisit nodes reaches layer L. Feasibility only
 * grows as lo falls, and the scan goes down, so a "yes" is remembered.
 */
class ChainCache {
  private anyYesAt = -Infinity;
  private allYesAt = -Infinity;

  constructor(private readonly ctx: RoleContext) {}

  any(lo: number): boolean {
    if (lo <= this.anyYesAt) return true;
    const yes = chainPossible(this.ctx, lo, false);
    if (yes) this.anyYesAt = lo;
    return yes;
  }

  /** A chain through every node. */
  allNodes(lo: number): boolean {
    if (lo <= this.allYesAt) return true;
    const yes = chainPossible(this.ctx, lo, true);
    if (yes) this.allYesAt = lo;
    return yes;
  }
}

function chainPossible(ctx: RoleContext, lo: number, everyNode: boolean): boolean {
  const { n, L, tables, cluster } = ctx;
  const counts = tables.map((t) => t.map((v, k) => (v >= lo ? k + 1 : 0)).filter((k) => k > 0 && k <= L));
  if (everyNode && counts.some((c) => c.length === 0)) return false;
  const out: number[][] = Array.from({ length: n }, () => []);
  const parent = Int32Array.from({ length: n }, (_, i) => i);
  const find = (x: number): number => (parent[x] === x ? x : (parent[x] = find(parent[x])));
  for (let i = 0; i < n; i++) {
    if (counts[i].length === 0) continue;
    for (let j = 0; j < n; j++) {
      if (j === i || counts[j].length === 0 || cluster.linkCapacity[i * n + j] < lo) continue;
      out[i].push(j);
      parent[find(i)] = find(j);
    }
  }
  const components = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    if (counts[i].length === 0) continue;
    const r = find(i);
    const members = components.get(r);
    if (members) members.push(i);
    else components.set(r, [i]);
  }
  for (const members of components.values()) {
    if (everyNode && members.length !== n) continue;
    if (!members.some((i) => cluster.sourceCapacity[i] >= lo) || !members.some((i) => cluster.sinkCapacity[i] >= lo)) continue;
    if (!knapsackReaches(members, counts, L, everyNode)) continue;
    if (walkReaches(members, counts, out, ctx, lo)) return true;
  }
  return false;
}

/** Distinct members, each taking one of its counts (all of them when `everyMember`), summing to L. */
function knapsackReaches(members: readonly number[], counts: readonly (readonly number[])[], L: number, everyMember: boolean): boolean {
  let reach = new Uint8Array(L + 1);
  let next = new Uint8Array(L + 1);
  reach[0] = 1;
  for (const i of members) {
    if (everyMember) next.fill(0);
    else next.set(reach);
    for (let s = 0; s <= L; s++) {
      if (!reach[s]) continue;
      for (const k of counts[i]) if (s + k <= L) next[s + k] = 1;
    }
    [reach, next] = [next, reach];
  }
  return reach[L] === 1;
}

/** A walk (nodes may repeat) from the coordinator through layer boundaries to layer L. */
function walkReaches(members: readonly number[], counts: readonly (readonly number[])[], out: readonly number[][], ctx: RoleContext, lo: number): boolean {
  const { n, L, cluster } = ctx;
  const endsAt = new Uint8Array((L + 1) * n);
  for (const i of members) {
    if (cluster.sourceCapacity[i] < lo) continue;
    for (const k of counts[i]) endsAt[k * n + i] = 1;
  }
  for (let b = 1; b < L; b++) {
    for (const i of members) {
      if (!endsAt[b * n + i]) continue;
      for (const j of out[i]) for (const k of counts[j]) if (b + k <= L) endsAt[(b + k) * n + j] = 1;
    }
  }
  return members.some((i) => endsAt[L * n + i] === 1 && cluster.sinkCapacity[i] >= lo);
}
