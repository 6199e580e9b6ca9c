// One place that turns per-layer timings (measured or estimated) plus the serving assumptions
// into a profile: the settings, the KV room, the pipeline share and the derivation.

import { inputError, usageError } from '../errors.js';
import { derivedMaxLayers } from '../spec/profile.js';
import type { ModelCard, ProfileSource } from '../spec/types.js';
import { deriveThroughputTable, nodeThroughput, type DerivedPoint, type PhaseTimes } from './derive.js';
import { kvTokensPerLayer, usableMemoryBytes } from './memory.js';
import { homogeneousShare, shareInMix, solveMix, type MixMember, type ShareFn } from './pipeline.js';
import type { Workload } from './workload.js';

/** What a machine contributes to the derivation besides its timings. */
export interface MachineMemory {
  readonly vramBytes: number;
  readonly gpus: number;
}

export interface ServingSettings {
  readonly workload: Workload;
  /** Fraction of KV slots counted on (Helix: 0.3). */
  readonly kvFill: number;
  /** Share of VRAM kept for the KV cache when max layers is derived (Helix: 0.5). */
  readonly kvReserve: number;
  /** Most layers; derived from VRAM and kvReserve when absent. */
  readonly maxLayers?: number;
  /** Weights + KV bytes the engine can use; derived from VRAM when absent. */
  readonly usableBytes?: number;
  /** Overrides the model card's weight bytes per layer (for KV sizing and max layers). */
  readonly weightBytesPerLayer?: number;
  /** The cluster mix the node serves in; a homogeneous pipeline when absent. */
  readonly pipeline?: readonly MixMember[];
}

export interface DerivedProfile {
  readonly gpu: string;
  readonly model: string;
  readonly source: ProfileSource;
  readonly maxLayers: number;
  readonly throughput: readonly number[];
  readonly points: readonly DerivedPoint[];
  readonly usableBytes: number;
  /** One line naming the inputs and assumptions. */
  readonly derivedFrom: string;
}

export interface MachineTimes {
  readonly memory: MachineMemory;
  readonly times: PhaseTimes;
}

function effectiveModel(model: ModelCard, settings: ServingSettings): ModelCard {
  return settings.weightBytesPerLayer ? { ...model, weightBytesPerLayer: settings.weightBytesPerLayer } : model;
}

function maxLayersOf(memory: MachineMemory, model: ModelCard, settings: ServingSettings): number {
  return Math.min(model.layers, settings.maxLayers ?? derivedMaxLayers(memory.vramBytes, model, settings.kvReserve));
}

/**
 * Share function for `gpu` in the settings' pipeline. A mix needs every member's timings; the
 * member types' layer rates are solved together first.
 */
function shareFor(gpu: string, model: ModelCard, settings: ServingSettings, machines: ReadonlyMap<string, MachineTimes>): ShareFn {
  const mix = settings.pipeline;
  if (!mix) return homogeneousShare(model.layers);
  if (!mix.some((m) => m.gpu === gpu)) throw usageError('bad-option', `--pipeline must include ${gpu}, the type being derived`);
  for (const m of mix) {
    if (!machines.has(m.gpu)) throw usageError('bad-option', `--pipeline names ${m.gpu}, which has no timings for ${model.id}`);
  }
  // The --usable-memory override describes the machine being derived, not the others.
  const usable = (g: string) => {
    const m = machines.get(g)!;
    return g === gpu && settings.usableBytes !== undefined ? settings.usableBytes : usableMemoryBytes(m.memory.vramBytes, m.memory.gpus);
  };
  const rate = solveMix(mix, model.layers, (g, k, share) => {
    const m = machines.get(g)!;
    return nodeThroughput(m.times, { k, kvTokensPerLayer: kvTokensPerLayer(usable(g), model, k), share: share(k) }, settings.workload, settings.kvFill).tokensPerSec;
  });
  return (k) => shareInMix(gpu, k, mix, rate, model.layers);
}

