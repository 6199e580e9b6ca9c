import { describe, expect, it } from 'vitest';
import { Chalk } from 'chalk';
import { stripVTControlCharacters } from 'node:util';
import { CHUNK_ROWS, fitTable, table, type Column } from '../../src/report/fit.js';
import { formatNodes } from '../../src/report/plan-table.js';
import { randomSmallCluster } from '../fixtures/clusters.js';
import { planFor, wrappingPlacement } from '../fixtures/plans.js';

const plain = new Chalk({ level: 0 });
const widest = (text: string) => Math.max(...text.split('\n').map((l) => stripVTControlCharacters(l).length));
/** The table itself, and the note beneath it joined into one line. */
const parts = (text: string) => {
  const lines = text.split('\n');
  const end = lines.findIndex((l) => l.startsWith('└')) + 1;
  return { table: lines.slice(0, end).join('\n'), note: lines.slice(end).join(' ') };
};
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
    expect(parts(one).table).toContain('wide column one');
    expect(parts(one).table).not.toContain('wide column two');
    expect(parts(one).note).toBe(`(left out to fit ${full - 5} columns: wide column two; a wider terminal or --json shows them)`);
    // The note wraps to the width as well: every line of the output fits.
    expect(widest(one)).toBeLessThanOrEqual(full - 5);
    const both = fitTable(columns, rows, { color: plain, width: 20 });
    expect(parts(both).table).not.toMatch(/wide column/);
    expect(parts(both).note).toMatch(/^\(left out to fit 20 columns: wide column two, wide column one;/);
    // Columns without `drop` stay even when the table is still too wide.
    expect(both).toContain('alpha');
    expect(both).toContain('22');
  });

  it("the plan's node table, on a terminal narrower than it (tiny's was 97 columns), loses '# layers' first", () => {
    const cluster = randomSmallCluster(3, { nodes: 4, layers: 8, maxLayers: 8 });
    const plan = planFor(cluster, wrappingPlacement(cluster));
    const full = formatNodes(plan, { color: plain });
    const fitted = formatNodes(plan, { color: plain, width: widest(full) - 1 });
    const { table, note } = parts(fitted);
    expect(table).not.toContain('# layers');
    expect(table).toContain('region');
    expect(note).toMatch(/: # layers; a wider/);
    expect(widest(table)).toBeLessThan(widest(full));
  });
});

describe('fitTable on long tables', () => {
  // Laid out in chunks of CHUNK_ROWS rows (cli-table3 is quadratic in rows), it must print
  // exactly what one table of every row prints, colours, right alignment and all.
  const colored = new Chalk({ level: 1 });
  const long = Array.from({ length: 2 * CHUNK_ROWS + 37 }, (_, i) => [
    `node-${i}`,
    i % 97 === 5 ? colored.red('x'.repeat(31)) : 'x'.repeat(i % 13),
    i === 2 * CHUNK_ROWS + 30 ? 'the widest cell of its column' : 'y',
    String(i * 7919),
  ]);

  it('prints the same table as one cli-table3 table would', () => {
    const one = table(columns.map((col) => col.head), colored, columns.map((col) => col.align ?? 'left'));
    for (const row of long) one.push(row);
    expect(fitTable(columns, long, { color: colored })).toBe(one.toString());
  });

  it('measures width as cli-table3 does: wide characters twice, combining accents not at all', () => {
    // Node names may hold any printable character. The widest cell by string length is not
    // the widest on screen, and a chunk laid out too narrow would cut cells off.
    const named = long.map((row, i) => (i === 7 ? ['节点节点节点', ...row.slice(1)] : i === CHUNK_ROWS + 3 ? ['e\u0301'.repeat(9), ...row.slice(1)] : row));
    const one = table(columns.map((col) => col.head), plain, columns.map((col) => col.align ?? 'left'));
    for (const row of named) one.push(row);
    const text = fitTable(columns, named, { color: plain });
    expect(text).toBe(one.toString());
    expect(text).toContain('节点节点节点');
  });

  it('drops columns to fit a width as it does for short tables', () => {
    const text = fitTable(columns, long, { color: plain, width: 40 });
    const { table: body, note } = parts(text);
    expect(widest(body)).toBeLessThanOrEqual(40);
    expect(note).toContain('wide column');
    expect(body.split('\n').filter((l) => l.includes('node-')).length).toBe(long.length);
  });
});
