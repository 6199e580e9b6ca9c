import { describe, expect, it } from 'vitest';
import { renderSvg } from '../../src/report/svg.js';
import { randomSmallCluster, bruteForceOptimum } from '../fixtures/clusters.js';
import { planFor } from '../fixtures/plans.js';

/** Tags balance and nest properly; attribute values are quoted; no stray '&'. */
function wellFormed(xml: string): boolean {
  const stack: string[] = [];
  const tag = /<(\/?)([a-zA-Z][\w:-]*)((?:\s+[\w:-]+="[^"]*")*)\s*(\/?)>/g;
  let last = 0;
  for (let m = tag.exec(xml); m; m = tag.exec(xml)) {
    const between = xml.slice(last, m.index);
    if (/[<>]/.test(between) || /&(?!(amp|lt|gt|quot|#39);)/.test(between)) return false;
    last = tag.lastIndex;
    if (m[4]) continue;
    if (m[1]) {
      if (stack.pop() !== m[2]) return false;
    } else stack.push(m[2]);
  }
  return stack.length === 0 && xml.slice(last).trim() === '';
}

describe('renderSvg', () => {
  it('is well-formed and shows every node, with names escaped', () => {
    const c = randomSmallCluster(5, { nodes: 4, layers: 5, maxLayers: 3, regions: 2 });
    const plan = planFor(c, bruteForceOptimum(c).placement);
    const tricky = { ...plan, cluster: { ...plan.cluster, name: 'a<b & "c"' } };
    const svg = renderSvg(tricky);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(wellFormed(svg)).toBe(true);
    for (const n of plan.nodes) expect(svg).toContain(`${n.name} (${n.gpu})`);
    expect(svg).toContain('a&lt;b &amp; &quot;c&quot;');
  });

  it('widens the label column for long names, wraps the legend inside the picture, and sorts names naturally', () => {
    const c = randomSmallCluster(5, { nodes: 4, layers: 5, maxLayers: 3, regions: 1 });
    const plan = planFor(c, bruteForceOptimum(c).placement);
    const long = 'node-in-rack-42-row-7-of-the-south-hall';
    const types = Array.from({ length: 12 }, (_, k) => `GPU-TYPE-${k}`);
    const many = {
      ...plan,
      nodes: [
        ...plan.nodes.map((n, k) => ({ ...n, name: k === 0 ? long : n.name })),
        ...types.map((gpu, k) => ({ ...plan.nodes[0], name: `x-${k}`, gpu, start: null, end: null, flow: 0 })),
      ],
      flows: [],
    };
    const svg = renderSvg(many);
    expect(wellFormed(svg)).toBe(true);
    const width = Number(/width="(\d+(?:\.\d+)?)"/.exec(svg)![1]);
    // The label ends 24 px left of the chart, whose left edge is past the label's approximate width.
    const label = new RegExp(`<text x="([\\d.]+)"[^>]*>${long} \\(`).exec(svg)!;
    expect(Number(label[1])).toBeGreaterThanOrEqual(16 + 6 * `${long} (X)`.length);
    // Every legend entry lies inside the picture.
    for (const m of svg.matchAll(/<rect x="([\d.]+)" y="[\d.]+" width="12"/g)) expect(Number(m[1]) + 12).toBeLessThan(width);
    for (const gpu of types) expect(svg).toContain(`>${gpu}</text>`);
    // Unused nodes (no start layer to sort by) in natural order: x-2 before x-10.
    const order = ['x-2', 'x-10'].map((n) => svg.indexOf(`>${n} (`));
    expect(order[0]).toBeGreaterThan(0);
    expect(order[0]).toBeLessThan(order[1]);
  });

  it('heads a delivered plan with what it serves, and labels max flow as such', () => {
    const c = randomSmallCluster(5, { nodes: 4, layers: 5, maxLayers: 3, regions: 2 });
    const plan = planFor(c, bruteForceOptimum(c).placement, 2 * bruteForceOptimum(c).throughput);
    const delivered = {
      ...plan,
      settings: { ...plan.settings, objective: 'delivered' as const },
      delivered: { throughput: 120, decodeThroughput: 28, ttftSec: 0.8, tpotSec: 0.19, inflight: 7, limitedBy: 'kv' as const, workload: { input: 763, output: 232 }, simulated: { throughput: 131, tpotP95Sec: 0.2, requests: 300, window: { startSec: 200, endSec: 800 } } },
    };
    const svg = renderSvg(delivered);
    expect(svg).toMatch(/120 tokens\/s of azure-conv requests predicted served, 131 simulated, objective delivered/);
    expect(svg).toMatch(/max flow [\d,.]+ of a bound of [\d,.]+ \(test\), gap 50\.00% \(traded for delivery\)/);
    // A max-flow plan leads with its max flow; its gap is the search's, not traded.
    const maxflow = renderSvg({ ...plan, settings: { ...plan.settings, objective: 'maxflow' } });
    expect(maxflow).toMatch(/tokens\/s of max flow, objective maxflow/);
    expect(maxflow).not.toMatch(/traded/);
    // Nothing admitted: said, not "0 tokens/s predicted".
    expect(renderSvg({ ...delivered, delivered: { ...delivered.delivered, throughput: 0 } })).toMatch(/serves nothing \(no request can be admitted\)/);
    // Other requests: the max flow's tokens are named.
    expect(renderSvg({ ...delivered, settings: { ...delivered.settings, workload: 'azure-code' } })).toMatch(/of azure-code requests predicted served.*in azure-conv tokens, gap/s);
  });

  it('the checker itself rejects broken markup', () => {
    expect(wellFormed('<svg><g></svg>')).toBe(false);
    expect(wellFormed('<svg>a & b</svg>')).toBe(false);
    expect(wellFormed('<svg><g/></svg>')).toBe(true);
  });
});