/** Derives t(k) for `gpu` from its timings; `machines` supplies the other types of a pipeline mix. */
export function deriveProfile(args: {
  readonly gpu: string;
  readonly cardModel: ModelCard;
  readonly source: ProfileSource;
  readonly machine: MachineTimes;
  readonly settings: ServingSettings;
  readonly timingsFrom: string;
  readonly machines?: ReadonlyMap<string, MachineTimes>;
}): DerivedProfile {
  const { gpu, settings, machine } = args;
  const model = effectiveModel(args.cardModel, settings);
  const usableBytes = settings.usableBytes ?? usableMemoryBytes(machine.memory.vramBytes, machine.memory.gpus);
  const machines = new Map(args.machines ?? []);
  machines.set(gpu, machine);
  const share = shareFor(gpu, model, settings, machines);
  const maxLayers = maxLayersOf(machine.memory, model, settings);
  if (maxLayers < 1) {
    const layerGb = (model.weightBytesPerLayer / 1e9).toFixed(2);
    if (model.weightBytesPerLayer > machine.memory.vramBytes) {
      throw inputError('cannot-hold-layer', `${gpu} cannot serve ${model.id}: one layer's weights (${layerGb} GB) are more than the machine's ${(machine.memory.vramBytes / 1e9).toFixed(1)} GB`, {
        expected: 'a machine with more memory, or --weights-per-layer for quantized weights',
      });
    }
    // The KV reserve, not the KV cache itself, is what leaves no room here.
    throw inputError('cannot-hold-layer', `${gpu} cannot serve ${model.id}: with a KV reserve of ${settings.kvReserve} (--kv-reserve), the memory left for weights holds no layer (${layerGb} GB each)`, {
      expected: 'a lower --kv-reserve, or --max-layers',
    });
  }
  const points = deriveThroughputTable({
    times: machine.times,
    maxLayers,
    kvTokensPerLayer: (k) => kvTokensPerLayer(usableBytes, model, k),
    share,
    workload: settings.workload,
    kvFill: settings.kvFill,
  });
  if (points.length === 0) {
    throw inputError('cannot-hold-layer', `${gpu} cannot serve ${model.id}: with one layer's weights loaded, the KV cache (${Number((100 * settings.kvFill).toPrecision(2))}% of what is left, --kv-fill) holds less than one request of ${Math.round(settings.workload.meanInput + settings.workload.meanOutput)} tokens`, {
      expected: `more than ${((model.weightBytesPerLayer + (settings.workload.meanInput + settings.workload.meanOutput) * model.kvBytesPerTokenPerLayer / settings.kvFill) / 1e9).toFixed(3)} GB usable`,
      found: `${(usableBytes / 1e9).toFixed(3)} GB`,
    });
  }
  const pipeline = settings.pipeline ? settings.pipeline.map((m) => `${m.gpu}:${m.count}@${m.typicalLayers}`).join(',') : 'homogeneous';
  const derivedFrom = [
    `timings ${args.timingsFrom}`,
    `workload ${settings.workload.meanInput.toFixed(0)} in / ${settings.workload.meanOutput.toFixed(0)} out`,
    `kv fill ${settings.kvFill}`,
    `usable memory ${(usableBytes / 1e9).toFixed(2)} GB`,
    `weights ${(model.weightBytesPerLayer / 1e9).toFixed(3)} GB/layer`,
    `pipeline ${pipeline}`,
  ].join('; ');
  return {
    gpu,
    model: model.id,
    source: args.source,
    maxLayers: points.length,
    throughput: points.map((p) => p.tokensPerSec),
    points,
    usableBytes,
    derivedFrom,
  };
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

/** Profile YAML in the format src/spec/profile.ts reads. */
export function formatProfileYaml(p: DerivedProfile, comment: readonly string[], note?: string): string {
  const lines = [
    ...comment.map((c) => `# ${c}`),
    `gpu: ${p.gpu}`,
    `model: ${p.model}`,
    `source: ${p.source}`,
    `maxLayers: ${p.maxLayers}`,
    `throughput: [${p.throughput.map(round3).join(', ')}]`,
    ...(note ? [`note: ${JSON.stringify(note)}`] : []),
    `derivedFrom: ${JSON.stringify(p.derivedFrom)}`,
  ];
  return `${lines.join('\n')}\n`;
}
