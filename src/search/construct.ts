// Construction: route pipelines of a target rate tau one after another. Each pipeline walks the
// layers from the coordinator by a bounded, randomised depth-first search; at every boundary it
// either merges into a node already starting there that has tau to spare, or places an unused node
// with the most layers at which it still runs at tau. Links must have tau to spare. Where links
// bind, random or greedy starts give zero flow and never recover; this gives the annealing starts
// that respect the network.

import type { Cluster } from '../spec/types.js';
import type { Rng } from './rng.js';
import { emptyLayout, type Layout } from './layout.js';
import { FlowNetwork } from '../graph/maxflow.js';

export interface ConstructOptions {
  readonly minLayers: number;
  /**
   * Rate new nodes are sized for (default: tau). Above tau, a node keeps room for more pipelines
   * to merge into it: where every link is slower than the target, a target is only reached by
   * several pipelines sharing the nodes that the links do not limit.
   */
  readonly nodeRate?: number;
  /** Most nodes on one pipeline (null: no limit). */
  readonly maxStages?: number | null;
  /** Expansions allowed per pipeline before giving up on it. */
  readonly budget?: number;
  /** Candidates tried at each boundary, best first. */
  readonly breadth?: number;
}

/** Most layers node i can hold at rate >= tau, at most `limit`, at least `minLayers`; 0 if none. */
function mostLayersAt(cluster: Cluster, i: number, tau: number, limit: number, minLayers: number): number {
  const table = cluster.nodes[i].capacity;
  for (let k = Math.min(table.length, limit); k >= minLayers; k--) if (table[k - 1] >= tau) return k;
  return 0;
}

interface Step {
  readonly node: number;
  readonly k: number;
  readonly placed: boolean;
}

export function construct(cluster: Cluster, tau: number, rng: Rng, o: ConstructOptions): Layout {
  const n = cluster.nodes.length;
  const L = cluster.model.layers;
  const layout = emptyLayout(n);
  const { start, end } = layout;
  const spare = new Float64Array(n); // node capacity not yet routed
  const linkUse = new Float64Array(n * n);
  const sourceUse = new Float64Array(n);
  const sinkUse = new Float64Array(n);
  const budget = o.budget ?? 400;
  const breadth = o.breadth ?? 6;
  const maxStages = o.maxStages ?? Infinity;
  const need = tau * (1 - 1e-9);
  const nodeRate = Math.max(tau, o.nodeRate ?? tau);

  const linkSpare = (from: number, to: number): number =>
    from < 0 ? cluster.sourceCapacity[to] - sourceUse[to] : cluster.linkCapacity[from * n + to] - linkUse[from * n + to];

  // One pipeline: depth-first over boundaries, randomised, bounded by `budget` expansions.
  const routeOne = (): boolean => {
    let expansions = 0;
    const path: Step[] = [];
    const walk = (b: number, prev: number, stages: number): boolean => {
      if (b === L) return prev >= 0 && cluster.sinkCapacity[prev] - sinkUse[prev] >= need;
      if (++expansions > budget || stages >= maxStages) return false;
      // Boundaries ahead where a pipeline could merge back (a node with tau to spare starts
      // there), and the model's end; a new node sized to reach one keeps the pipeline aligned.
      const targets: number[] = [L];
      for (let j = 0; j < n; j++) if (start[j] > b && spare[j] >= need && !targets.includes(start[j])) targets.push(start[j]);
      const merges: Step[] = [];
      const aligned: Step[] = [];
      const fresh: Step[] = [];
      for (let j = 0; j < n; j++) {
        if (j === prev || linkSpare(prev, j) < need) continue;
        if (start[j] === b && spare[j] >= need) merges.push({ node: j, k: end[j] - b, placed: false });
        else if (start[j] < 0) {
          const table = cluster.nodes[j].capacity;
          for (const s of targets) {
            const k = s - b;
            if (k >= o.minLayers && k <= table.length && table[k - 1] >= tau) aligned.push({ node: j, k, placed: true });
          }
          // Sized for the target (room for merges) or for this pipeline alone (more layers).
          const big = mostLayersAt(cluster, j, nodeRate, L - b, o.minLayers);
          const small = nodeRate > tau ? mostLayersAt(cluster, j, tau, L - b, o.minLayers) : 0;
          if (big > 0) fresh.push({ node: j, k: big, placed: true });
          if (small > big) fresh.push({ node: j, k: small, placed: true });
        }
      }
      // Merging first (it saves nodes), then aligned new nodes, then the rest, longest spans
      // first; shuffled within each group so that repeated constructions differ.
      shuffle(merges, rng);
      shuffle(aligned, rng);
      shuffle(fresh, rng);
      // New nodes behind links that could carry the whole target first: they can grow into a
      // trunk that later pipelines merge into. Then longer spans (fewer nodes per pipeline).
      const roomy = (x: Step) => (linkSpare(prev, x.node) >= nodeRate ? 1 : 0);
      if (nodeRate > tau) fresh.sort((x, y) => roomy(y) - roomy(x));
      else fresh.sort((x, y) => y.k - x.k);
      const options = [...merges, ...aligned.slice(0, 2), ...fresh];
      for (const opt of options.slice(0, breadth)) {
        if (opt.placed) {
          start[opt.node] = b;
          end[opt.node] = b + opt.k;
          spare[opt.node] = cluster.nodes[opt.node].capacity[opt.k - 1];
        }
        path.push(opt);
        if (walk(b + opt.k, opt.node, stages + 1)) return true;
        path.pop();
        if (opt.placed) {
          start[opt.node] = -1;
          end[opt.node] = -1;
          spare[opt.node] = 0;
        }
      }
      return false;
    };
    if (!walk(0, -1, 0)) return false;
    let prev = -1;
    for (const step of path) {
      spare[step.node] -= tau;
      if (prev < 0) sourceUse[step.node] += tau;
      else linkUse[prev * n + step.node] += tau;
      prev = step.node;
    }
    sinkUse[prev] += tau;
    return true;
  };

  // Every pipeline uses at least one new node or capacity on existing ones, so n rounds suffice
  // in practice; the guard keeps a pathological cluster from looping for long.
  for (let guard = 0; guard < 2 * n && routeOne(); guard++) {
    // keep routing pipelines while one fits
  }
  return layout;
}

