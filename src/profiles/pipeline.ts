// A node's share of a request's round trip: the time its k layers take over the time of the
// whole pipeline. Its decode batch (and so its token rate) grows with that share, so t(k)
// depends on what the rest of the pipeline runs on.
//
// - Homogeneous pipeline (the default for importing one type): every layer takes the same
//   time, so the share is k / L.
// - A mix of machine types (how Helix derived its published tables for a given cluster): each
//   type's per-layer time is 1 / (its token rate at its typical layer count x that count); the
//   rest of the pipeline runs at the layer-weighted mean of the types. Those rates depend on
//   the shares themselves, so they are found by fixed-point iteration.

import { usageError } from '../errors.js';

export type ShareFn = (k: number) => number;

export function homogeneousShare(layers: number): ShareFn {
  return (k) => k / layers;
}

/** One machine type in a cluster mix. */
export interface MixMember {
  readonly gpu: string;
  readonly count: number;
  /** Layers a machine of this type typically holds in that cluster. */
  readonly typicalLayers: number;
}

/**
 * Share of a node of type `gpu` holding k layers, given each type's layer throughput
 * (token-layers/s: tokens/s at its typical count x that count).
 */
export function shareInMix(gpu: string, k: number, members: readonly MixMember[], layerRate: ReadonlyMap<string, number>, layers: number): number {
  let time = 0;
  let held = 0;
  for (const m of members) {
    time += (m.count * m.typicalLayers) / layerRate.get(m.gpu)!;
    held += m.count * m.typicalLayers;
  }
  const own = k / layerRate.get(gpu)!;
  return own / (own + ((layers - k) * time) / held);
}

/**
 * Layer throughputs of every type in the mix, consistent with the shares they imply.
 * `tokensPerSec(gpu, k, share)` derives one point of a type's table. Starts from each type in a
 * homogeneous pipeline; Helix ran ten rounds from hand-set guesses, which this reaches too
 * (the iteration contracts quickly).
 */
export function solveMix(
  members: readonly MixMember[],
  layers: number,
  tokensPerSec: (gpu: string, k: number, share: ShareFn) => number,
  rounds = 30,
): Map<string, number> {
  let rate = new Map(members.map((m) => [m.gpu, tokensPerSec(m.gpu, m.typicalLayers, homogeneousShare(layers)) * m.typicalLayers]));
  for (let r = 0; r < rounds; r++) {
    const current = rate;
    rate = new Map(members.map((m) => [m.gpu, tokensPerSec(m.gpu, m.typicalLayers, (k) => shareInMix(m.gpu, k, members, current, layers)) * m.typicalLayers]));
  }
  return rate;
}

/**
 * `--pipeline` values: `A100-40G:4@8,L4:8@4,T4:12@3` (type : machines @ typical layers). The
 * typical count may be left out and is then the type's most layers.
 */
export function parseMix(value: string, maxLayersOf: (gpu: string) => number): MixMember[] {
  const out: MixMember[] = [];
  for (const part of value.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^([^:@\s]+):(\d+)(?:@(\d+))?$/.exec(part);
    if (!m || Number(m[2]) < 1 || (m[3] !== undefined && Number(m[3]) < 1)) {
      throw usageError('bad-option', `--pipeline entry "${part}" is not TYPE:COUNT[@LAYERS]`, { expected: 'e.g. A100-40G:4@8,L4:8@4,T4:12@3' });
    }
    if (out.some((o) => o.gpu === m[1])) throw usageError('bad-option', `--pipeline lists ${m[1]} twice`);
    out.push({ gpu: m[1], count: Number(m[2]), typicalLayers: m[3] !== undefined ? Number(m[3]) : maxLayersOf(m[1]) });
  }
  if (out.length === 0) throw usageError('bad-option', '--pipeline is empty', { expected: 'e.g. A100-40G:4@8,L4:8@4,T4:12@3' });
  return out;
}
