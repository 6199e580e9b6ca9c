// Separate pipelines: the cluster is split into groups (by GPU type, or by region) and each group
// serves the model on its own, Swarm-style, with no flow between groups. A group too small to
// hold the model alone would sit idle, which no operator does, so such groups are pooled into one
// mixed group (the paper's bundled 24-node clusters have no GPU type that holds LLaMA-2-70B
// alone); `pool: false` keeps them idle instead.
//
// The placement alone cannot say "no flow crosses groups": its max flow over the whole cluster
// may route between groups whose boundaries happen to line up. The method's throughput is
// therefore the sum of each group's own max flow (separateFlow), never evaluatePlacement on the
// whole placement.

import type { Cluster, Placement } from '../../spec/types.js';
import { evaluatePlacement, type FlowEdge, type FlowResult } from '../../graph/placement-flow.js';
import { swarm } from './swarm.js';

export type GroupBy = 'gpu' | 'region';

export interface SeparateOptions {
  /** What makes a group: GPU type (default) or region. */
  readonly by?: GroupBy;
  /** Pool the groups that cannot serve the model alone into one mixed group (default true). */
  readonly pool?: boolean;
}

export interface SeparateGroup {
  /** The group's key, or the keys joined with '+' for the pooled group. */
  readonly label: string;
  readonly nodes: readonly number[];
  readonly pooled: boolean;
  /** The group's own max flow (0 when it cannot serve the model). */
  readonly throughput: number;
  /** Swarm stages the group's pipelines use; 0 when it cannot serve the model. */
  readonly stages: number;
}

export interface SeparateResult {
  readonly placement: Placement;
  /** Sum of the groups' own max flows. */
  readonly throughput: number;
  readonly groups: readonly SeparateGroup[];
}

/** Node indices per group key, groups in order of their first node. */
export function groupNodes(cluster: Cluster, by: GroupBy): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  cluster.nodes.forEach((node, i) => {
    const key = by === 'gpu' ? node.gpu : node.region;
    const members = groups.get(key);
    if (members) members.push(i);
    else groups.set(key, [i]);
  });
  return groups;
}

export function separatePlacement(cluster: Cluster, options: SeparateOptions = {}): Placement {
  return separate(cluster, options).placement;
}

interface ServedGroup {
  readonly group: SeparateGroup;
  readonly placement: Placement;
}

/** Swarm within the group places only the group's own nodes, so its max flow is the group's alone. */
function serveAlone(cluster: Cluster, label: string, nodes: readonly number[], pooled: boolean): ServedGroup {
  const own = swarm(cluster, { nodes });
  return { group: { label, nodes, pooled, throughput: own.throughput, stages: own.stages }, placement: own.placement };
}

export function separate(cluster: Cluster, options: SeparateOptions = {}): SeparateResult {
  const pool = options.pool ?? true;
  const served: ServedGroup[] = [];
  const stranded: ServedGroup[] = [];
  for (const [label, nodes] of groupNodes(cluster, options.by ?? 'gpu')) {
    const alone = serveAlone(cluster, label, nodes, false);
    (alone.group.throughput > 0 || !pool ? served : stranded).push(alone);
  }
  if (stranded.length === 1) served.push(stranded[0]);
  if (stranded.length > 1) {
    const nodes = stranded.flatMap((s) => s.group.nodes).sort((a, b) => a - b);
    served.push(serveAlone(cluster, stranded.map((s) => s.group.label).join('+'), nodes, true));
  }
  const placement: Placement[number][] = cluster.nodes.map(() => null);
  for (const s of served) for (const i of s.group.nodes) placement[i] = s.placement[i];
  const groups = served.map((s) => s.group);
  return { placement, throughput: groups.reduce((sum, g) => sum + g.throughput, 0), groups };
}

/**
 * The max flow of a placement when no flow may cross between the given groups: each group's
 * own max flow, merged. Its cut is the union of the groups' minimum cuts, which is a minimum cut
 * of the network without cross-group links.
 */
export function separateFlow(cluster: Cluster, placement: Placement, groups: readonly (readonly number[])[]): FlowResult {
  const n = cluster.nodes.length;
  const nodeFlow = new Float64Array(n);
  const nodeCapacity = new Float64Array(n);
  const edges: FlowEdge[] = [];
  const cutSide: number[] = [];
  const cutNodes: number[] = [];
  const cutEdges: FlowEdge[] = [];
  let throughput = 0;
  for (const members of groups) {
    const only = new Set(members);
    const flow = evaluatePlacement(cluster, placement.map((r, i) => (only.has(i) ? r : null)));
    throughput += flow.throughput;
    for (const i of members) {
      nodeFlow[i] = flow.nodeFlow[i];
      nodeCapacity[i] = flow.nodeCapacity[i];
    }
    // Appended one by one: a spread passes every element as an argument, past the engine's
    // limit on clusters of a few thousand nodes (about 10^5-10^6 edges).
    append(edges, flow.edges);
    append(cutSide, flow.cutSide);
    append(cutNodes, flow.cut?.nodes ?? []);
    append(cutEdges, flow.cut?.edges ?? []);
  }
  const byIndex = (a: number, b: number) => a - b;
  return { throughput, nodeFlow, nodeCapacity, edges, cutSide: cutSide.sort(byIndex), cut: { nodes: cutNodes.sort(byIndex), edges: cutEdges } };
}

function append<T>(to: T[], items: readonly T[]): void {
  for (const x of items) to.push(x);
}
