// Plans that meet tight depth controls by construction. Under --max-stages or --min-layers the
// rate-driven constructions and the annealing can search for a long time without finding any
// feasible placement (single24 under --min-layers 6: nothing in 5 s), while a feasible one is easy
// to build: pipelines of the nodes that hold the most layers. They are the planner's floor there,
// and the same counting tells when no placement can meet the controls at all.

import type { Cluster, LayerRange, Placement } from '../spec/types.js';

export interface DepthControls {
  readonly maxStages: number | null;
  readonly minLayers: number | null;
}

/** Nodes that may hold layers under --min-layers, most layers first (then the faster at that size). */
function eligibleNodes(cluster: Cluster, minLayers: number): number[] {
  return cluster.nodes
    .map((_, i) => i)
    .filter((i) => cluster.nodes[i].maxLayers >= minLayers && cluster.nodes[i].capacity[cluster.nodes[i].maxLayers - 1] > 0)
    .sort((a, b) => {
      const x = cluster.nodes[a];
      const y = cluster.nodes[b];
      return y.maxLayers - x.maxLayers || y.capacity[y.maxLayers - 1] - x.capacity[x.maxLayers - 1] || a - b;
    });
}

/**
 * The fewest stages any path through all layers can have: the fewest nodes (holding at least
 * --min-layers) whose layer limits add up to the model. Null when even all of them fall short.
 */
export function fewestStages(cluster: Cluster, minLayers: number | null): { stages: number | null; nodes: number[] } {
  const L = cluster.model.layers;
  const order = eligibleNodes(cluster, minLayers ?? 1);
  let held = 0;
  for (let k = 0; k < order.length; k++) {
    held += cluster.nodes[order[k]].maxLayers;
    if (held >= L) return { stages: k + 1, nodes: order.slice(0, k + 1) };
  }
  return { stages: null, nodes: order };
}

/**
 * Why no placement can meet the depth controls, or null when the counting allows one. (Links may
 * still rule out what the counting allows; the search finds that out.)
 */
export function depthControlsInfeasible(cluster: Cluster, o: DepthControls): string | null {
  if (o.maxStages === null && o.minLayers === null) return null;
  const L = cluster.model.layers;
  const { stages, nodes } = fewestStages(cluster, o.minLayers);
  const held = (ids: number[]) => ids.map((i) => `${cluster.nodes[i].name} ${cluster.nodes[i].maxLayers}`).join(', ');
  if (stages === null && nodes.length === 0) {
    return `no node can hold ${o.minLayers ?? 1} layers (--min-layers): the most any node holds is ${Math.max(0, ...cluster.nodes.map((n) => n.maxLayers))}`;
  }
  if (stages === null) {
    const total = nodes.reduce((s, i) => s + cluster.nodes[i].maxLayers, 0);
    const which = o.minLayers !== null ? `the nodes that can hold at least ${o.minLayers} layers (--min-layers)` : 'all nodes';
    return `${which} hold at most ${total} of the ${L} layers of ${cluster.model.id} together`;
  }
  if (o.maxStages !== null && o.maxStages < stages) {
    const top = nodes.slice(0, o.maxStages);
    const most = top.reduce((s, i) => s + cluster.nodes[i].maxLayers, 0);
    return `--max-stages ${o.maxStages} is below the fewest stages any path can have: the ${o.maxStages} nodes that hold the most layers${o.minLayers !== null ? ` (at least ${o.minLayers} each)` : ''} hold ${most} of ${L} (${held(top)}); ${stages} stages is the least`;
  }
  return null;
}

/**
 * Pipelines built greedily from the nodes that hold the most layers, each within the controls,
 * layers shifted off each pipeline's slowest node until it covers the model exactly. Returned as
 * the first pipeline, the first two, and so on: several pipelines may join at shared boundaries
 * into paths deeper than one, so the caller keeps the largest set its depth check accepts.
 */
export function depthChains(cluster: Cluster, o: DepthControls): Placement[] {
  const L = cluster.model.layers;
  const minLayers = Math.max(1, o.minLayers ?? 1);
  const maxStages = o.maxStages ?? Infinity;
  const free = eligibleNodes(cluster, minLayers);
  const ranges: (LayerRange | null)[] = cluster.nodes.map(() => null);
  const out: Placement[] = [];
  for (;;) {
    const chain: number[] = [];
    let held = 0;
    for (const i of free) {
      if (held >= L || chain.length >= maxStages) break;
      chain.push(i);
      held += cluster.nodes[i].maxLayers;
    }
    if (held < L) break;
    const layers = balance(cluster, chain, minLayers, L);
    if (!layers) break;
    // Nodes of the coordinator's region first, then region by region: fewer slow hops.
    const region = (i: number) => (cluster.nodes[i].region === cluster.coordinatorRegion ? '' : cluster.nodes[i].region);
    const order = chain.map((i, k) => ({ i, k })).sort((a, b) => region(a.i).localeCompare(region(b.i)) || a.k - b.k);
    let start = 0;
    for (const { i, k } of order) {
      ranges[i] = { start, end: start + layers[k] };
      start += layers[k];
    }
    for (const i of chain) free.splice(free.indexOf(i), 1);
    out.push([...ranges]);
  }
  return out;
}

/** Layers per chain node summing to L, each within [minLayers, maxLayers], slowest node relieved first; null if impossible. */
function balance(cluster: Cluster, chain: readonly number[], minLayers: number, L: number): number[] | null {
  const k = chain.map((i) => cluster.nodes[i].maxLayers);
  let surplus = k.reduce((a, b) => a + b, 0) - L;
  while (surplus > 0) {
    let worst = -1;
    for (let j = 0; j < chain.length; j++) {
      if (k[j] <= minLayers) continue;
      const t = cluster.nodes[chain[j]].capacity[k[j] - 1];
      if (worst < 0 || t < cluster.nodes[chain[worst]].capacity[k[worst] - 1]) worst = j;
    }
    if (worst < 0) return null;
    k[worst]--;
    surplus--;
  }
  return k;
}
