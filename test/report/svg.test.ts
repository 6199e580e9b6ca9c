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

  it('the checker itself rejects broken markup', () => {
    expect(wellFormed('<svg><g></svg>')).toBe(false);
    expect(wellFormed('<svg>a & b</svg>')).toBe(false);
    expect(wellFormed('<svg><g/></svg>')).toBe(true);
  });
});
