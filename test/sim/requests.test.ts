import { describe, expect, it } from 'vitest';
import { generateRequests, rateForLoad } from '../../src/sim/requests.js';
import { parseArrivals, type LengthSamples } from '../../src/sim/traces.js';

const samples: LengthSamples = {
  name: 'pairs',
  file: '<test>',
  input: Int32Array.from([10, 20, 30]),
  output: Int32Array.from([1, 2, 3]),
  meanInput: 20,
  meanOutput: 2,
};

describe('generateRequests', () => {
  it('puts an offline batch at time 0 with fixed lengths', () => {
    const s = generateRequests({ kind: 'offline', count: 4 }, { kind: 'fixed', input: 7, output: 3 }, 1);
    expect([...s.arrival]).toEqual([0, 0, 0, 0]);
    expect([...s.input]).toEqual([7, 7, 7, 7]);
    expect(s.windowSec).toBeNull();
    expect(s.description).toBe('4 requests at once (offline), 7 in / 3 out');
  });

  it('draws Poisson arrivals at the asked rate inside the window, in order', () => {
    const s = generateRequests({ kind: 'poisson', rate: 20, durationSec: 100 }, { kind: 'fixed', input: 1, output: 1 }, 3);
    // 2000 expected, standard deviation about 45.
    expect(s.arrival.length).toBeGreaterThan(1850);
    expect(s.arrival.length).toBeLessThan(2150);
    for (let i = 1; i < s.arrival.length; i++) expect(s.arrival[i]).toBeGreaterThanOrEqual(s.arrival[i - 1]);
    expect(s.arrival[s.arrival.length - 1]).toBeLessThan(100);
    expect(s.windowSec).toBe(100);
  });

  it('follows a trace\'s shape, rescaled to the asked mean rate', () => {
    // Intervals of 10 s with 0, 30, 10 requests: rescaled to 2 req/s over 30 s = 60 requests,
    // none in the first interval, three times as many in the second as in the third.
    const trace = parseArrivals('requests_per_10s\n0\n30\n10\n', 't.csv', 'shape');
    const s = generateRequests({ kind: 'trace', trace, rate: 2, durationSec: 30 }, { kind: 'fixed', input: 1, output: 1 }, 9);
    const per = [0, 0, 0];
    for (const t of s.arrival) per[Math.floor(t / 10)]++;
    expect(per[0]).toBe(0);
    expect(s.arrival.length).toBeGreaterThan(40);
    expect(s.arrival.length).toBeLessThan(80);
    expect(per[1]).toBeGreaterThan(per[2]);
  });

  it('samples lengths as pairs from the trace and repeats for a seed', () => {
    const a = generateRequests({ kind: 'offline', count: 50 }, { kind: 'sampled', samples }, 5);
    for (let i = 0; i < 50; i++) expect(a.output[i]).toBe(a.input[i] / 10);
    expect(new Set(a.input).size).toBe(3);
    const b = generateRequests({ kind: 'offline', count: 50 }, { kind: 'sampled', samples }, 5);
    expect([...b.input]).toEqual([...a.input]);
    const c = generateRequests({ kind: 'offline', count: 50 }, { kind: 'sampled', samples }, 6);
    expect([...c.input]).not.toEqual([...a.input]);
  });
});

describe('rateForLoad', () => {
  it('turns a share of planned tokens/s into requests/s', () => {
    // 80% of 1000 tokens/s at 22 tokens per request.
    expect(rateForLoad(0.8, 1000, { kind: 'sampled', samples })).toBeCloseTo(800 / 22, 12);
    expect(rateForLoad(1, 990, { kind: 'fixed', input: 750, output: 240 })).toBe(1);
  });
});
