// Checks a plan from the cluster and profiles alone, trusting nothing the planner computed:
// ranges, memory, which links may carry tokens, capacities recomputed from the inputs,
// conservation, a decomposition into source-to-sink paths, totals, and the exact max flow.

import { shownFile } from '../stdin.js';
import { leftOutByReplan } from '../graph/extend.js';
import { checkRouting } from './routing-check.js';
import { connects, evaluatePlacement, nodeCapacityFor } from '../graph/placement-flow.js';
import { inputError } from '../errors.js';
import type { Cluster, LayerRange } from '../spec/types.js';
import type { Plan } from '../plan/types.js';
import { formatLayerRange } from '../spec/layer-range.js';
import { article } from '../report/format.js';

/** The warning of a plan checked against inputs other than those it was made for. */
/** How the warning about nodes a replan left out begins (replan says it in its own note). */
export const LEFT_OUT_WARNING = 'left out by a replan: ';
export const INPUTS_CHANGED = 'the cluster or profiles changed since this plan was made (input hash differs); checked against the current inputs';

export interface Problem {
  /** Dotted path into the plan, e.g. `nodes[3].end` or `flows[7].flow`. */
  readonly field: string;
  readonly message: string;
}

export interface VerifyReport {
  readonly valid: boolean;
  readonly problems: readonly Problem[];
  /** Things that do not make the plan invalid but a reader should know. */
  readonly warnings: readonly string[];
  /** Throughput carried by the plan's own flows (sum out of the source). */
  readonly flowThroughput: number;
  /** Exact max flow over the plan's placement, recomputed from the inputs. */
  readonly maxFlow: number;
  /** Paths source -> sink the plan's flow decomposes into. */
  readonly paths: number;
}

export interface VerifyOptions {
  /** Relative tolerance on capacities and balances. */
  readonly tolerance?: number;
  readonly partialInference?: boolean;
  /** The plan's file, named by the error when the plan belongs to another cluster. */
  readonly planFile?: string;
}

const NODE = (i: number) => `nodes[${i}]`;

