// The request stream a simulation replays: arrival times and lengths, generated once from a seed
// so that several plans or policies can be run on exactly the same requests.

import { usageError } from '../errors.js';
import { createRng, type Rng } from '../search/rng.js';
import type { ArrivalTrace, LengthSamples } from './traces.js';
import { plural } from '../report/format.js';

export type ArrivalSpec =
  /** Poisson arrivals at `rate` requests/s for `durationSec`. */
  | { readonly kind: 'poisson'; readonly rate: number; readonly durationSec: number }
  /** The trace's counts per interval, rescaled so the mean over `durationSec` is `rate` requests/s. */
  | { readonly kind: 'trace'; readonly trace: ArrivalTrace; readonly rate: number; readonly durationSec: number }
  /** `count` requests all at time 0: the cluster's peak throughput. */
  | { readonly kind: 'offline'; readonly count: number };

export type LengthSpec =
  | { readonly kind: 'fixed'; readonly input: number; readonly output: number }
  | { readonly kind: 'sampled'; readonly samples: LengthSamples };

export interface RequestStream {
  /** Seconds from the start, non-decreasing. */
  readonly arrival: Float64Array;
  readonly input: Int32Array;
  readonly output: Int32Array;
  /** End of the arrival window (online), or null for an offline batch. */
  readonly windowSec: number | null;
  /** In words, for reports: `Poisson 4 req/s for 60 s, azure-conv lengths`. */
  readonly description: string;
}

/** Exponential gap with mean 1/rate (inverse transform; 1 - u keeps the log finite). */
function gap(rng: Rng, rate: number): number {
  return -Math.log(1 - rng.next()) / rate;
}

/** Poisson arrivals of a piecewise-constant rate: memorylessness lets each piece start afresh. */
function poissonPiece(rng: Rng, rate: number, from: number, to: number, out: number[]): void {
  if (!(rate > 0)) return;
  for (let t = from + gap(rng, rate); t < to; t += gap(rng, rate)) out.push(t);
}

function arrivalTimes(spec: ArrivalSpec, rng: Rng): number[] {
  const out: number[] = [];
  switch (spec.kind) {
    case 'offline':
      for (let i = 0; i < spec.count; i++) out.push(0);
      return out;
    case 'poisson':
      poissonPiece(rng, spec.rate, 0, spec.durationSec, out);
      return out;
    case 'trace': {
      const { counts, intervalSec } = spec.trace;
      const pieces = Math.ceil(spec.durationSec / intervalSec);
      // Rescale over the intervals actually replayed (the trace repeats when the run is longer),
      // so the run's mean rate is the one asked for whatever stretch of the trace it covers.
      let requests = 0;
      let seconds = 0;
      for (let p = 0; p < pieces; p++) {
        const len = Math.min(intervalSec, spec.durationSec - p * intervalSec);
        requests += (counts[p % counts.length] * len) / intervalSec;
        seconds += len;
      }
      if (!(requests > 0)) throw usageError('bad-option', 'the trace has no arrivals in the chosen duration', { expected: 'a longer --duration' });
      const scale = (spec.rate * seconds) / requests;
      for (let p = 0; p < pieces; p++) {
        const from = p * intervalSec;
        poissonPiece(rng, (counts[p % counts.length] / intervalSec) * scale, from, Math.min(from + intervalSec, spec.durationSec), out);
      }
      return out;
    }
  }
}

function describeArrivals(spec: ArrivalSpec): string {
  switch (spec.kind) {
    case 'offline':
      return `${plural(spec.count, 'request')} at once (offline)`;
    case 'poisson':
      return `Poisson ${round(spec.rate)} req/s for ${round(spec.durationSec)} s`;
    case 'trace':
      return `${spec.trace.name} arrivals at ${round(spec.rate)} req/s for ${round(spec.durationSec)} s`;
  }
}

const round = (x: number): string => String(Number(x.toPrecision(4)));

/** Mean prompt and output lengths a spec produces (for turning a load fraction into a rate). */
export function meanLengths(spec: LengthSpec): { input: number; output: number } {
  return spec.kind === 'fixed' ? { input: spec.input, output: spec.output } : { input: spec.samples.meanInput, output: spec.samples.meanOutput };
}

export function generateRequests(arrivals: ArrivalSpec, lengths: LengthSpec, seed: number): RequestStream {
  const rng = createRng(seed);
  const times = arrivalTimes(arrivals, rng);
  const n = times.length;
  const input = new Int32Array(n);
  const output = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    if (lengths.kind === 'fixed') {
      input[i] = lengths.input;
      output[i] = lengths.output;
    } else {
      const k = Math.floor(rng.next() * lengths.samples.input.length);
      input[i] = lengths.samples.input[k];
      output[i] = lengths.samples.output[k];
    }
  }
  const lengthText = lengths.kind === 'fixed' ? `${lengths.input} in / ${lengths.output} out` : `${lengths.samples.name} lengths`;
  return {
    arrival: Float64Array.from(times),
    input,
    output,
    windowSec: arrivals.kind === 'offline' ? null : arrivals.durationSec,
    description: `${describeArrivals(arrivals)}, ${lengthText}`,
  };
}

/**
 * Requests/s that load a plan to `load` (a fraction) of its planned throughput: the plan's max
 * flow counts prompt and generated tokens alike, so a request costs its mean prompt + output.
 */
export function rateForLoad(load: number, plannedThroughput: number, lengths: LengthSpec): number {
  const m = meanLengths(lengths);
  return (load * plannedThroughput) / (m.input + m.output);
}
