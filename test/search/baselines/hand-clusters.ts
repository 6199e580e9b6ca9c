// Tiny clusters for the baseline tests, small enough to work every placement and flow out by hand.
// Link capacities are given in tokens/s (the builder converts them from bytes/s).

import { buildCluster, type NodeInit } from '../../../src/spec/build.js';
import type { Cluster, Placement } from '../../../src/spec/types.js';
import { testModel } from '../../fixtures/clusters.js';

export interface HandNode {
  readonly name: string;
  readonly gpu: string;
  readonly region?: string;
  /** t(k) for k = 1..maxLayers, tokens/s. */
  readonly t: readonly number[];
}

/** Every link carries this much unless `link` says otherwise: far above any node capacity. */
export const FAST = 1e6;

export function handCluster(layers: number, nodes: readonly HandNode[], link: (i: number, j: number) => number = () => FAST): Cluster {
  const model = testModel(layers);
  const init: NodeInit[] = nodes.map((n) => ({
    name: n.name,
    gpu: n.gpu,
    region: n.region ?? 'r',
    vramBytes: 1e9,
    maxLayers: n.t.length,
    nicBytesPerSec: 0,
    throughput: n.t,
    profileSource: 'measured',
  }));
  return buildCluster({
    name: 'hand',
    model,
    nodes: init,
    coordinatorRegion: 'r',
    link: (i, j) => {
      const tokens = link(i, j);
      return tokens > 0 ? { bandwidth: tokens * model.activationBytesPerToken, latency: 0 } : null;
    },
    coordinatorLink: () => ({ bandwidth: FAST * model.tokenBytes, latency: 0 }),
  });
}

/** [start, end] pairs (null for unused nodes), for readable expectations. */
export function ranges(placement: Placement): ([number, number] | null)[] {
  return placement.map((r) => (r ? [r.start, r.end] : null));
}

/** Two "big" nodes (hold 4) and two "small" ones (hold 2) on a 4-layer model. */
export const BIG = [400, 200, 120, 100];
export const SMALL = [300, 150];
export function bigSmall(): Cluster {
  return handCluster(4, [
    { name: 'big-1', gpu: 'B', t: BIG },
    { name: 'big-2', gpu: 'B', t: BIG },
    { name: 'small-1', gpu: 'S', region: 'q', t: SMALL },
    { name: 'small-2', gpu: 'S', region: 'q', t: SMALL },
  ]);
}