/** Throws (exit 2) when the plan was made for a different cluster; otherwise reports problems. */
export function verifyPlan(plan: Plan, cluster: Cluster, options: VerifyOptions = {}): VerifyReport {
  const tol = options.tolerance ?? 1e-6;
  const partial = options.partialInference ?? plan.settings?.partialInference ?? false;
  const L = cluster.model.layers;
  const n = cluster.nodes.length;
  const problems: Problem[] = [];
  const warnings: string[] = [];
  const slack = (cap: number) => tol * Math.max(1, cap);

  assertSameCluster(plan, cluster, options.planFile);
  // A replan leaves failed nodes out and records the spec's hash without them: such a plan was
  // made for these very inputs, and only the nodes it leaves out need saying.
  const leftOut = leftOutByReplan(cluster, plan);
  const replanned = leftOut.length > 0;
  // Made for these very inputs: the spec itself, or the spec less what a replan left out.
  const sameInputs = plan.cluster.inputHash === cluster.inputHash || replanned;
  if (!sameInputs) {
    warnings.push(INPUTS_CHANGED);
  }
  // The hash leaves the name out (renaming a spec changes nothing a plan depends on), but a plan
  // judged against a spec of another name is often the wrong pairing in a runbook or CI job.
  // Only a spec that names itself: an unnamed one takes its file's name, which a symlink or `-` changes.
  if (plan.cluster.name !== cluster.name && !cluster.unnamed) {
    warnings.push(`the plan was made for cluster "${plan.cluster.name}", and is checked against "${cluster.name}" (${shownFile(cluster.file)})`);
  }

  // Made for these very inputs (a changed cluster is allowed, with the warning above), the plan
  // must describe them as they are.
  if (sameInputs && plan.cluster.nodes !== n - leftOut.length) {
    problems.push({ field: 'cluster.nodes', message: `records ${plan.cluster.nodes} nodes, but the cluster it was made for has ${n - leftOut.length}` });
  }

  // Placement: every node of the cluster appears once, ranges inside [0, L) and within memory.
  const index = new Map(cluster.nodes.map((node, i) => [node.name, i]));
  const ranges: (LayerRange | null)[] = new Array(n).fill(null);
  // Nodes holding more layers than their memory allows: reported once, here. Their ranges still
  // stand for the checks of links and paths (which are about the ranges as written), but their
  // capacity, and the placement's max flow, mean nothing, so those checks pass them by rather
  // than add a problem per flow that only restates this one.
  const overMemory = new Set<number>();
  const seen = new Set<string>();
  plan.nodes.forEach((pn, pi) => {
    const i = index.get(pn.name);
    if (i === undefined) {
      problems.push({ field: `${NODE(pi)}.name`, message: `node "${pn.name}" is not in the cluster` });
      return;
    }
    if (seen.has(pn.name)) problems.push({ field: `${NODE(pi)}.name`, message: `node "${pn.name}" appears twice` });
    seen.add(pn.name);
    // What the plan records of the machine is what a runtime or a reader takes as true.
    const spec = cluster.nodes[i];
    if (pn.gpu !== spec.gpu) problems.push({ field: `${NODE(pi)}.gpu`, message: `records ${pn.gpu}, but ${pn.name} is ${article(spec.gpu)} ${spec.gpu}` });
    if (pn.region !== spec.region) problems.push({ field: `${NODE(pi)}.region`, message: `records ${pn.region}, but ${pn.name} is in ${spec.region}` });
    if (pn.vramBytes !== spec.vramBytes) problems.push({ field: `${NODE(pi)}.vramBytes`, message: `records ${pn.vramBytes} bytes, but ${pn.name} has ${spec.vramBytes}` });
    if (sameInputs && pn.profileSource !== spec.profileSource) problems.push({ field: `${NODE(pi)}.profileSource`, message: `records ${pn.profileSource}, but the ${spec.gpu} profile in use is ${spec.profileSource}` });
    if (pn.start === null || pn.end === null) {
      if (pn.start !== pn.end) problems.push({ field: NODE(pi), message: 'start and end must both be set or both be null' });
      if (pn.flow > slack(0)) problems.push({ field: `${NODE(pi)}.flow`, message: 'an unused node carries flow' });
      return;
    }
    const node = cluster.nodes[i];
    if (pn.start < 0 || pn.end > L || pn.start >= pn.end) {
      problems.push({ field: NODE(pi), message: `layer range [${pn.start}, ${pn.end}) is not inside [0, ${L}) or is empty` });
      return;
    }
    const k = pn.end - pn.start;
    if (k > node.maxLayers) {
      problems.push({
        field: NODE(pi),
        message: `holds ${k} layers but its memory allows at most ${node.maxLayers} (${node.gpu})`,
      });
      overMemory.add(i);
      ranges[i] = { start: pn.start, end: pn.end };
      return;
    }
    const capacity = nodeCapacityFor(cluster, i, { start: pn.start, end: pn.end });
    if (Math.abs(pn.capacity - capacity) > slack(capacity) + 1e-6) {
      problems.push({ field: `${NODE(pi)}.capacity`, message: `records ${pn.capacity} tokens/s, but ${k} layers on ${article(node.gpu)} ${node.gpu} give ${capacity.toFixed(3)}` });
    }
    if (pn.weightBytes !== k * cluster.model.weightBytesPerLayer) {
      problems.push({ field: `${NODE(pi)}.weightBytes`, message: `records ${pn.weightBytes} bytes, but ${k} layers of ${cluster.model.id} weigh ${k * cluster.model.weightBytesPerLayer}` });
    }
    ranges[i] = { start: pn.start, end: pn.end };
  });
  if (replanned) {
    const names = leftOut.map((i) => cluster.nodes[i].name);
    warnings.push(`${LEFT_OUT_WARNING}${names.join(', ')} (in the spec, not in the plan; treated as unused)`);
  } else {
    for (const node of cluster.nodes) {
      if (!seen.has(node.name)) warnings.push(`node "${node.name}" is missing from the plan (treated as unused)`);
    }
  }

  /**
   * A hop named as flows and routing tables name them, against the placement and the network:
   * `error` when it is no edge of the flow graph at all; otherwise its ends, the link's capacity
   * and what is wrong with its layer ranges.
   */
  const resolveHop = (fromName: string, toName: string): { error: string } | { from: number; to: number; cap: number; problems: string[] } => {
    const from = fromName === 'source' ? -1 : index.get(fromName);
    const to = toName === 'sink' ? -2 : index.get(toName);
    if (from === undefined || to === undefined) return { error: `edge ${fromName} -> ${toName} names a node that is not in the cluster` };
    if (from === -1 && to >= 0) {
      const bad = !ranges[to] || ranges[to]!.start !== 0;
      return { from, to, cap: cluster.sourceCapacity[to], problems: bad ? [`source -> ${toName}: the node does not start at layer 0`] : [] };
    }
    if (to === -2 && from >= 0) {
      const bad = !ranges[from] || ranges[from]!.end !== L;
      return { from, to, cap: cluster.sinkCapacity[from], problems: bad ? [`${fromName} -> sink: the node does not end at layer ${L}`] : [] };
    }
    if (from >= 0 && to >= 0 && from !== to) {
      const a = ranges[from];
      const b = ranges[to];
      const bad = !a || !b || !connects(a, b, partial);
      return { from, to, cap: cluster.linkCapacity[from * n + to], problems: bad ? [`${fromName} -> ${toName}: layer ranges do not connect (${formatLayerRange(a)} then ${formatLayerRange(b)})`] : [] };
    }
    return { error: `edge ${fromName} -> ${toName} is not an edge of the flow graph` };
  };

  // Embedded routing tables: a runtime follows them, so every hop must be one the placement and
  // the network allow, by the same rules as the flows (the weights themselves are the plan's choice).
  plan.routing?.forEach((table, ti) => {
    const from = table.from === 'source' ? -1 : index.get(table.from);
    if (from === undefined || (from >= 0 && !ranges[from])) {
      problems.push({ field: `routing[${ti}].from`, message: `"${table.from}" is not the coordinator or a node holding layers` });
      return;
    }
    // A hop listed twice leaves a runtime to pick one of its weights (a weight 0 first would
    // starve it), whatever the weights add up to.
    const listed = new Set<string>();
    table.hops.forEach((h, hi) => {
      const field = `routing[${ti}].hops[${hi}]`;
      if (listed.has(h.to)) problems.push({ field, message: `${table.from} -> ${h.to} is listed twice in one table` });
      listed.add(h.to);
      const hop = resolveHop(table.from, h.to);
      if ('error' in hop) {
        problems.push({ field, message: hop.error });
        return;
      }
      for (const message of hop.problems) problems.push({ field, message });
      if (hop.cap <= 0) problems.push({ field, message: `${table.from} -> ${h.to}: there is no such link in the cluster` });
    });
  });

  // Flows: only over links that exist and whose ranges connect, within recomputed capacities.
  const inflow = new Float64Array(n);
  const outflow = new Float64Array(n);
  let fromSource = 0;
  let toSink = 0;
  const adj: { to: number; flow: number }[][] = Array.from({ length: n + 1 }, () => []); // n = source
  plan.flows.forEach((f, fi) => {
    const field = `flows[${fi}]`;
    if (!(f.flow >= 0)) {
      problems.push({ field: `${field}.flow`, message: 'flow must be >= 0' });
      return;
    }
    const hop = resolveHop(f.from, f.to);
    if ('error' in hop) {
      problems.push({ field, message: hop.error });
      return;
    }
    const { from, to, cap } = hop;
    for (const message of hop.problems) problems.push({ field, message });
    if (cap > 0 && Math.abs(f.capacity - cap) > slack(cap) + 1e-6) {
      problems.push({ field: `${field}.capacity`, message: `${f.from} -> ${f.to}: records ${f.capacity} tokens/s, but the link carries ${cap.toFixed(3)}` });
    }
    if (cap <= 0) problems.push({ field, message: `${f.from} -> ${f.to}: there is no such link in the cluster` });
    else if (f.flow > cap + slack(cap)) {
      problems.push({ field: `${field}.flow`, message: `${f.from} -> ${f.to}: flow ${f.flow.toFixed(3)} exceeds link capacity ${cap.toFixed(3)}` });
    }
    if (from === -1) fromSource += f.flow;
    else outflow[from] += f.flow;
    if (to === -2) toSink += f.flow;
    else inflow[to] += f.flow;
    adj[from === -1 ? n : from].push({ to, flow: f.flow });
  });

  // Conservation and node capacity, both recomputed from the profiles.
  for (let i = 0; i < n; i++) {
    const name = cluster.nodes[i].name;
    const cap = nodeCapacityFor(cluster, i, ranges[i]);
    const scale = Math.max(inflow[i], outflow[i], 1);
    if (Math.abs(inflow[i] - outflow[i]) > tol * scale) {
      problems.push({ field: `flows`, message: `${name}: flow in ${inflow[i].toFixed(3)} != flow out ${outflow[i].toFixed(3)}` });
    }
    if (!overMemory.has(i) && inflow[i] > cap + slack(cap)) {
      problems.push({ field: `flows`, message: `${name}: carries ${inflow[i].toFixed(3)} tokens/s but its capacity is ${cap.toFixed(3)}` });
    }
  }

  // What the plan records per node must be what its flows carry: readers (render, explain) show it.
  plan.nodes.forEach((pn, pi) => {
    const i = index.get(pn.name);
    if (i === undefined || ranges[i] === null) return;
    if (Math.abs(pn.flow - inflow[i]) > tol * Math.max(1, inflow[i]) + 1e-5) {
      problems.push({ field: `${NODE(pi)}.flow`, message: `records ${pn.flow} tokens/s, but its flows carry ${inflow[i].toFixed(3)}` });
    }
  });
  checkDepth(plan, adj, n, problems);
  if (plan.bound && plan.bound.value > 0) {
    const gap = Math.max(0, (plan.bound.value - plan.throughput) / plan.bound.value);
    if (Math.abs(plan.gap - gap) > 1e-5) problems.push({ field: 'gap', message: `records ${plan.gap}, but its throughput and bound give ${gap.toFixed(6)}` });
  }
  checkStatus(plan, problems);
  if (overMemory.size === 0) checkRouting(plan, cluster, sameInputs, problems);

  // Totals agree with each other and with what the plan claims.
  const total = Math.max(fromSource, toSink);
  if (Math.abs(fromSource - toSink) > tol * Math.max(1, total)) {
    problems.push({ field: 'flows', message: `flow out of the source ${fromSource.toFixed(3)} != flow into the sink ${toSink.toFixed(3)}` });
  }
  if (Math.abs(plan.throughput - fromSource) > Math.max(1e-3, tol * Math.max(1, total))) {
    problems.push({ field: 'throughput', message: `claims ${plan.throughput.toFixed(3)} tokens/s but its flows carry ${fromSource.toFixed(3)}` });
  }

  const paths = countPaths(adj, n, ranges, L, problems);
  const maxFlow = evaluatePlacement(cluster, ranges, { partialInference: partial }).throughput;
  if (overMemory.size === 0 && fromSource > maxFlow + Math.max(1e-3, tol * maxFlow)) {
    problems.push({ field: 'throughput', message: `flows carry ${fromSource.toFixed(3)} but the placement's max flow is only ${maxFlow.toFixed(3)}` });
  } else if (fromSource < maxFlow * (1 - 1e-4) - 1e-3) {
    warnings.push(`the placement allows ${maxFlow.toFixed(1)} tokens/s; the plan's routing carries ${fromSource.toFixed(1)}`);
  }
  if (plan.bound && plan.bound.value + Math.max(1e-3, tol * plan.bound.value) < plan.throughput) {
    problems.push({ field: 'bound.value', message: `upper bound ${plan.bound.value} is below the plan's throughput` });
  }

  return { valid: problems.length === 0, problems, warnings, flowThroughput: fromSource, maxFlow, paths };
}

