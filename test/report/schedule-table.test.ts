import { describe, expect, it } from 'vitest';
import { Chalk } from 'chalk';
import { buildRoutingTables } from '../../src/schedule/routing.js';
import { formatSchedule } from '../../src/report/schedule-table.js';
import { smallCluster, smallPlan } from '../sim/small.js';

const plain = { color: new Chalk({ level: 0 }), showUnweighted: false };

// a holds layers 0-2; b and d hold 2-4, but only b has a link from a: d's one hop (to the
// coordinator) carries nothing.
function tables() {
  const cluster = smallCluster({
    layers: 4,
    nodes: [
      { name: 'a', gpu: 'G', throughput: [6000, 3000] },
      { name: 'b', gpu: 'G', throughput: [4000, 2000] },
      { name: 'd', gpu: 'G', throughput: [2000, 1000] },
    ],
    link: (i, j) => (i === 0 && j === 2 ? null : { bandwidth: 1e9, latency: 0.001 }),
  });
  const plan = smallPlan(cluster, [
    { start: 0, end: 2 },
    { start: 2, end: 4 },
    { start: 2, end: 4 },
  ]);
  return buildRoutingTables(cluster, plan, { flows: 'plan' });
}

describe('formatSchedule', () => {
  it('tells a node whose hops carry nothing (hidden) from a node with no next hop at all', () => {
    const t = tables();
    const row = (text: string, node: string) => text.split('\n').find((l) => l.includes(` ${node} `))!;
    expect(row(formatSchedule(t, plain), 'd')).toMatch(/\(no flow; 1 empty hop, --all\)/);
    // --all shows the empty hop itself instead.
    expect(row(formatSchedule(t, { ...plain, showUnweighted: true }), 'd')).toMatch(/coordinator \(out\)/);
    const bare = { ...t, nodes: t.nodes.map((n) => (n.from === 2 ? { ...n, hops: [], sequence: [] } : n)) };
    expect(row(formatSchedule(bare, plain), 'd')).toMatch(/\(no next hop\)/);
  });

  it('leaves out columns to fit a narrow terminal, naming them, as the plan tables do', () => {
    const rows = (text: string) => text.split('\n').filter((l) => /^[\u2502\u250c\u251c\u2514]/.test(l));
    const full = Math.max(...rows(formatSchedule(tables(), plain)).map((l) => l.length));
    const narrow = formatSchedule(tables(), { ...plain, width: full - 3 });
    for (const line of rows(narrow)) expect(line.length).toBeLessThanOrEqual(full - 3);
    expect(narrow).toMatch(new RegExp(`left out to fit ${full - 3} columns: layers`));
    expect(formatSchedule(tables(), plain)).not.toMatch(/left out/);
  });

  it('shows a small share of requests as a small share, not as 0%', () => {
    // A coordinator with 250 equal hops sends each 0.4%.
    const t = tables();
    const many = { ...t, source: { ...t.source, hops: Array.from({ length: 250 }, () => ({ ...t.source.hops[0], weight: 1 })) } };
    const text = formatSchedule(many, plain);
    expect(text).toMatch(/ 0\.4% /);
    expect(text).not.toMatch(/ 0% /);
  });
});

