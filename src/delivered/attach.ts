// Fills a plan's `delivered` field from the model. Plans for GPUs without per-layer timing tables
// (estimated profiles) cannot be predicted: they keep no `delivered` field and say why in a note.

import { HelixError } from '../errors.js';
import type { Plan, PlanDelivered } from '../plan/types.js';
import type { Cluster } from '../spec/types.js';
import { bundledGpusPerMachine, kvTokenSlots } from '../sim/kv.js';
import { MEMORY_UTILISATION, usableMemoryBytes, WORKSPACE_BYTES_PER_GPU } from '../profiles/memory.js';
import { azureConvWorkload, predictDelivered, type DeliveredOptions, type DeliveredPrediction, type Workload } from './model.js';
import { article } from '../report/format.js';

const r6 = (x: number): number => Math.round(x * 1e6) / 1e6;

export function deliveredSummary(p: DeliveredPrediction): PlanDelivered {
  return {
    throughput: r6(p.throughput),
    decodeThroughput: r6(p.decodeThroughput),
    ttftSec: r6(p.ttftSec),
    tpotSec: r6(p.tpotSec),
    inflight: r6(p.inflight),
    limitedBy: p.limitedBy,
    workload: { input: r6(p.workload.input), output: r6(p.workload.output) },
  };
}

/** A prediction, or the reason there is none when the cluster lacks what the model needs (per-layer timings). */
export function orReason<T>(predict: () => T): T | string {
  try {
    return predict();
  } catch (e) {
    if (e instanceof HelixError) return e.message;
    throw e;
  }
}

/** The prediction for a plan, or the reason there is none. */
export function tryPredict(cluster: Cluster, plan: Plan, workload: Workload = azureConvWorkload(), options: DeliveredOptions = {}): DeliveredPrediction | string {
  return orReason(() => predictDelivered(cluster, plan, workload, options));
}

/** How the note on a plan that cannot be predicted begins. */
export const NO_PREDICTION = 'no delivered-throughput prediction: ';

/** The plan with `delivered` filled in (or a note saying why it could not be). */
export function withDelivered(cluster: Cluster, plan: Plan, workload?: Workload, options: DeliveredOptions = {}): Plan {
  const p = tryPredict(cluster, plan, workload, options);
  if (typeof p === 'string') return { ...plan, stats: { ...plan.stats, notes: [...plan.stats.notes, `${NO_PREDICTION}${p}`] } };
  const { stats, ...rest } = plan;
  const full = noKvRoomNote(cluster, plan);
  // `delivered` sits before `stats` so saved plans read top-down: flow, then what it delivers.
  return { ...rest, delivered: deliveredSummary(p), stats: full ? { ...stats, notes: [...stats.notes, full] } : stats };
}

/**
 * Nodes carrying flow whose weights leave no KV-cache room, as one note (null: none): no request
 * can be admitted through them, which max flow cannot see. A profile's explicit maxLayers made
 * for another memory budget (an import with --usable-memory of the whole card) leads here.
 */
export function noKvRoomNote(cluster: Cluster, plan: Plan): string | null {
  const index = new Map(cluster.nodes.map((node, i) => [node.name, i]));
  const full = plan.nodes.filter((n) => n.flow > 0 && n.start !== null && n.end !== null && index.has(n.name) && kvTokenSlots(cluster, index.get(n.name)!, n.end - n.start) <= 0);
  if (full.length === 0) return null;
  const n = full[0];
  const node = cluster.nodes[index.get(n.name)!];
  const usable = usableMemoryBytes(node.vramBytes, bundledGpusPerMachine(node.gpu));
  const names = full.length > 3 ? `${full.slice(0, 3).map((x) => x.name).join(', ')} and ${full.length - 3} more` : full.map((x) => x.name).join(', ');
  return `no KV-cache room on ${names}: ${n.name}'s ${n.end! - n.start!} layers take ${(n.weightBytes / 1e9).toFixed(1)} GB of the ${(usable / 1e9).toFixed(1)} GB a serving engine may use on ${article(node.gpu)} ${node.gpu} (${MEMORY_UTILISATION} x VRAM - ${WORKSPACE_BYTES_PER_GPU / 1e9} GB per GPU), so no request can be admitted through ${full.length > 1 ? 'them' : 'it'}; a profile's maxLayers above what leaves room is for another memory budget`;
}
