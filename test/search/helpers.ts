// Clusters built by hand for the search tests: capacities given directly in tokens/s.

import { buildCluster } from '../../src/spec/build.js';
import type { Cluster } from '../../src/spec/types.js';
import { testModel } from '../fixtures/clusters.js';

export interface HandOptions {
  /** Region per node (default: all in one). */
  readonly regions?: readonly string[];
  /** Link i -> j in tokens/s (0 or null: none). Default: effectively unlimited. */
  readonly link?: (i: number, j: number) => number | null;
  /** Coordinator link of node i in tokens/s (0 or null: none). Default: effectively unlimited. */
  readonly coordinator?: (i: number) => number | null;
}

const UNLIMITED = 1e9;

export function handCluster(layers: number, tables: readonly (readonly number[])[], o: HandOptions = {}): Cluster {
  const model = testModel(layers);
  return buildCluster({
    name: 'hand',
    model,
    coordinatorRegion: o.regions?.[0] ?? 'r',
    nodes: tables.map((t, i) => ({
      name: `n${i}`,
      gpu: 'X',
      region: o.regions?.[i] ?? 'r',
      vramBytes: 1e9,
      maxLayers: t.length,
      nicBytesPerSec: 0,
      throughput: t,
      profileSource: 'measured' as const,
    })),
    link: (i, j) => {
      const tokens = o.link ? o.link(i, j) : UNLIMITED;
      return tokens ? { bandwidth: tokens * model.activationBytesPerToken, latency: 0.001 } : null;
    },
    coordinatorLink: (i) => {
      const tokens = o.coordinator ? o.coordinator(i) : UNLIMITED;
      return tokens ? { bandwidth: tokens * model.tokenBytes, latency: 0.001 } : null;
    },
  });
}
