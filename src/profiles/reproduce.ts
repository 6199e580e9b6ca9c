// Checks the import derivation against the tables Helix published: re-derive each published
// table from the shared per-layer timings, for the cluster mix it was computed for, and compare.

import type { GpuProfile, ModelCard } from '../spec/types.js';
import { deriveProfile, type MachineTimes, type ServingSettings } from './build.js';
import { HELIX_KV_FILL } from './derive.js';
import type { MixMember } from './pipeline.js';
import type { Timings } from './timings.js';
import { HELIX_WORKLOAD } from './workload.js';

/** A published table set and the cluster it was computed for. */
export interface PublishedSet {
  readonly name: string;
  readonly modelId: string;
  /** Profile folder holding <model>/<GPU>.yaml. */
  readonly dir: string;
  /** Undefined: each type in a homogeneous pipeline. */
  readonly pipeline?: readonly MixMember[];
}

/**
 * The sets bundled under profiles/. Typical layer counts are those Helix used: about two thirds
 * of a type's maximum when the cluster holds the model 1.2 times over, as in both mixes here.
 */
export const PUBLISHED_SETS: readonly Omit<PublishedSet, 'dir'>[] = [
  {
    name: 'set A (24 nodes: 4 A100, 8 L4, 12 T4)',
    modelId: 'llama2-70b',
    pipeline: [
      { gpu: 'A100-40G', count: 4, typicalLayers: 8 },
      { gpu: 'L4', count: 8, typicalLayers: 4 },
      { gpu: 'T4', count: 12, typicalLayers: 3 },
    ],
  },
  {
    name: 'set B (42 nodes, seven types)',
    modelId: 'llama2-70b',
    pipeline: [
      { gpu: 'A100-40G', count: 4, typicalLayers: 8 },
      { gpu: 'V100', count: 6, typicalLayers: 3 },
      { gpu: 'L4', count: 8, typicalLayers: 4 },
      { gpu: '2xL4', count: 4, typicalLayers: 9 },
      { gpu: 'T4', count: 10, typicalLayers: 3 },
      { gpu: '2xT4', count: 6, typicalLayers: 6 },
      { gpu: '4xT4', count: 4, typicalLayers: 12 },
    ],
  },
  { name: 'LLaMA-30B homogeneous', modelId: 'llama1-30b' },
];

export interface ReproductionRow {
  readonly gpu: string;
  readonly layers: number;
  readonly mean: number;
  readonly worst: number;
}

export interface Machine {
  readonly memory: MachineTimes['memory'];
  readonly timings: Timings;
}

/**
 * Re-derives every published table of a set. `published` holds the set's profiles, `machines`
 * the timings and memory of every type the set's pipeline names. Compared over the published
 * layer counts (the derivation is given the published maximum).
 */
export function reproduceSet(args: {
  readonly set: PublishedSet;
  readonly model: ModelCard;
  readonly published: ReadonlyMap<string, GpuProfile>;
  readonly machines: ReadonlyMap<string, Machine>;
  readonly settings?: Partial<ServingSettings>;
}): ReproductionRow[] {
  const rows: ReproductionRow[] = [];
  const times = new Map([...args.machines].map(([g, m]) => [g, { memory: m.memory, times: m.timings.times }]));
  for (const [gpu, pub] of args.published) {
    const machine = args.machines.get(gpu);
    if (!machine) continue;
    const settings: ServingSettings = {
      workload: HELIX_WORKLOAD,
      kvFill: HELIX_KV_FILL,
      kvReserve: 0.5,
      maxLayers: pub.throughput.length,
      ...(args.set.pipeline ? { pipeline: args.set.pipeline } : {}),
      ...args.settings,
    };
    const got = deriveProfile({ gpu, cardModel: args.model, source: 'imported', machine: times.get(gpu)!, settings, timingsFrom: machine.timings.from, machines: times });
    const n = Math.min(got.throughput.length, pub.throughput.length);
    const errs = Array.from({ length: n }, (_, i) => Math.abs(got.throughput[i] / pub.throughput[i] - 1));
    rows.push({ gpu, layers: n, mean: errs.reduce((a, b) => a + b, 0) / n, worst: Math.max(...errs) });
  }
  return rows;
}
