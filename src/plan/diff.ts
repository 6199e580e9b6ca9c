// What changes between two plans, node by node, in the terms an operator acts on:
// which layers each machine must load or may drop, and the bytes that moves.

import type { Plan, PlanNode } from './types.js';
import { DEFAULT_WORKLOAD } from '../spec/workload-name.js';

export type ChangeKind = 'add' | 'change' | 'remove';

export interface NodeChange {
  readonly node: string;
  readonly gpu: string;
  readonly kind: ChangeKind;
  readonly before: readonly [number, number] | null;
  readonly after: readonly [number, number] | null;
  /** Layers the node holds after but not before: weights to load. */
  readonly loadLayers: number;
  /** Layers the node held before but not after: weights to drop. */
  readonly dropLayers: number;
  readonly loadBytes: number;
  /**
   * A removal: true when the node is not in the new plan at all (it left the cluster, holding
   * layers or idle), false when it stays but holds nothing (idle, e.g. its chain broke
   * elsewhere). Null otherwise (an add with no layers is a machine that joined idle).
   */
  readonly leaves: boolean | null;
  /** The machine type before, where the node is now another (new hardware under the old name: it loads all its layers); else null. */
  readonly gpuBefore: string | null;
}

export interface PlanDiff {
  readonly identical: boolean;
  readonly changes: readonly NodeChange[];
  /** Max flow, tokens/s, as each plan records it. */
  readonly throughputBefore: number;
  readonly throughputAfter: number;
  /** The delivered throughput each plan records as predicted (null: the plan has none). */
  readonly deliveredBefore: number | null;
  readonly deliveredAfter: number | null;
  /** The requests the plans were made for, where they differ: `workload azure-conv -> azure-code`. */
  readonly settingsChanged: readonly string[];
  readonly added: number;
  readonly changed: number;
  readonly removed: number;
  /** Of the removed: nodes that stay in the cluster but hold nothing. */
  readonly idled: number;
  readonly unchanged: number;
  readonly loadLayers: number;
  readonly loadBytes: number;
  /** Flows that differ by more than 1e-6 tokens/s, when placements are the same. */
  readonly flowsChanged: number;
  /** Stages whose embedded routing table (hops and weights) differs. */
  readonly routingChanged: number;
  /**
   * The clusters (or models) the plans are for, where they differ: every node is then compared
   * by name across two clusters, which is rarely what was meant. Null when the same.
   */
  readonly clusters: { readonly before: string; readonly after: string } | null;
}

function range(n: PlanNode | undefined): readonly [number, number] | null {
  return n && n.start !== null && n.end !== null ? [n.start, n.end] : null;
}

function overlap(a: readonly [number, number] | null, b: readonly [number, number] | null): number {
  if (!a || !b) return 0;
  return Math.max(0, Math.min(a[1], b[1]) - Math.max(a[0], b[0]));
}

const size = (r: readonly [number, number] | null): number => (r ? r[1] - r[0] : 0);

type RoutingTables = NonNullable<Plan['routing']>;

/**
 * A stage's hops and weights as one comparable string (`to:weight`, sorted). Hops of weight 0
 * route nothing, and plans written before 2026-12-01 list them where later ones do not: they
 * are left out, so the two compare equal.
 */
export function hopsKey(hops: RoutingTables[number]['hops']): string {
  return hops
    .filter((h) => h.weight !== 0)
    .map((h) => `${h.to}:${h.weight}`)
    .sort()
    .join(' ');
}

/** Routing tables by stage (`from`), each as hopsKey: two routings compare table by table. */
export function routingByStage(routing: RoutingTables): Map<string, string> {
  return new Map(routing.map((t) => [t.from, hopsKey(t.hops)]));
}

