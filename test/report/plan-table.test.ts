import { describe, expect, it } from 'vitest';
import { Chalk } from 'chalk';
import { formatSummary } from '../../src/report/plan-table.js';
import { choiceNote } from '../../src/delivered/choice-note.js';
import { randomSmallCluster } from '../fixtures/clusters.js';
import { planFor, wrappingPlacement } from '../fixtures/plans.js';

const plain = { color: new Chalk({ level: 0 }) };
const cluster = randomSmallCluster(3, { nodes: 4, layers: 8, maxLayers: 8 });
const base = planFor(cluster, wrappingPlacement(cluster));

describe('formatSummary', () => {
  it('says a delivered plan traded max flow away only where it has a gap to the bound', () => {
    const atBound = { ...planFor(cluster, wrappingPlacement(cluster), base.throughput), settings: { ...base.settings, objective: 'delivered' as const } };
    expect(atBound.gap).toBe(0);
    expect(formatSummary(atBound, plain)).toMatch(/gap 0\.00%$/m);
    const below = { ...planFor(cluster, wrappingPlacement(cluster), 2 * base.throughput), settings: { ...base.settings, objective: 'delivered' as const } };
    expect(formatSummary(below, plain)).toMatch(/gap 50\.00% \(max flow traded for delivery\)$/m);
    // A max-flow plan's gap is the search's own shortfall, not a trade.
    const maxflow = { ...below, settings: { ...base.settings, objective: 'maxflow' as const } };
    expect(formatSummary(maxflow, plain)).toMatch(/gap 50\.00%$/m);
    // A delivered plan that carries nothing traded nothing.
    const none = { ...below, throughput: 0, gap: 1 };
    expect(formatSummary(none, plain)).toMatch(/gap 100\.00%$/m);
    // Nor did the max-flow candidate when it was the one chosen (a search cut short): its gap is the search's.
    const chosenMaxFlow = { ...below, stats: { ...below.stats, notes: [choiceNote('max flow', 5, '...')] } };
    expect(formatSummary(chosenMaxFlow, plain)).toMatch(/gap 50\.00%$/m);
    const chosenOther = { ...below, stats: { ...below.stats, notes: [choiceNote('delivered search 1', 5, '...')] } };
    expect(formatSummary(chosenOther, plain)).toMatch(/gap 50\.00% \(max flow traded for delivery\)$/m);
  });

  it('says how many links --keep-links dropped (only the JSON said it)', () => {
    const pruned = { ...base, settings: { ...base.settings, keepLinks: 2 }, stats: { ...base.stats, linksDropped: 15 } };
    expect(formatSummary(pruned, plain)).toMatch(/^pipeline .*; 15 links dropped by --keep-links 2$/m);
    expect(formatSummary(base, plain)).not.toMatch(/links dropped/);
  });

  it('gives the confirming simulation beside the prediction where one chose the plan', () => {
    const delivered = { throughput: 120, decodeThroughput: 28, ttftSec: 0.8, tpotSec: 0.19, inflight: 7, limitedBy: 'kv' as const, workload: { input: 763, output: 232 } };
    const simulated = { throughput: 131.4, tpotP95Sec: 0.2114, requests: 300, window: { startSec: 200, endSec: 800 } };
    expect(formatSummary({ ...base, delivered: { ...delivered, simulated } }, plain)).toMatch(/^simulated {3}131 tokens\/s, p95 TPOT 211 ms: the short simulation that chose this plan \(300 requests at once, measured over 200-800 s\)$/m);
    // No token timed in the window: no TPOT figure, not 0 ms.
    expect(formatSummary({ ...base, delivered: { ...delivered, simulated: { ...simulated, tpotP95Sec: null } } }, plain)).toMatch(/^simulated {3}131 tokens\/s: the short/m);
    expect(formatSummary({ ...base, delivered }, plain)).not.toMatch(/^simulated/m);
  });

  it('gives the prediction with its latencies, and for a plan that serves nothing says so instead of 0 ms', () => {
    const delivered = { throughput: 120, decodeThroughput: 28, ttftSec: 0.8, tpotSec: 0.19, inflight: 7, limitedBy: 'kv' as const, workload: { input: 763, output: 232 } };
    expect(formatSummary({ ...base, delivered }, plain)).toMatch(/^delivered {3}120 tokens\/s predicted \(28\.0 decode\), TTFT 0\.80 s, TPOT 190 ms, 7 requests in flight/m);
    const none = formatSummary({ ...base, delivered: { ...delivered, throughput: 0, decodeThroughput: 0, ttftSec: 0, tpotSec: 0, inflight: 0, limitedBy: 'maxflow' as const } }, plain);
    // The plan carries flow, so what stops every request is the KV room (the notes say where).
    expect(none).toMatch(/^delivered {3}nothing: no request can be served \(no KV-cache room on its paths, see the notes\)/m);
    const noFlow = formatSummary({ ...base, throughput: 0, delivered: { ...delivered, throughput: 0, decodeThroughput: 0, ttftSec: 0, tpotSec: 0, inflight: 0, limitedBy: 'maxflow' as const } }, plain);
    expect(noFlow).toMatch(/^delivered {3}nothing: no request can be served \(no flow\)/m);
    expect(none).not.toMatch(/TPOT/);
  });

  it('says which tokens the max flow counts where the cap was rescaled to other requests', () => {
    const capped = { throughput: 3 * base.throughput, decodeThroughput: 50, ttftSec: 0.3, tpotSec: 0.9, inflight: 145, limitedBy: 'maxflow' as const, workload: { input: 50, output: 10 } };
    const text = formatSummary({ ...base, settings: { ...base.settings, workload: '50:10' }, delivered: capped }, plain);
    expect(text).toMatch(/limited by maxflow \([\d,.]+ tokens\/s of these requests; the throughput line counts tokens in the profiles' azure-conv mix\)/);
    // At the plan's own max flow there is nothing to explain.
    const plainCap = formatSummary({ ...base, delivered: { ...capped, throughput: base.throughput } }, plain);
    expect(plainCap).toMatch(/limited by maxflow; /);
    // One-token answers have no time between tokens to predict.
    const oneToken = formatSummary({ ...base, delivered: { ...capped, workload: { input: 1, output: 1 } } }, plain);
    expect(oneToken).toMatch(/TPOT - \(one-token answers\)/);
  });
});
