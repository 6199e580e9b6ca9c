// Swarm: layers split into equal consecutive stages, every node serves one stage. The number of
// stages is the operator's choice; as a fair baseline we try every feasible count and keep the best.

import type { Cluster, Placement } from '../../spec/types.js';
import { evaluatePlacement } from '../../graph/placement-flow.js';
import { dealToStages, equalStages } from './stages.js';

export function swarmPlacement(cluster: Cluster): Placement {
  const L = cluster.model.layers;
  const n = cluster.nodes.length;
  const maxHold = Math.max(...cluster.nodes.map((x) => x.capacity.length));
  const all = cluster.nodes.map((_, i) => i);
  let best: Placement = cluster.nodes.map(() => null);
  let bestFlow = 0;
  for (let stages = Math.ceil(L / maxHold); stages <= Math.min(n, L); stages++) {
    const p = dealToStages(cluster, equalStages(L, stages), all);
    if (!p) continue;
    const f = evaluatePlacement(cluster, p).throughput;
    if (f > bestFlow) {
      best = p;
      bestFlow = f;
    }
  }
  return best;
}
