// The simulator on a bundled cluster with the bundled per-layer timings.

import { describe, expect, it } from 'vitest';
import { drainedInWindow, measuredTpotP95, simulate, simulateAsync } from '../../src/sim/simulate.js';
import { generateRequests } from '../../src/sim/requests.js';
import { loadLengths } from '../../src/sim/traces.js';
import { HelixError } from '../../src/errors.js';
import { tinyChain } from './tiny-plan.js';

const { cluster, plan } = tinyChain();
const index = (name: string) => cluster.nodes.findIndex((n) => n.name === name);
const lengths = { kind: 'sampled' as const, samples: loadLengths('azure-conv') };

describe('simulate on tiny (LLaMA-30B, bundled timings)', () => {
  it('tells a run that drained inside its window from one still working through its backlog', () => {
    const requests = generateRequests({ kind: 'offline', count: 40 }, lengths, 2);
    // Run to the end: the last requests finish with nothing queued behind them.
    expect(drainedInWindow(simulate(cluster, plan, { requests }))).toBe(true);
    // Stopped early, with most of the 40 still unfinished.
    const early = simulate(cluster, plan, { requests, untilSec: 5 });
    expect(early.requests.unfinished).toBeGreaterThan(early.meanInFlight);
    expect(drainedInWindow(early)).toBe(false);
    // Every request done before the window closes, nothing in flight in it: drained, not "busy".
    const done = simulate(cluster, plan, { requests, warmupSec: 3000, untilSec: 4000 });
    expect(done.requests.unfinished).toBe(0);
    expect(done.meanInFlight).toBe(0);
    expect(drainedInWindow(done)).toBe(true);
    // Latencies count every finished request; stopped before any finished, there is no TPOT.
    expect(measuredTpotP95(done)).toBeGreaterThan(0);
    const none = simulate(cluster, plan, { requests, untilSec: 0.01 });
    expect(none.requests.finished).toBe(0);
    expect(none.tpot.p95).toBe(0);
    expect(measuredTpotP95(none)).toBeNull();
  });

  it('measures a rate run over its whole arrival window, even when its last request is done early', () => {
    // About one request a minute for 10 minutes of short requests: the last is done well before
    // 600 s, and the rates are still its tokens over the 600 s they arrived in.
    const requests = generateRequests({ kind: 'poisson', rate: 0.02, durationSec: 600 }, { kind: 'fixed', input: 100, output: 10 }, 4);
    const r = simulate(cluster, plan, { requests });
    expect(r.requests.finished).toBe(requests.arrival.length);
    const lastFinish = r.simulatedSec;
    expect(lastFinish).toBeLessThan(600);
    expect(r.window).toEqual({ start: 0, end: 600 });
    expect(r.throughput.total).toBeCloseTo((requests.arrival.length * 110) / 600, 6);
  });

  it('a rate run stopped early is measured to where it stopped; a run that served nothing did not run dry', () => {
    const requests = generateRequests({ kind: 'poisson', rate: 0.3, durationSec: 600 }, lengths, 5);
    const whole = simulate(cluster, plan, { requests });
    const cut = simulate(cluster, plan, { requests, maxEvents: 5000 });
    expect(cut.window.end).toBeLessThan(600);
    expect(cut.window.end).toBeCloseTo(cut.simulatedSec, 6);
    // Over the time it did simulate, it ran at about the whole run's pace, not a fraction of it.
    expect(cut.throughput.total).toBeGreaterThan(0.5 * whole.throughput.total);
    // Requests due after the run stopped never entered it: counted apart, not as unfinished.
    const until = simulate(cluster, plan, { requests, untilSec: 100 });
    const due = Array.from(requests.arrival).filter((t) => t > until.simulatedSec).length;
    expect(due).toBeGreaterThan(0);
    expect(until.requests.notArrived).toBe(due);
    expect(until.requests.finished + until.requests.rejected + until.requests.unfinished + until.requests.notArrived).toBe(requests.arrival.length);
    // Every request longer than the model's context: all rejected, none finished, nothing ran out.
    const tooLong = generateRequests({ kind: 'offline', count: 20 }, { kind: 'fixed', input: 5000, output: 10 }, 1);
    const rejected = simulate(cluster, plan, { requests: tooLong, warmupSec: 10, untilSec: 100 });
    expect(rejected.requests).toMatchObject({ finished: 0, rejected: 20, unfinished: 0 });
    expect(drainedInWindow(rejected)).toBe(false);
  });

  it('serves an offline batch with figures that hang together', () => {
    const requests = generateRequests({ kind: 'offline', count: 40 }, lengths, 2);
    const r = simulate(cluster, plan, { requests });
    expect(r.requests.finished + r.requests.rejected).toBe(40);
    expect(r.requests.unfinished).toBe(0);
    // Every generated token counted once: the finished requests' outputs over the window.
    let out = 0;
    let inp = 0;
    for (let i = 0; i < 40; i++) {
      if (requests.input[i] + requests.output[i] > cluster.model.contextLength) continue;
      out += requests.output[i];
      inp += requests.input[i];
    }
    expect(r.throughput.decode * (r.window.end - r.window.start)).toBeCloseTo(out, 6);
    expect(r.throughput.prompt * (r.window.end - r.window.start)).toBeCloseTo(inp, 6);
    expect(r.ttft.p50).toBeLessThanOrEqual(r.ttft.p95);
    expect(r.tpot.mean).toBeGreaterThan(0);
    for (const n of r.nodes) {
      expect(n.utilisation).toBeGreaterThan(0);
      expect(n.utilisation).toBeLessThanOrEqual(1);
      expect(n.kvPeak).toBeLessThanOrEqual(1 + 1e-12);
      expect(n.kvLimitTokens).toBeGreaterThan(0);
    }
    // The KV limit binds: the T4s (7 layers of 26 KB per token each) hold the fewest tokens.
    const t4 = r.nodes[index('t4-1')];
    expect(t4.kvLimitTokens).toBe(Math.min(...r.nodes.map((n) => n.kvLimitTokens)));
    expect(r.meanInFlight).toBeLessThanOrEqual(t4.kvLimitTokens / 2);
  });

  it('stops at maxEvents and says so; a run within it is the same as one without', () => {
    const requests = generateRequests({ kind: 'offline', count: 40 }, lengths, 2);
    const full = simulate(cluster, plan, { requests });
    expect(full.eventLimitReached).toBeUndefined();
    const cut = simulate(cluster, plan, { requests, maxEvents: Math.floor(full.events / 3) });
    expect(cut.eventLimitReached).toBe(true);
    expect(cut.truncated).toBe(true);
    expect(cut.events).toBe(Math.floor(full.events / 3));
    expect(cut.requests.finished).toBeLessThan(full.requests.finished);
    const roomy = simulate(cluster, plan, { requests, maxEvents: full.events });
    expect(roomy.eventLimitReached).toBeUndefined();
    expect(roomy.throughput).toEqual(full.throughput);
  });

  it('needs per-layer timings for every GPU type the plan uses', () => {
    const requests = generateRequests({ kind: 'offline', count: 1 }, { kind: 'fixed', input: 10, output: 2 }, 1);
    try {
      simulate(cluster, plan, { requests, layerTimes: new Map() });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(HelixError);
      expect((e as HelixError).code).toBe('no-layer-time');
    }
  });

  it('runs in slices with progress, and stops early when aborted', async () => {
    const requests = generateRequests({ kind: 'poisson', rate: 0.2, durationSec: 300 }, lengths, 4);
    const seen: number[] = [];
    const whole = await simulateAsync(cluster, plan, { requests }, { onProgress: (f) => seen.push(f) });
    expect(seen[seen.length - 1]).toBe(1);
    const sync = simulate(cluster, plan, { requests });
    expect({ ...whole, wallSec: 0 }).toEqual({ ...sync, wallSec: 0 });
    const controller = new AbortController();
    controller.abort();
    const cut = await simulateAsync(cluster, plan, { requests }, { signal: controller.signal });
    expect(cut.truncated).toBe(true);
    expect(cut.requests.finished).toBeLessThan(whole.requests.finished);
  });
});
