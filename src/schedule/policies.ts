// How a vertex picks the next hop for a request: Helix's IWRR over the plan's flow, and the
// policies the paper compares it with. All sit behind one interface so the simulator (and a
// runtime) can swap them by name.

import type { Rng } from '../search/rng.js';
import { IwrrCursor } from './iwrr.js';
import { SINK, type RoutingTable } from './routing.js';

export const POLICY_NAMES = ['iwrr', 'random', 'shortest-queue', 'swarm'] as const;
export type PolicyName = (typeof POLICY_NAMES)[number];

/** What the load-aware policies look at; the simulator keeps these current. */
export interface LoadView {
  /** Token passes still owed by each node to the requests routed through it. */
  readonly outstandingTokens: Float64Array;
  /** Requests in flight whose path includes each node. */
  readonly resident: Int32Array;
  /** Tokens/s each node processes at its layer count (its profile capacity). */
  readonly capacity: Float64Array;
}

export interface RoutingPolicy {
  readonly name: PolicyName;
  /** Whether hops the plan sends no flow along may be taken (all but IWRR). */
  readonly usesUnweightedHops: boolean;
  /**
   * Index into `table.hops` of the chosen hop, among those `eligible` accepts; -1 when none is.
   * `eligible` already excludes hops this policy may not use and hops without KV room.
   */
  choose(table: RoutingTable, eligible: (hop: number) => boolean, load: LoadView): number;
}

/** Follows the flow: each vertex cycles through its hops in IWRR order, weights from the plan. */
class IwrrPolicy implements RoutingPolicy {
  readonly name = 'iwrr';
  readonly usesUnweightedHops = false;
  private readonly cursors = new Map<number, IwrrCursor>();

  choose(table: RoutingTable, eligible: (hop: number) => boolean): number {
    let cursor = this.cursors.get(table.from);
    if (!cursor) this.cursors.set(table.from, (cursor = new IwrrCursor(table.sequence)));
    return cursor.next(eligible);
  }
}

/** Uniform over every hop the placement allows: what a scheduler blind to the flow would do. */
class RandomPolicy implements RoutingPolicy {
  readonly name = 'random';
  readonly usesUnweightedHops = true;
  private readonly pool: number[] = [];

  constructor(private readonly rng: Rng) {}

  choose(table: RoutingTable, eligible: (hop: number) => boolean): number {
    this.pool.length = 0;
    for (let h = 0; h < table.hops.length; h++) if (eligible(h)) this.pool.push(h);
    return this.pool.length === 0 ? -1 : this.pool[Math.floor(this.rng.next() * this.pool.length)];
  }
}

/**
 * Picks the hop whose node has the least `score`; the coordinator (SINK) scores 0. Ties go to the
 * earlier hop, i.e. the one with more planned flow, so the choice is deterministic.
 */
function leastBy(table: RoutingTable, eligible: (hop: number) => boolean, score: (node: number) => number): number {
  let best = -1;
  let bestScore = Infinity;
  for (let h = 0; h < table.hops.length; h++) {
    if (!eligible(h)) continue;
    const to = table.hops[h].to;
    const s = to === SINK ? 0 : score(to);
    if (s < bestScore) {
      best = h;
      bestScore = s;
    }
  }
  return best;
}

/** Least outstanding work, in seconds at the node's own rate: fast nodes take more. */
class ShortestQueuePolicy implements RoutingPolicy {
  readonly name = 'shortest-queue';
  readonly usesUnweightedHops = true;

  choose(table: RoutingTable, eligible: (hop: number) => boolean, load: LoadView): number {
    return leastBy(table, eligible, (v) => load.outstandingTokens[v] / Math.max(load.capacity[v], 1e-9));
  }
}

/**
 * Swarm's scheduler: the next stage's least loaded node, load counted as requests in flight
 * through it, without regard to how fast the node is or to the planned flow.
 */
class SwarmPolicy implements RoutingPolicy {
  readonly name = 'swarm';
  readonly usesUnweightedHops = true;

  choose(table: RoutingTable, eligible: (hop: number) => boolean, load: LoadView): number {
    return leastBy(table, eligible, (v) => load.resident[v]);
  }
}

/** A fresh policy instance (IWRR cursors and random state are per run). */
export function createPolicy(name: PolicyName, rng: Rng): RoutingPolicy {
  switch (name) {
    case 'iwrr':
      return new IwrrPolicy();
    case 'random':
      return new RandomPolicy(rng);
    case 'shortest-queue':
      return new ShortestQueuePolicy();
    case 'swarm':
      return new SwarmPolicy();
  }
}

/** One line per policy, for help texts and reports. */
export const POLICY_NOTES: Readonly<Record<PolicyName, string>> = {
  iwrr: 'interleaved weighted round robin over the plan\'s flow (Helix)',
  random: 'uniform over every hop the placement allows',
  'shortest-queue': 'least outstanding work, in seconds at the node\'s rate',
  swarm: 'next stage\'s node with the fewest requests in flight (Swarm)',
};
