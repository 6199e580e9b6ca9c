// The chain helix plan finds for clusters/tiny.yaml, built without a solver:
// t4-1 0-7, l4 7-17, a100-1 17-35, t4-2 35-42, a100-2 42-60.

import { join } from 'node:path';
import { loadCluster } from '../../src/spec/cluster.js';
import type { LayerRange } from '../../src/spec/types.js';
import { repoRoot } from '../fixtures/cli.js';
import { planFor } from '../fixtures/plans.js';

export const tinyFile = join(repoRoot, 'clusters', 'tiny.yaml');

export function tinyChain() {
  const cluster = loadCluster(tinyFile);
  const ranges: Record<string, LayerRange> = {
    't4-1': { start: 0, end: 7 },
    l4: { start: 7, end: 17 },
    'a100-1': { start: 17, end: 35 },
    't4-2': { start: 35, end: 42 },
    'a100-2': { start: 42, end: 60 },
  };
  const placement = cluster.nodes.map((n) => ranges[n.name] ?? null);
  return { cluster, placement, plan: planFor(cluster, placement) };
}