/**
 * The recorded depth (most stages on a path carrying flow) against the flows, and the depth
 * controls the plan records against its placement: a plan that says `maxStages: 8` must not have
 * a 9-stage path. Flows are stored rounded to 1e-6 (and only those above 1e-9 are listed), so a
 * path counts as carrying flow when every edge carries more than 1e-6, and may count when every
 * edge is listed.
 */
function checkDepth(plan: Plan, adj: readonly { to: number; flow: number }[][], n: number, problems: Problem[]): void {
  const longest = (threshold: number): number => {
    const memo = new Int32Array(n).fill(-1);
    const visit = (v: number): number => {
      if (memo[v] >= 0) return memo[v];
      memo[v] = 0; // a cycle (already reported as a connection problem) ends the walk
      let best = 0;
      for (const e of adj[v]) if (e.to >= 0 && e.flow > threshold) best = Math.max(best, visit(e.to));
      return (memo[v] = best + 1);
    };
    let d = 0;
    for (const e of adj[n]) if (e.to >= 0 && e.flow > threshold) d = Math.max(d, visit(e.to));
    return d;
  };
  // A listed flow of 0 was above 1e-9 before rounding: it may still have counted.
  const least = longest(1e-6);
  const most = longest(-1);
  if (plan.depth < least || plan.depth > most) {
    problems.push({ field: 'depth', message: `records ${plan.depth} stages, but the longest path carrying flow has ${least === most ? least : `${least}-${most}`}` });
  }
  const s = plan.settings;
  if (s?.maxStages != null && least > s.maxStages) {
    problems.push({ field: 'settings.maxStages', message: `the plan records --max-stages ${s.maxStages}, but a path carrying flow has ${least} stages` });
  }
  if (s?.minLayers != null) {
    plan.nodes.forEach((pn, pi) => {
      if (pn.start === null || pn.end === null || !(pn.flow > 1e-6)) return;
      if (pn.end - pn.start < s.minLayers!) problems.push({ field: NODE(pi), message: `the plan records --min-layers ${s.minLayers}, but ${pn.name} holds ${pn.end - pn.start}` });
    });
  }
}

