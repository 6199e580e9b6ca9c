// Fits the roofline's efficiency factors to measured per-layer timings: one compute and one
// memory factor per GPU family, plus the decode-compute and interconnect factors all share.
// Least squares on log(estimated / measured), so a 2 ms and a 200 ms point weigh alike.

import type { LayerTimeTable } from '../spec/layer-time.js';
import type { Hardware } from './hardware.js';
import { decodeLayerMs, promptLayerMs, type Efficiency, type LayerModel, type RooflineFactors } from './roofline.js';

/** One measured type serving one model. */
export interface MeasuredTimes {
  readonly hardware: Hardware;
  readonly model: LayerModel;
  readonly prompt: LayerTimeTable;
  readonly decode: LayerTimeTable;
  /** Mean context the decode measurements attended over. */
  readonly decodeContext: number;
}

/** Batch ranges the fit looks at: those a node works in under typical loads. */
export const FIT_MAX_PROMPT = 6144;
export const FIT_MAX_DECODE = 512;

interface Observation {
  readonly family: string;
  readonly m: MeasuredTimes;
  readonly phase: 'prompt' | 'decode';
  readonly batch: number;
  readonly ms: number;
}

function observations(data: readonly MeasuredTimes[]): Observation[] {
  const out: Observation[] = [];
  for (const m of data) {
    for (const [batch, ms] of m.prompt.points) if (batch > 0 && ms > 0 && batch <= FIT_MAX_PROMPT) out.push({ family: m.hardware.family, m, phase: 'prompt', batch, ms });
    for (const [batch, ms] of m.decode.points) if (batch > 0 && ms > 0 && batch <= FIT_MAX_DECODE) out.push({ family: m.hardware.family, m, phase: 'decode', batch, ms });
  }
  return out;
}

/** Estimated over measured, for one observation under the given factors. */
function ratio(o: Observation, factors: RooflineFactors): number {
  const eff = factors.families.get(o.family) ?? factors.fallback;
  const est =
    o.phase === 'prompt'
      ? promptLayerMs(o.m.hardware, o.m.model, eff, factors, o.batch)
      : decodeLayerMs(o.m.hardware, o.m.model, eff, factors, o.batch, o.m.decodeContext);
  return est / o.ms;
}

/** Mean squared log error: the fit's objective. */
export function logLoss(data: readonly MeasuredTimes[], factors: RooflineFactors): number {
  const obs = observations(data);
  let s = 0;
  for (const o of obs) s += Math.log(ratio(o, factors)) ** 2;
  return s / obs.length;
}

/** Mean and worst relative error of estimated per-layer times against the measured ones. */
export function layerTimeErrors(m: MeasuredTimes, factors: RooflineFactors): { mean: number; worst: number; points: number } {
  const obs = observations([m]);
  const errs = obs.map((o) => Math.abs(ratio(o, factors) - 1));
  return { mean: errs.reduce((a, b) => a + b, 0) / errs.length, worst: Math.max(...errs), points: errs.length };
}

/** Mean of the families' factors: the prior for a family nobody has measured. */
export function meanEfficiency(families: ReadonlyMap<string, Efficiency>): Efficiency {
  const all = [...families.values()];
  if (all.length === 0) return { compute: 0.5, memory: 0.7 };
  return {
    compute: all.reduce((a, e) => a + e.compute, 0) / all.length,
    memory: all.reduce((a, e) => a + e.memory, 0) / all.length,
  };
}

const LOW = Math.log(0.01);
const HIGH = 0; // log(1): no factor beats the spec sheet
const GOLDEN = (Math.sqrt(5) - 1) / 2;

/** Golden-section search of a 1-D function of log(x) on [LOW, HIGH]. */
function minimise1d(f: (logX: number) => number): number {
  let a = LOW;
  let b = HIGH;
  let c = b - GOLDEN * (b - a);
  let d = a + GOLDEN * (b - a);
  let fc = f(c);
  let fd = f(d);
  for (let i = 0; i < 40; i++) {
    if (fc < fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - GOLDEN * (b - a);
      fc = f(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + GOLDEN * (b - a);
      fd = f(d);
    }
  }
  return (a + b) / 2;
}

/**
 * Coordinate descent over the factors (each a 1-D golden-section search in log space). The
 * per-family factors barely interact, so a few sweeps settle them.
 */
export function fitFactors(data: readonly MeasuredTimes[], sweeps = 6): RooflineFactors {
  const obs = observations(data);
  const familyNames = [...new Set(obs.map((o) => o.family))].sort();
  // x holds log factors: [compute, memory] per family, then decodeCompute, interconnect.
  const x = [...familyNames.flatMap(() => [Math.log(0.6), Math.log(0.7)]), Math.log(0.6), Math.log(0.3)];
  const factorsOf = (v: readonly number[]): RooflineFactors => {
    const families = new Map(familyNames.map((f, i) => [f, { compute: Math.exp(v[2 * i]), memory: Math.exp(v[2 * i + 1]) }]));
    return { families, fallback: meanEfficiency(families), decodeCompute: Math.exp(v[v.length - 2]), interconnect: Math.exp(v[v.length - 1]) };
  };
  const loss = (v: readonly number[]): number => {
    const factors = factorsOf(v);
    let s = 0;
    for (const o of obs) s += Math.log(ratio(o, factors)) ** 2;
    return s;
  };
  for (let sweep = 0; sweep < sweeps; sweep++) {
    for (let i = 0; i < x.length; i++) {
      x[i] = minimise1d((li) => {
        const saved = x[i];
        x[i] = li;
        const l = loss(x);
        x[i] = saved;
        return l;
      });
    }
  }
  return factorsOf(x);
}
