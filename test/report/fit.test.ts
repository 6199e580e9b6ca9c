import { describe, expect, it } from 'vitest';
import { Chalk } from 'chalk';
import { stripVTControlCharacters } from 'node:util';
import { fitTable, type Column } from '../../src/report/fit.js';
import { formatNodes } from '../../src/report/plan-table.js';
import { randomSmallCluster } from '../fixtures/clusters.js';
import { planFor, wrappingPlacement } from '../fixtures/plans.js';

const plain = new Chalk({ level: 0 });
const widest = (text: string) => Math.max(...text.split('\n').map((l) => stripVTControlCharacters(l).length));
const columns: Column[] = [
  { head: 'name' },
  { head: 'wide column one', drop: 1 },
  { head: 'wide column two', drop: 2 },
  { head: 'value', align: 'right' },
];
const rows = [
  ['alpha', 'x'.repeat(20), 'y'.repeat(20), '1'],
  ['beta', 'x', 'y', '22'],
];

describe('fitTable', () => {
  it('prints the whole table when no width is known (pipes, files, CI logs)', () => {
    const text = fitTable(columns, rows, { color: plain });
    expect(text).toContain('wide column one');
    expect(text).toContain('wide column two');
    expect(text).not.toMatch(/left out/);
  });

  it('drops the highest `drop` first, only as many as it takes, and says which', () => {
    const full = widest(fitTable(columns, rows, { color: plain }));
    const one = fitTable(columns, rows, { color: plain, width: full - 5 });
    const tableOf = (text: string) => text.split('\n').slice(0, -1).join('\n');
    expect(tableOf(one)).toContain('wide column one');
    expect(tableOf(one)).not.toContain('wide column two');
    expect(one.split('\n').at(-1)).toBe(`(wide column two: left out to fit ${full - 5} columns; a wider terminal or --json shows them)`);
    const table = one.split('\n').slice(0, -1).join('\n');
    expect(widest(table)).toBeLessThanOrEqual(full - 5);
    const both = fitTable(columns, rows, { color: plain, width: 20 });
    expect(tableOf(both)).not.toMatch(/wide column/);
    expect(both.split('\n').at(-1)).toMatch(/^\(wide column two, wide column one: left out/);
    // Columns without `drop` stay even when the table is still too wide.
    expect(both).toContain('alpha');
    expect(both).toContain('22');
  });

  it("the plan's node table, on a terminal narrower than it (tiny's was 97 columns), loses '# layers' first", () => {
    const cluster = randomSmallCluster(3, { nodes: 4, layers: 8, maxLayers: 8 });
    const plan = planFor(cluster, wrappingPlacement(cluster));
    const full = formatNodes(plan, { color: plain });
    const fitted = formatNodes(plan, { color: plain, width: widest(full) - 1 });
    const table = fitted.split('\n').slice(0, -1).join('\n');
    expect(table).not.toContain('# layers');
    expect(table).toContain('region');
    expect(fitted.split('\n').at(-1)).toMatch(/^\(# layers: left out/);
    expect(widest(table)).toBeLessThan(widest(full));
  });
});