/**
 * Peels the flow into source-to-sink paths, checking that each path covers layers 0..L-1 in order.
 * Every edge already connects contiguous ranges, so a failure here means the flow is not a sum of
 * pipelines (e.g. it strands tokens mid-model).
 */
function countPaths(
  adj: { to: number; flow: number }[][],
  n: number,
  ranges: (LayerRange | null)[],
  L: number,
  problems: Problem[],
): number {
  const residual = adj.map((edges) => edges.map((e) => ({ ...e })));
  let total = 0;
  for (const e of residual[n]) total += e.flow;
  // Plans store flows rounded to 1e-6, so residues of that order are rounding, not stranded tokens.
  const eps = Math.max(1e-4, 1e-7 * total);
  let paths = 0;
  for (let guard = 0; guard < 100_000; guard++) {
    const path: { from: number; edge: { to: number; flow: number } }[] = [];
    let v = n;
    let covered = 0;
    while (v !== -2) {
      const edge = residual[v].find((e) => e.flow > eps);
      if (!edge) break;
      path.push({ from: v, edge });
      if (edge.to >= 0) {
        const r = ranges[edge.to];
        if (!r || r.start > covered) {
          const message = r ? `a flow path skips layers ${covered}..${r.start - 1}` : `a flow path goes on after layer ${covered} to a node that holds no layers`;
          problems.push({ field: 'flows', message });
          return paths;
        }
        covered = r.end;
      }
      v = edge.to;
      if (path.length > n + 2) break;
    }
    if (path.length === 0) break;
    const amount = Math.min(...path.map((p) => p.edge.flow));
    if (v !== -2 && amount <= eps * (n + 1)) {
      for (const p of path) p.edge.flow -= amount;
      continue;
    }
    if (v !== -2) {
      problems.push({ field: 'flows', message: 'flow does not decompose into source-to-sink paths (tokens stranded mid-model)' });
      return paths;
    }
    if (covered !== L) problems.push({ field: 'flows', message: `a flow path ends after layer ${covered} of ${L}` });
    for (const p of path) p.edge.flow -= amount;
    paths++;
  }
  return paths;
}

