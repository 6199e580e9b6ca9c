// The balanced flow of a placement: the placement's flow graph (as `evaluatePlacement` builds it:
// node capacities, usable links, coordinator links), confined to its latency band (paths no
// slower than the value needs, within the slack), with `value` tokens/s spread by `balancedFlow`.
// Routing weights come from this rather than from whichever max flow the planner happened to
// return, so equal parallel nodes get equal shares.

import { connects, nodeCapacityFor, SINK, SOURCE } from '../graph/placement-flow.js';
import type { Cluster, LayerRange } from '../spec/types.js';
import { balancedFlow } from './balance.js';
import { latencyBand } from './latency-band.js';

/** Key of a hop in the result: `${from}>${to}` with SOURCE / SINK for the coordinator. */
export const hopKey = (from: number, to: number): string => `${from}>${to}`;

export interface PlacementBalance {
  /** Tokens/s on each hop that carries flow. */
  readonly hops: ReadonlyMap<string, number>;
  readonly value: number;
  readonly rounds: number;
  /** True when the work budget stopped the balancing early (huge plans; see balance.ts). */
  readonly truncated: boolean;
  /** Link latency (seconds) of the slowest path the value needs, before the slack. */
  readonly neededLatency: number;
}

export interface BalanceOptions {
  readonly partialInference?: boolean;
  /** Latency slack of the band (default LATENCY_SLACK); Infinity balances over every path. */
  readonly latencySlack?: number;
}

export function balancePlacement(cluster: Cluster, placement: readonly (LayerRange | null)[], value: number, options: BalanceOptions = {}): PlacementBalance {
  const partialInference = options.partialInference ?? false;
  const n = cluster.nodes.length;
  const L = cluster.model.layers;
  // Vertices: 0 source, 1 sink, node i in 2 + 2i and out 3 + 2i.
  const from: number[] = [];
  const to: number[] = [];
  const capacity: number[] = [];
  const latency: number[] = [];
  const hop: [number, number][] = [];
  const edge = (u: number, v: number, c: number, lat: number, h: [number, number] | null) => {
    from.push(u);
    to.push(v);
    capacity.push(c);
    latency.push(lat);
    hop.push(h ?? [NaN, NaN]);
  };
  const usable = placement.map((r, i) => r !== null && nodeCapacityFor(cluster, i, r) > 0);
  for (let i = 0; i < n; i++) {
    const r = placement[i];
    if (!r || !usable[i]) continue;
    edge(2 + 2 * i, 3 + 2 * i, nodeCapacityFor(cluster, i, r), 0, null);
    if (r.start === 0 && cluster.sourceCapacity[i] > 0) edge(0, 2 + 2 * i, cluster.sourceCapacity[i], cluster.sourceLatency[i], [SOURCE, i]);
    if (r.end === L && cluster.sinkCapacity[i] > 0) edge(3 + 2 * i, 1, cluster.sinkCapacity[i], cluster.sinkLatency[i], [i, SINK]);
  }
  for (let i = 0; i < n; i++) {
    const a = placement[i];
    if (!a || !usable[i] || a.end === L) continue;
    for (let j = 0; j < n; j++) {
      const b = placement[j];
      const c = cluster.linkCapacity[i * n + j];
      if (i !== j && b && usable[j] && c > 0 && connects(a, b, partialInference)) edge(3 + 2 * i, 2 + 2 * j, c, cluster.linkLatency[i * n + j], [i, j]);
    }
  }
  const graph = { vertexCount: 2 + 2 * n, source: 0, sink: 1, from: Int32Array.from(from), to: Int32Array.from(to), capacity: Float64Array.from(capacity) };
  const band = latencyBand({ ...graph, latency: Float64Array.from(latency), value, slack: options.latencySlack });
  const keep = hop.map((_, k) => k).filter((k) => band.allowed[k] === 1);
  const result = balancedFlow({
    ...graph,
    from: Int32Array.from(keep, (k) => from[k]),
    to: Int32Array.from(keep, (k) => to[k]),
    capacity: Float64Array.from(keep, (k) => capacity[k]),
    value,
  });
  const hops = new Map<string, number>();
  keep.forEach((k, e) => {
    const [u, v] = hop[k];
    if (!Number.isNaN(u) && result.flow[e] > 0) hops.set(hopKey(u, v), result.flow[e]);
  });
  return { hops, value: result.value, rounds: result.rounds, truncated: result.truncated, neededLatency: band.needed };
}
