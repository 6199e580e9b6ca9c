// The delivered model as a search score: a layout's predicted all-token throughput, computed from
// the same max flow `assemblePlan` would route (evaluatePlacement), so the score of a layout is
// the prediction its assembled plan reports. A few hundred microseconds per layout on the bundled
// clusters, cheap enough for annealing.

import type { Cluster, Placement } from '../spec/types.js';
import { evaluatePlacement, SINK, SOURCE, type FlowResult } from '../graph/placement-flow.js';
import { flowDepth } from '../plan/assemble.js';
import { placementOf, type Layout } from '../search/layout.js';
import { azureConvWorkload, predictFlowed, type DeliveredOptions, type DeliveredPrediction, type IndexedFlow, type Workload } from './model.js';

export interface LayoutScoreOptions {
  readonly partialInference?: boolean;
  readonly workload?: Workload;
  readonly delivered?: DeliveredOptions;
}

/** The full prediction for a layout (null when it carries no flow). */
export function predictLayout(cluster: Cluster, layout: Layout, o: LayoutScoreOptions = {}): DeliveredPrediction | null {
  const placement = placementOf(layout);
  return predictRouted(cluster, placement, evaluatePlacement(cluster, placement, { partialInference: o.partialInference }), o);
}

/** The prediction for a placement routed by a given flow (a baseline's own, e.g. no flow crossing groups). */
export function predictRouted(cluster: Cluster, placement: Placement, flow: FlowResult, o: LayoutScoreOptions = {}): DeliveredPrediction | null {
  if (!(flow.throughput > 0)) return null;
  const n = cluster.nodes.length;
  const at = (v: number): number => (v === SOURCE ? n : v === SINK ? n + 1 : v);
  const flows: IndexedFlow[] = [];
  for (const e of flow.edges) if (e.flow > 1e-9) flows.push({ from: at(e.from), to: at(e.to), flow: e.flow });
  return predictFlowed(cluster, { placement, flows, maxFlow: flow.throughput, depth: flowDepth(cluster, flow), partialInference: o.partialInference }, o.workload ?? azureConvWorkload(), o.delivered ?? {});
}

/** Predicted delivered all-token tokens/s of a layout (0 when it carries no flow). */
export function deliveredScore(cluster: Cluster, o: LayoutScoreOptions = {}): (layout: Layout) => number {
  return (layout) => predictLayout(cluster, layout, o)?.throughput ?? 0;
}
