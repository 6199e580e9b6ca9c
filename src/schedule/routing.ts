// Routing tables from a plan: for the coordinator and every node, the next hops a request may take
// and the IWRR weights that make requests follow the flow. By default the weights come from the
// *balanced* flow of the plan's throughput (placement-balance.ts), not from the plan's own flows:
// a max flow is not unique, and the one a solver returns may leave a node idle beside an equal
// one that carries everything. Hops the placement allows but the flow leaves empty are listed too
// (weight 0): IWRR never picks them, the comparison policies (random, shortest-queue, swarm) may.

import { inputError } from '../errors.js';
import { connects, SINK, SOURCE } from '../graph/placement-flow.js';
import { placementOf } from '../plan/assemble.js';
import type { Plan } from '../plan/types.js';
import type { Cluster, LayerRange } from '../spec/types.js';
import { integerWeights, iwrrSequence } from './iwrr.js';
import { balancePlacement, hopKey } from './placement-balance.js';

export { SINK, SOURCE };

export interface NextHop {
  /** Node index, or SINK for the coordinator receiving the output. */
  readonly to: number;
  /** Tokens/s the plan sends along this hop. */
  readonly flow: number;
  /** IWRR weight (0: the plan sends nothing here). */
  readonly weight: number;
}

export interface RoutingTable {
  /** SOURCE for the coordinator, else the node index. */
  readonly from: number;
  /** Weighted hops first (by flow, largest first), then the unweighted ones; ties by node index. */
  readonly hops: readonly NextHop[];
  /** One IWRR cycle as indices into `hops`. */
  readonly sequence: readonly number[];
}

export interface RoutingTables {
  readonly cluster: string;
  readonly nodeNames: readonly string[];
  readonly placement: readonly (LayerRange | null)[];
  readonly layers: number;
  readonly source: RoutingTable;
  /** Per node index; an unused node has no hops. */
  readonly nodes: readonly RoutingTable[];
  /** Throughput the flows carry out of the coordinator, tokens/s. */
  readonly throughput: number;
  /** Where the hop flows come from: the balanced flow of the plan's throughput, or the plan's own flows. */
  readonly flows: RouteFlows;
}

/** `balanced`: spread over the placement in proportion to capacity (default); `plan`: the plan's flows as written. */
export type RouteFlows = 'balanced' | 'plan';

export interface RoutingOptions {
  readonly flows?: RouteFlows;
  /** Latency slack of the balanced flow's band (see latency-band.ts). */
  readonly latencySlack?: number;
  /** Tokens/s the balanced flow spreads (default: the plan's own throughput). */
  readonly value?: number;
}

interface Candidate {
  to: number;
  flow: number;
}

/** Sort key of a flow: 6 significant digits, so rounding noise in the balanced flow cannot reorder equal hops. */
const flowKey = (f: number): number => Number(f.toPrecision(6));

function makeTable(from: number, candidates: Candidate[]): RoutingTable {
  const sorted = [...candidates].sort((a, b) => flowKey(b.flow) - flowKey(a.flow) || a.to - b.to);
  const weights = integerWeights(sorted.map((c) => c.flow));
  return {
    from,
    hops: sorted.map((c, i) => ({ to: c.to, flow: c.flow, weight: weights[i] })),
    sequence: iwrrSequence(weights),
  };
}

/** Flow below this (tokens/s) is rounding noise from the solver, not a route. */
const FLOW_EPSILON = 1e-6;

/**
 * Tables for `plan` on `cluster`. The plan's flows set the weights; the cluster says which links
 * exist. A flow on a hop the placement or the network does not allow is an error in the plan.
 */
export function buildRoutingTables(cluster: Cluster, plan: Plan, options: RoutingOptions = {}): RoutingTables {
  // `plan` derives the tables to embed and verifying the plan derives them again from the same
  // placement and flows: on 4,000 nodes each derivation takes seconds, so the last one is kept.
  // (Numbers as strings: JSON would write Infinity as null, the default's key.)
  const key = JSON.stringify([options.flows ?? 'balanced', String(options.latencySlack), String(options.value), plan.settings?.partialInference ?? false, plan.nodes, plan.flows]);
  const kept = lastTables.get(cluster);
  if (kept?.key === key) return kept.tables;
  const tables = deriveRoutingTables(cluster, plan, options);
  lastTables.set(cluster, { key, tables });
  return tables;
}