function shuffle<T>(items: T[], rng: Rng): void {
  for (let a = items.length - 1; a > 0; a--) {
    const z = rng.int(0, a);
    [items[a], items[z]] = [items[z], items[a]];
  }
}

/** Target rates for a sweep of constructions: from `top` down by a constant ratio to 1% of it. */
export function targetRates(top: number, count = 40, ratio = 0.92): number[] {
  const rates: number[] = [];
  for (let m = 0; m < count; m++) {
    const tau = top * ratio ** m;
    if (tau < top * 0.01) break;
    rates.push(tau);
  }
  return rates;
}

export interface StageOptions {
  readonly minLayers: number;
  readonly maxStages?: number | null;
  /** Chance, at each boundary, of trying the workable stages in random order (variety). */
  readonly jitter?: number;
  /** Stages tried before giving up, over the whole search. */
  readonly budget?: number;
  /** Stages tried at each boundary. */
  readonly breadth?: number;
}

interface StageNode {
  readonly node: number;
  /** Tokens/s this node passes on, as the stage's own flow check found. */
  readonly flow: number;
}

interface StageChoice {
  readonly nodes: StageNode[];
  readonly k: number;
  /** Layers per node used: nodes are what runs out. */
  readonly value: number;
}

/**
 * Construction by stages: a bounded depth-first search over layer boundaries. At boundary b it
 * tries sets of unused nodes that all hold [b, b + k) and can take `target` from the previous
 * stage (an exact flow from the previous stage's node flows over the links into the new nodes'
 * capacities), most layers per node first. Where links are slow a stage simply takes more nodes in
 * parallel. Returns an empty layout when no stage sequence reaches the last layer within the
 * budget, so that the caller can sweep targets.
 */
