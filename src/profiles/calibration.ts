// How well the roofline estimate matches measurement: for every type with measured timings,
// t(k) derived from its measured timings vs t(k) derived from its roofline estimate, under the
// same serving assumptions (homogeneous pipeline, Helix workload and KV fill). Also a held-out
// check: each family refitted without its own data, i.e. as a family nobody has measured.

import type { ModelCard } from '../spec/types.js';
import { deriveProfile, type ServingSettings } from './build.js';
import { HELIX_KV_FILL } from './derive.js';
import { fitFactors, layerTimeErrors, type MeasuredTimes } from './fit.js';
import type { Hardware } from './hardware.js';
import { estimateLayerTimes, type RooflineFactors } from './roofline.js';
import type { Timings } from './timings.js';
import { HELIX_WORKLOAD, meanDecodeContext } from './workload.js';

export interface MeasuredType {
  readonly model: ModelCard;
  readonly hardware: Hardware;
  readonly timings: Timings;
}

export interface ErrorStats {
  readonly mean: number;
  readonly worst: number;
}

export interface CalibrationRow {
  readonly model: string;
  readonly gpu: string;
  readonly family: string;
  /** Layer counts compared. */
  readonly layers: number;
  readonly layerTime: ErrorStats;
  /** Estimated vs measured t(k), factors fitted on all measured types. */
  readonly throughput: ErrorStats;
  /** Same, with the family's own data left out of the fit (the fallback factors apply). */
  readonly heldOut: ErrorStats;
}

export interface Calibration {
  readonly factors: RooflineFactors;
  readonly fittedOn: ReadonlyMap<string, readonly string[]>;
  readonly rows: readonly CalibrationRow[];
  readonly overall: ErrorStats;
  readonly overallHeldOut: ErrorStats;
}

export const CALIBRATION_SETTINGS: ServingSettings = { workload: HELIX_WORKLOAD, kvFill: HELIX_KV_FILL, kvReserve: 0.5 };

function measuredTimes(t: MeasuredType): MeasuredTimes {
  return { hardware: t.hardware, model: t.model, prompt: t.timings.times.prompt, decode: t.timings.times.decode, decodeContext: meanDecodeContext(HELIX_WORKLOAD) };
}

function stats(errs: readonly number[]): ErrorStats {
  return { mean: errs.reduce((a, b) => a + b, 0) / errs.length, worst: Math.max(...errs) };
}

/** Relative errors of estimated t(k) against measured-derived t(k), k over the common range. */
export function throughputErrors(t: MeasuredType, factors: RooflineFactors, settings: ServingSettings = CALIBRATION_SETTINGS): number[] {
  const memory = { vramBytes: t.hardware.vramBytes, gpus: t.hardware.gpus };
  const measured = deriveProfile({ gpu: t.hardware.name, cardModel: t.model, source: 'imported', machine: { memory, times: t.timings.times }, settings, timingsFrom: t.timings.from });
  const estimated = deriveProfile({
    gpu: t.hardware.name,
    cardModel: t.model,
    source: 'estimated',
    machine: { memory, times: estimateLayerTimes(t.hardware, t.model, factors, meanDecodeContext(settings.workload)) },
    settings,
    timingsFrom: 'roofline',
  });
  const n = Math.min(measured.throughput.length, estimated.throughput.length);
  return Array.from({ length: n }, (_, i) => Math.abs(estimated.throughput[i] / measured.throughput[i] - 1));
}

export function calibrate(types: readonly MeasuredType[]): Calibration {
  const all = types.map(measuredTimes);
  const factors = fitFactors(all);
  const fittedOn = new Map<string, string[]>();
  for (const t of types) {
    const list = fittedOn.get(t.hardware.family) ?? [];
    if (!list.includes(t.hardware.name)) list.push(t.hardware.name);
    fittedOn.set(t.hardware.family, list);
  }
  // Held out: refit without the family, so its types fall back to the other families' mean.
  const heldOutFactors = new Map<string, RooflineFactors>();
  for (const family of fittedOn.keys()) {
    heldOutFactors.set(family, fitFactors(all.filter((m) => m.hardware.family !== family)));
  }
  const rows: CalibrationRow[] = [];
  const allErrs: number[] = [];
  const allHeld: number[] = [];
  for (const t of types) {
    const errs = throughputErrors(t, factors);
    const held = throughputErrors(t, heldOutFactors.get(t.hardware.family)!);
    allErrs.push(...errs);
    allHeld.push(...held);
    const lt = layerTimeErrors(measuredTimes(t), factors);
    rows.push({
      model: t.model.id,
      gpu: t.hardware.name,
      family: t.hardware.family,
      layers: errs.length,
      layerTime: { mean: lt.mean, worst: lt.worst },
      throughput: stats(errs),
      heldOut: stats(held),
    });
  }
  return { factors, fittedOn, rows, overall: stats(allErrs), overallHeldOut: stats(allHeld) };
}
