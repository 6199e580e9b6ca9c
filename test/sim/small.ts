// Hand-sized clusters for the scheduler and simulator tests: every figure chosen so that event
// times can be worked out on paper.

import { buildCluster, type NodeInit } from '../../src/spec/build.js';
import type { Cluster, Placement } from '../../src/spec/types.js';
import { makeLayerTimeTable, type LayerTimeTable } from '../../src/spec/layer-time.js';
import type { PhaseTables } from '../../src/sim/simulate.js';
import { testModel } from '../fixtures/clusters.js';
import { planFor } from '../fixtures/plans.js';
import type { Plan } from '../../src/plan/types.js';

export interface SmallNode {
  readonly name: string;
  readonly gpu: string;
  /** tokens/s for k = 1.. layers. */
  readonly throughput: readonly number[];
}

export interface SmallClusterInit {
  readonly layers: number;
  readonly nodes: readonly SmallNode[];
  /** bytes/s and seconds for node -> node links (all pairs unless `link` says otherwise). */
  readonly link?: (i: number, j: number) => { bandwidth: number; latency: number } | null;
  readonly coordinator?: { bandwidth: number; latency: number };
}

export function smallCluster(init: SmallClusterInit): Cluster {
  const nodes: NodeInit[] = init.nodes.map((n) => ({
    name: n.name,
    gpu: n.gpu,
    region: 'r0',
    vramBytes: 16e9,
    maxLayers: n.throughput.length,
    nicBytesPerSec: 0,
    throughput: n.throughput,
    profileSource: 'measured',
  }));
  const coordinator = init.coordinator ?? { bandwidth: 1e6, latency: 0.001 };
  return buildCluster({
    name: 'small',
    model: testModel(init.layers),
    nodes,
    coordinatorRegion: 'r0',
    link: init.link ?? (() => ({ bandwidth: 1e9, latency: 0.001 })),
    coordinatorLink: () => coordinator,
  });
}

export function smallPlan(cluster: Cluster, placement: Placement): Plan {
  return planFor(cluster, placement);
}

/** A table through the given [batch, ms per layer] points. */
export function table(points: [number, number][]): LayerTimeTable {
  return makeLayerTimeTable(points, '<test>');
}

/** Per-layer time a + b (batch - 1): `a` ms for one token or sequence, `b` more per extra one. */
export function affine(a: number, b: number): LayerTimeTable {
  return table([
    [1, a],
    [1001, a + 1000 * b],
  ]);
}

/** Same timings for every GPU name given. */
export function timings(entries: Record<string, PhaseTables>): Map<string, PhaseTables> {
  return new Map(Object.entries(entries));
}
