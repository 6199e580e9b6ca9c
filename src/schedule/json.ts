// Routing tables as plain JSON for a serving runtime: vertices and hops by name, weights, and the
// IWRR cycle spelled out so a runtime needs no IWRR code of its own to follow it.

import { round6 } from '../plan/assemble.js';
import { WEIGHT_RESOLUTION } from './iwrr.js';
import { buildRoutingTables, SINK, SOURCE, type RoutingOptions, type RoutingTable, type RoutingTables } from './routing.js';
import type { Plan } from '../plan/types.js';
import type { Cluster } from '../spec/types.js';

export const ROUTING_FORMAT_VERSION = 1;

export interface RoutingHopJson {
  readonly to: string;
  readonly flow: number;
  readonly weight: number;
}

export interface RoutingTableJson {
  /** `source` for the coordinator, else a node name. */
  readonly from: string;
  readonly layers: { readonly start: number; readonly end: number } | null;
  readonly hops: readonly RoutingHopJson[];
  /** One IWRR cycle: the next hop of each successive request, by name. */
  readonly sequence: readonly string[];
}

export interface RoutingJson {
  readonly formatVersion: number;
  readonly cluster: string;
  /** Tokens/s the routed flow carries. */
  readonly throughput: number;
  readonly weightResolution: number;
  readonly tables: readonly RoutingTableJson[];
}

export function routingToJson(tables: RoutingTables): RoutingJson {
  const name = (v: number): string => (v === SOURCE ? 'source' : v === SINK ? 'sink' : tables.nodeNames[v]);
  const one = (t: RoutingTable): RoutingTableJson => ({
    from: name(t.from),
    layers: t.from === SOURCE ? null : tables.placement[t.from],
    hops: t.hops.map((h) => ({ to: name(h.to), flow: round6(h.flow), weight: h.weight })),
    sequence: t.sequence.map((h) => name(t.hops[h].to)),
  });
  return {
    formatVersion: ROUTING_FORMAT_VERSION,
    cluster: tables.cluster,
    throughput: round6(tables.throughput),
    weightResolution: WEIGHT_RESOLUTION,
    // In layer order, as a request meets them.
    tables: [
      tables.source,
      ...tables.nodes
        .filter((t) => tables.placement[t.from] !== null)
        .sort((a, b) => tables.placement[a.from]!.start - tables.placement[b.from]!.start || a.from - b.from),
    ].map(one),
  };
}

/**
 * A plan's routing tables, weights only: what a runtime needs to follow the flow (embedded in
 * saved plans). Hops of weight 0, which IWRR never takes, are left out: on 4,000 nodes they were
 * 98% of the hops and 16 of a plan's 37 MB. `helix schedule --all` lists them.
 */
export function embeddedRouting(cluster: Cluster, plan: Plan, options: RoutingOptions = {}): Plan['routing'] {
  return routingToJson(buildRoutingTables(cluster, plan, options)).tables.map((t) => ({
    from: t.from,
    hops: t.hops.filter((h) => h.weight > 0).map((h) => ({ to: h.to, weight: h.weight })),
  }));
}
