// Turns a placement and its verified max flow into the Plan that is printed and saved.
// Keys are written in one fixed order here, so saved plans diff cleanly.

import type { Cluster, Placement } from '../spec/types.js';
import { evaluatePlacement, SINK, SOURCE, type FlowResult } from '../graph/placement-flow.js';
import { VERSION } from '../version.js';
import { PLAN_FORMAT_VERSION, type Plan, type PlanBound, type PlanFlow, type PlanSettings, type PlanStatus } from './types.js';

export interface AssembleInput {
  readonly cluster: Cluster;
  readonly placement: Placement;
  readonly settings: PlanSettings;
  readonly status: PlanStatus;
  readonly bound: PlanBound;
  readonly stats: Plan['stats'];
  /** Reuse a flow already computed for this placement; otherwise it is computed here. */
  readonly flow?: FlowResult;
}

/** Rounded for stable, readable JSON; 1e-6 tokens/s is far below any meaningful difference. */
export function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

function endpointName(cluster: Cluster, v: number): string {
  if (v === SOURCE) return 'source';
  if (v === SINK) return 'sink';
  return cluster.nodes[v].name;
}

/** Stages on the longest source-to-sink path that carries flow (0 when there is no flow). */
export function flowDepth(cluster: Cluster, flow: FlowResult): number {
  const n = cluster.nodes.length;
  const out: number[][] = Array.from({ length: n }, () => []);
  const starts: number[] = [];
  for (const e of flow.edges) {
    if (e.flow <= 1e-9) continue;
    if (e.from === SOURCE) starts.push(e.to);
    else if (e.to !== SINK) out[e.from].push(e.to);
  }
  // Ranges strictly advance along edges, so the flow graph is acyclic: memoised DFS is safe.
  const memo = new Int32Array(n).fill(-1);
  const longest = (v: number): number => {
    if (memo[v] >= 0) return memo[v];
    let best = 0;
    for (const w of out[v]) best = Math.max(best, longest(w));
    return (memo[v] = best + 1);
  };
  return starts.reduce((d, s) => Math.max(d, longest(s)), 0);
}

export function assemblePlan(input: AssembleInput): Plan {
  const { cluster, placement } = input;
  const flow = input.flow ?? evaluatePlacement(cluster, placement, { partialInference: input.settings.partialInference });
  const flows: PlanFlow[] = flow.edges
    .filter((e) => e.flow > 1e-9)
    .map((e) => ({
      from: endpointName(cluster, e.from),
      to: endpointName(cluster, e.to),
      flow: round6(e.flow),
      capacity: round6(e.capacity),
    }));
  // The gap comes from the figures as recorded, so a reader (and verify) gets it back from them:
  // on a cluster whose flow is a few millionths of a token/s, rounding moves it.
  const bound = round6(input.bound.value);
  const throughput = round6(flow.throughput);
  return {
    formatVersion: PLAN_FORMAT_VERSION,
    tool: { name: 'helix', version: VERSION },
    cluster: {
      name: cluster.name,
      model: cluster.model.id,
      layers: cluster.model.layers,
      nodes: cluster.nodes.length,
      inputHash: cluster.inputHash,
    },
    settings: input.settings,
    status: input.status,
    throughput,
    bound: { value: bound, source: input.bound.source, all: roundAll(input.bound.all) },
    gap: bound > 0 ? round6(Math.max(0, (bound - throughput) / bound)) : 0,
    depth: flowDepth(cluster, flow),
    nodes: cluster.nodes.map((node, i) => {
      const r = placement[i];
      const layers = r ? r.end - r.start : 0;
      return {
        name: node.name,
        gpu: node.gpu,
        region: node.region,
        start: r ? r.start : null,
        end: r ? r.end : null,
        capacity: round6(flow.nodeCapacity[i]),
        flow: round6(flow.nodeFlow[i]),
        weightBytes: layers * cluster.model.weightBytesPerLayer,
        vramBytes: node.vramBytes,
        profileSource: node.profileSource,
      };
    }),
    flows,
    stats: input.stats,
  };
}

function roundAll(all: Readonly<Record<string, number>>): Record<string, number> {
  return Object.fromEntries(Object.entries(all).map(([k, v]) => [k, round6(v)]));
}

/** The placement a plan describes, in the cluster's node order (by node name). */
export function placementOf(plan: Plan, cluster: Cluster): (import('../spec/types.js').LayerRange | null)[] {
  const byName = new Map(plan.nodes.map((n) => [n.name, n]));
  return cluster.nodes.map((node) => {
    const p = byName.get(node.name);
    return p && p.start !== null && p.end !== null ? { start: p.start, end: p.end } : null;
  });
}