/** The last tables derived for each cluster, by the inputs they were derived from. */
const lastTables = new WeakMap<Cluster, { key: string; tables: RoutingTables }>();

function deriveRoutingTables(cluster: Cluster, plan: Plan, options: RoutingOptions): RoutingTables {
  const flows = options.flows ?? 'balanced';
  const n = cluster.nodes.length;
  const L = cluster.model.layers;
  const placement = placementOf(plan, cluster);
  const partial = plan.settings?.partialInference ?? false;
  const index = new Map(cluster.nodes.map((node, i) => [node.name, i]));
  const vertex = (name: string, field: string): number => {
    if (name === 'source') return SOURCE;
    if (name === 'sink') return SINK;
    const i = index.get(name);
    if (i === undefined) throw inputError('bad-plan', `flow names node "${name}", which is not in the cluster`, { file: cluster.file, field });
    return i;
  };
  const flowOn = new Map<string, number>();
  plan.flows.forEach((f, k) => {
    const key = `${vertex(f.from, `flows[${k}].from`)}>${vertex(f.to, `flows[${k}].to`)}`;
    flowOn.set(key, (flowOn.get(key) ?? 0) + f.flow);
  });
  const take = (from: number, to: number): number => {
    const key = `${from}>${to}`;
    const f = flowOn.get(key) ?? 0;
    flowOn.delete(key);
    return f > FLOW_EPSILON ? f : 0;
  };

  const sourceHops: Candidate[] = [];
  for (let i = 0; i < n; i++) {
    const r = placement[i];
    if (r && r.start === 0 && cluster.sourceCapacity[i] > 0) sourceHops.push({ to: i, flow: take(SOURCE, i) });
  }
  const nodeHops = cluster.nodes.map((_, i): Candidate[] => {
    const a = placement[i];
    const hops: Candidate[] = [];
    if (a) {
      if (a.end === L && cluster.sinkCapacity[i] > 0) hops.push({ to: SINK, flow: take(i, SINK) });
      for (let j = 0; j < n; j++) {
        const b = placement[j];
        if (j !== i && b && cluster.linkCapacity[i * n + j] > 0 && connects(a, b, partial)) hops.push({ to: j, flow: take(i, j) });
      }
    }
    return hops;
  });
  for (const [key, f] of flowOn) {
    if (f <= FLOW_EPSILON) continue;
    const [from, to] = key.split('>').map(Number);
    const name = (v: number) => (v === SOURCE ? 'source' : v === SINK ? 'sink' : cluster.nodes[v].name);
    throw inputError('bad-plan', `the plan sends flow from ${name(from)} to ${name(to)}, a hop its placement or the network does not allow`, {
      file: cluster.file,
      field: 'flows',
    });
  }
  if (flows === 'balanced') {
    // Same value as the plan's flow, spread evenly; the plan's flows were only checked above.
    const value = Math.min(options.value ?? Infinity, sourceHops.reduce((sum, h) => sum + h.flow, 0));
    const balanced = balancePlacement(cluster, placement, value, { partialInference: partial, latencySlack: options.latencySlack }).hops;
    const rebalance = (from: number) => (c: Candidate) => {
      const f = balanced.get(hopKey(from, c.to)) ?? 0;
      c.flow = f > FLOW_EPSILON ? f : 0;
    };
    sourceHops.forEach(rebalance(SOURCE));
    nodeHops.forEach((hops, i) => hops.forEach(rebalance(i)));
  }
  const source = makeTable(SOURCE, sourceHops);
  const nodeTables = nodeHops.map((hops, i) => makeTable(i, hops));
  return {
    cluster: cluster.name,
    nodeNames: cluster.nodes.map((x) => x.name),
    placement,
    layers: L,
    source,
    nodes: nodeTables,
    throughput: source.hops.reduce((s, h) => s + h.flow, 0),
    flows,
  };
}

/** The table a request at `vertex` (SOURCE or a node index) routes by. */
export function tableAt(tables: RoutingTables, vertex: number): RoutingTable {
  return vertex === SOURCE ? tables.source : tables.nodes[vertex];
}
