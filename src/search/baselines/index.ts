// The baseline placement methods the paper compares against, by name.

import type { Cluster, Placement } from '../../spec/types.js';
import { evaluatePlacement } from '../../graph/placement-flow.js';
import { homogeneousPlacement } from './homogeneous.js';
import { petalsPlacement } from './petals.js';
import { separatePlacement, separateThroughput } from './separate.js';
import { swarmPlacement } from './swarm.js';

export const BASELINE_METHODS = ['swarm', 'petals', 'separate', 'homogeneous'] as const;
export type BaselineMethod = (typeof BASELINE_METHODS)[number];

export function runBaseline(method: BaselineMethod, cluster: Cluster): Placement {
  switch (method) {
    case 'swarm':
      return swarmPlacement(cluster);
    case 'petals':
      return petalsPlacement(cluster);
    case 'separate':
      return separatePlacement(cluster);
    case 'homogeneous':
      return homogeneousPlacement(cluster);
  }
}

export interface BaselineResult {
  readonly method: BaselineMethod;
  readonly placement: Placement;
  /** Exact max flow of the placement (for `separate`, with no flow crossing groups). */
  readonly throughput: number;
  readonly timeSec: number;
}

export function runBaselines(cluster: Cluster): BaselineResult[] {
  return BASELINE_METHODS.map((method) => {
    const t0 = performance.now();
    const placement = runBaseline(method, cluster);
    const throughput = method === 'separate' ? separateThroughput(cluster, placement) : evaluatePlacement(cluster, placement).throughput;
    return { method, placement, throughput, timeSec: (performance.now() - t0) / 1000 };
  });
}