export function constructStages(cluster: Cluster, target: number, rng: Rng, o: StageOptions): Layout {
  const n = cluster.nodes.length;
  const L = cluster.model.layers;
  const layout = emptyLayout(n);
  const maxStages = o.maxStages ?? Infinity;
  const jitter = o.jitter ?? 0.3;
  const budget = o.budget ?? 200;
  const breadth = o.breadth ?? 4;
  const need = target * (1 - 1e-9);
  const longest = cluster.nodes.reduce((m, node) => Math.max(m, node.capacity.length), 0);
  const net = new FlowNetwork(2 + 2 * n, 4 * n);
  let expansions = 0;

  /** Most flow from `prev` into `nodes` (capped at `caps`), and what each new node receives. */
  const stageFlow = (prev: readonly StageNode[], nodes: readonly number[], caps: readonly number[]): { total: number; flows: number[] } => {
    net.clear();
    prev.forEach((p, a) => net.addEdge(0, 2 + a, p.flow));
    const out = nodes.map((j, m) => net.addEdge(2 + prev.length + m, 1, caps[m]));
    prev.forEach((p, a) =>
      nodes.forEach((j, m) => {
        const c = cluster.linkCapacity[p.node * n + j];
        if (c > 0) net.addEdge(2 + a, 2 + prev.length + m, c);
      }),
    );
    const total = net.maxFlow(0, 1);
    return { total, flows: out.map((id) => net.flowOn(id)) };
  };

  const choicesAt = (b: number, prev: readonly StageNode[]): StageChoice[] => {
    // What each free node could receive on its own: an estimate to order and prune candidates.
    const free: { node: number; inflow: number }[] = [];
    for (let j = 0; j < n; j++) {
      if (layout.start[j] >= 0) continue;
      let f = 0;
      if (b === 0) f = cluster.sourceCapacity[j];
      else for (const p of prev) f += Math.min(p.flow, cluster.linkCapacity[p.node * n + j]);
      if (f > 0) free.push({ node: j, inflow: f });
    }
    const randomOrder = rng.next() < jitter;
    const choices: StageChoice[] = [];
    for (let k = o.minLayers; k <= Math.min(longest, L - b); k++) {
      const last = b + k === L;
      const offers = free
        .map(({ node, inflow: f }) => {
          const table = cluster.nodes[node].capacity;
          const t = k <= table.length ? table[k - 1] : 0;
          return { node, cap: Math.min(t, last ? cluster.sinkCapacity[node] : Infinity), rate: Math.min(t, f, last ? cluster.sinkCapacity[node] : Infinity) };
        })
        .filter((x) => x.rate > 0);
      // Fastest first makes the smallest stage; random order now and then finds other ones.
      if (randomOrder) shuffle(offers, rng);
      else offers.sort((x, y) => y.rate - x.rate);
      const nodes: number[] = [];
      const caps: number[] = [];
      let estimate = 0;
      for (const x of offers) {
        nodes.push(x.node);
        caps.push(b === 0 ? x.rate : x.cap);
        estimate += x.rate;
        if (estimate < need) continue;
        if (b === 0) {
          choices.push({ nodes: nodes.map((node, m) => ({ node, flow: caps[m] })), k, value: k / nodes.length });
          break;
        }
        const got = stageFlow(prev, nodes, caps);
        if (got.total >= need) {
          choices.push({ nodes: nodes.map((node, m) => ({ node, flow: got.flows[m] })), k, value: k / nodes.length });
          break;
        }
      }
    }
    if (randomOrder) shuffle(choices, rng);
    else choices.sort((x, y) => y.value - x.value);
    return choices;
  };

  const walk = (b: number, prev: readonly StageNode[], stages: number): boolean => {
    if (b === L) return true;
    if (stages >= maxStages || ++expansions > budget) return false;
    for (const choice of choicesAt(b, prev).slice(0, breadth)) {
      for (const { node } of choice.nodes) {
        layout.start[node] = b;
        layout.end[node] = b + choice.k;
      }
      if (walk(b + choice.k, choice.nodes, stages + 1)) return true;
      for (const { node } of choice.nodes) {
        layout.start[node] = -1;
        layout.end[node] = -1;
      }
    }
    return false;
  };
  walk(0, [], 0);
  return layout;
}
