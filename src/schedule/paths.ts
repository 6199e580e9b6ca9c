// Building one request's path, hop by hop from the coordinator, with KV-cache awareness: a node
// that cannot hold the request's tokens is skipped, and so is any node from which every way on
// to the coordinator runs into a full node (choosing it would strand the request). When the
// coordinator has no such hop at all, the request has to wait.

import type { LoadView, RoutingPolicy } from './policies.js';
import { SINK, SOURCE, tableAt, type NextHop, type RoutingTable, type RoutingTables } from './routing.js';

export class PathBuilder {
  /** Used nodes, each after every node it can forward to (ends strictly grow along a hop). */
  private readonly order: number[];
  private readonly ok: Uint8Array;
  private table: RoutingTable;
  private readonly eligible = (h: number): boolean => this.canTake(this.table.hops[h]);

  constructor(
    readonly tables: RoutingTables,
    readonly policy: RoutingPolicy,
  ) {
    const used = tables.placement.flatMap((r, i) => (r ? [i] : []));
    this.order = used.sort((a, b) => tables.placement[b]!.end - tables.placement[a]!.end || a - b);
    this.ok = new Uint8Array(tables.nodeNames.length);
    this.table = tables.source;
  }

  private usable(hop: NextHop): boolean {
    return hop.weight > 0 || this.policy.usesUnweightedHops;
  }

  private canTake(hop: NextHop): boolean {
    return this.usable(hop) && (hop.to === SINK || this.ok[hop.to] === 1);
  }

  /** Marks the nodes from which a path with `need` free KV tokens on every node reaches the coordinator. */
  private markReachable(need: number, room: Float64Array): void {
    for (const v of this.order) {
      let good = 0;
      if (room[v] >= need) {
        for (const hop of this.tables.nodes[v].hops) {
          if (this.canTake(hop)) {
            good = 1;
            break;
          }
        }
      }
      this.ok[v] = good;
    }
  }

  /**
   * Chooses a path for a request needing `need` KV tokens on every node it visits, given each
   * node's free KV tokens. Writes the node indices into `out` from `offset` and returns how many;
   * 0 when no path has room now.
   */
  build(need: number, kvFree: Float64Array, load: LoadView, out: Int32Array, offset: number): number {
    this.markReachable(need, kvFree);
    let length = 0;
    let vertex = SOURCE;
    for (;;) {
      this.table = tableAt(this.tables, vertex);
      const h = this.policy.choose(this.table, this.eligible, load);
      if (h < 0) return 0;
      const to = this.table.hops[h].to;
      if (to === SINK) return length;
      out[offset + length++] = to;
      vertex = to;
    }
  }

  /**
   * The most KV tokens any single path could give one request with every cache empty: the best
   * path's tightest node. A request needing more can never be served and is rejected at once.
   */
  widestRoom(kvCapacity: Float64Array): number {
    const room = new Float64Array(this.ok.length);
    for (const v of this.order) {
      let best = 0;
      for (const hop of this.tables.nodes[v].hops) {
        if (!this.usable(hop)) continue;
        best = Math.max(best, hop.to === SINK ? Infinity : room[hop.to]);
      }
      room[v] = Math.min(kvCapacity[v], best);
    }
    let top = 0;
    for (const hop of this.tables.source.hops) if (this.usable(hop)) top = Math.max(top, room[hop.to]);
    return top;
  }
}
