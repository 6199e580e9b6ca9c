// Routing tables from a plan: for the coordinator and every node, the next hops a request may take
// and the IWRR weights that make requests follow the plan's max flow. Hops the placement allows
// but the flow leaves empty are listed too (weight 0): IWRR never picks them, the comparison
// policies (random, shortest-queue, swarm) may.

import { inputError } from '../errors.js';
import { connects, SINK, SOURCE } from '../graph/placement-flow.js';
import { placementOf } from '../plan/assemble.js';
import type { Plan } from '../plan/types.js';
import type { Cluster, LayerRange } from '../spec/types.js';
import { integerWeights, iwrrSequence } from './iwrr.js';

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
}

interface Candidate {
  to: number;
  flow: number;
}

function makeTable(from: number, candidates: Candidate[]): RoutingTable {
  const sorted = [...candidates].sort((a, b) => b.flow - a.flow || a.to - b.to);
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
export function buildRoutingTables(cluster: Cluster, plan: Plan): RoutingTables {
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
  const nodeTables = cluster.nodes.map((_, i): RoutingTable => {
    const a = placement[i];
    const hops: Candidate[] = [];
    if (a) {
      if (a.end === L && cluster.sinkCapacity[i] > 0) hops.push({ to: SINK, flow: take(i, SINK) });
      for (let j = 0; j < n; j++) {
        const b = placement[j];
        if (j !== i && b && cluster.linkCapacity[i * n + j] > 0 && connects(a, b, partial)) hops.push({ to: j, flow: take(i, j) });
      }
    }
    return makeTable(i, hops);
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
  const source = makeTable(SOURCE, sourceHops);
  return {
    cluster: cluster.name,
    nodeNames: cluster.nodes.map((x) => x.name),
    placement,
    layers: L,
    source,
    nodes: nodeTables,
    throughput: source.hops.reduce((s, h) => s + h.flow, 0),
  };
}

/** The table a request at `vertex` (SOURCE or a node index) routes by. */
export function tableAt(tables: RoutingTables, vertex: number): RoutingTable {
  return vertex === SOURCE ? tables.source : tables.nodes[vertex];
}