/**
 * The status a script branches on must agree with the figures: no-flow exactly when nothing
 * flows, and a claim of optimality (or of the gap reached) only within the gap asked for. Depth
 * controls prove optimality under the controls, against a bound without them, so they are spared.
 */
function checkStatus(plan: Plan, problems: Problem[]): void {
  if ((plan.status === 'no-flow') !== !(plan.throughput > 0)) {
    problems.push({ field: 'status', message: plan.status === 'no-flow' ? `records no-flow, but the plan carries ${plan.throughput} tokens/s` : `records ${plan.status}, but the plan carries no flow (no-flow)` });
  }
  const s = plan.settings;
  const controlled = s.maxStages !== null || s.minLayers !== null || s.keepLinks !== null || s.objective === 'delivered';
  if ((plan.status === 'optimal' || plan.status === 'gap-reached') && !controlled && plan.gap > s.gap + 1e-6) {
    problems.push({ field: 'status', message: `records ${plan.status}, but the plan is ${(100 * plan.gap).toFixed(2)}% below its bound, more than the --gap of ${(100 * s.gap).toFixed(2)}% asked for` });
  }
}

export function assertSameCluster(plan: Plan, cluster: Cluster, planFile: string | undefined): void {
  const names = new Set(cluster.nodes.map((node) => node.name));
  const sameNodes = plan.nodes.length === names.size && plan.nodes.every((node) => names.has(node.name));
  // A renamed cluster with the same nodes is still the same cluster; so is a same-named one that
  // changed a little (problems name what no longer fits). Different model or different everything is not.
  const other =
    plan.cluster.model !== cluster.model.id ||
    plan.cluster.layers !== cluster.model.layers ||
    (plan.cluster.name !== cluster.name && !sameNodes);
  if (other) {
    // Either file may be the wrong one; the plan's is named first, since `validate plans/*.json`
    // is where a stray plan turns up.
    // Name, model and layers on both sides, so the one that differs shows (a hand-edited
    // `cluster.layers` once read as the same cluster twice).
    const layersDiffer = plan.cluster.layers !== cluster.model.layers && plan.cluster.model === cluster.model.id;
    const what = (name: string, model: string, layers: unknown) => `"${name}", model ${model}${layersDiffer ? `, ${JSON.stringify(layers)} layers` : ''}`;
    throw inputError('plan-cluster-mismatch', `plan was made for another cluster (${what(plan.cluster.name, plan.cluster.model, plan.cluster.layers)}), not for ${shownFile(cluster.file)}`, {
      file: planFile ?? cluster.file,
      ...(layersDiffer ? { field: 'cluster.layers' } : {}),
      expected: `a plan for ${what(cluster.name, cluster.model.id, cluster.model.layers)}`,
    });
  }
}