export function diffPlans(before: Plan, after: Plan): PlanDiff {
  const old = new Map(before.nodes.map((n) => [n.name, n]));
  const cur = new Map(after.nodes.map((n) => [n.name, n]));
  const names = [...new Set([...old.keys(), ...cur.keys()])];
  const bytesPerLayer = (n: PlanNode | undefined): number => {
    const r = range(n);
    return n && r && size(r) > 0 ? n.weightBytes / size(r) : 0;
  };
  const changes: NodeChange[] = [];
  let unchanged = 0;
  for (const name of names) {
    const a = range(old.get(name));
    const b = range(cur.get(name));
    // An idle machine that left (or joined idle) moves no weights, but the plans differ.
    const listedBoth = old.has(name) && cur.has(name);
    // Another machine type under the same name is new hardware: nothing it held carries over.
    const gpuBefore = listedBoth && old.get(name)!.gpu !== cur.get(name)!.gpu ? old.get(name)!.gpu : null;
    if (gpuBefore === null && ((a === null && b === null && listedBoth) || (a && b && a[0] === b[0] && a[1] === b[1]))) {
      unchanged++;
      continue;
    }
    // A retyped node is in both plans: a change, whatever it holds on either side.
    const kind: ChangeKind =
      gpuBefore !== null ? 'change' : b !== null ? (a === null ? 'add' : 'change') : a === null && !old.has(name) ? 'add' : 'remove';
    const kept = gpuBefore === null ? overlap(a, b) : 0;
    const loadLayers = size(b) - kept;
    const node = cur.get(name) ?? old.get(name)!;
    changes.push({
      node: name,
      gpu: node.gpu,
      kind,
      before: a,
      after: b,
      loadLayers,
      // New hardware holds nothing to drop: the old machine's weights left with it.
      dropLayers: gpuBefore !== null ? 0 : size(a) - kept,
      loadBytes: loadLayers * bytesPerLayer(cur.get(name)),
      leaves: kind === 'remove' ? !cur.has(name) : null,
      gpuBefore,
    });
  }
  const key = (f: { from: string; to: string }) => `${f.from}\u0000${f.to}`;
  // A link listed twice carries the sum of its entries, as verify counts it.
  const flowsByLink = (flows: Plan['flows']) => {
    const m = new Map<string, number>();
    for (const f of flows) m.set(key(f), (m.get(key(f)) ?? 0) + f.flow);
    return m;
  };
  const oldFlows = flowsByLink(before.flows);
  const newFlows = flowsByLink(after.flows);
  let flowsChanged = 0;
  for (const k of new Set([...oldFlows.keys(), ...newFlows.keys()])) {
    if (Math.abs((oldFlows.get(k) ?? 0) - (newFlows.get(k) ?? 0)) > 1e-6) flowsChanged++;
  }
  // The tables a runtime follows: a stage whose hops or weights differ routes differently even
  // where the flows are the same.
  const oldTables = routingByStage(before.routing ?? []);
  const newTables = routingByStage(after.routing ?? []);
  let routingChanged = 0;
  for (const from of new Set([...oldTables.keys(), ...newTables.keys()])) if (oldTables.get(from) !== newTables.get(from)) routingChanged++;
  const count = (kind: ChangeKind) => changes.filter((c) => c.kind === kind).length;
  // The requests a plan was made for decide how simulate, replan and validate --fresh judge it.
  // Not its objective: a replan that moved nothing records maxflow after a delivered plan, and a
  // runbook's `diff || deploy` must read that as no change; nor the time limit and the like.
  const workloadOf = (p: Plan) => p.settings.workload ?? DEFAULT_WORKLOAD;
  const settingsChanged = workloadOf(before) !== workloadOf(after) ? [`workload ${workloadOf(before)} -> ${workloadOf(after)}`] : [];
  const clusterOf = (p: Plan) => `${p.cluster.name} (${p.cluster.model})`;
  const clusters = clusterOf(before) === clusterOf(after) ? null : { before: clusterOf(before), after: clusterOf(after) };
  return {
    clusters,
    identical: changes.length === 0 && flowsChanged === 0 && routingChanged === 0 && settingsChanged.length === 0,
    changes,
    throughputBefore: before.throughput,
    throughputAfter: after.throughput,
    deliveredBefore: before.delivered?.throughput ?? null,
    deliveredAfter: after.delivered?.throughput ?? null,
    settingsChanged,
    added: count('add'),
    changed: count('change'),
    removed: count('remove'),
    idled: changes.filter((c) => c.leaves === false).length,
    unchanged,
    loadLayers: changes.reduce((s, c) => s + c.loadLayers, 0),
    loadBytes: changes.reduce((s, c) => s + c.loadBytes, 0),
    flowsChanged,
    routingChanged,
  };
}
