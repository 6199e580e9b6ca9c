// Tables that fit the terminal. A table wider than the screen wraps every row into two broken
// lines (the plan table is 97 columns on the smallest cluster, an 80-column terminal being the
// default), so when the width is known the least needed columns go first, and a line says which
// went and where the rest is. Off a terminal (pipes, files, CI logs) nothing is dropped.
// Every report's tables are built by `table` here, so they share one style.

import Table from 'cli-table3';
import type { ChalkInstance } from 'chalk';
import { stripVTControlCharacters } from 'node:util';

export interface Column {
  readonly head: string;
  readonly align?: 'left' | 'right';
  /** When the table is too wide, columns go in this order, the highest number first; absent: always kept. */
  readonly drop?: number;
}

export interface FitOptions {
  readonly color: ChalkInstance;
  /** Terminal width in characters; absent: the table is printed whole. */
  readonly width?: number;
}

/** The one table style of every report: bold headings, compact rows. */
export function table(head: readonly string[], c: ChalkInstance, align?: readonly ('left' | 'right')[]): Table.Table {
  return new Table({ head: head.map((h) => c.bold(h)), ...(align ? { colAligns: [...align] } : {}), style: { head: [], border: [], compact: true } });
}

function render(columns: readonly Column[], rows: readonly (readonly string[])[], keep: readonly number[], c: ChalkInstance): string {
  const t = table(
    keep.map((k) => columns[k].head),
    c,
    keep.map((k) => columns[k].align ?? 'left'),
  );
  for (const row of rows) t.push(keep.map((k) => row[k] ?? ''));
  return t.toString();
}

const widthOf = (text: string): number => Math.max(...text.split('\n').map((line) => stripVTControlCharacters(line).length));

/** The table with as many columns as fit `o.width`, and a dim line naming those left out. */
export function fitTable(columns: readonly Column[], rows: readonly (readonly string[])[], o: FitOptions): string {
  let keep = columns.map((_, k) => k);
  let text = render(columns, rows, keep, o.color);
  if (o.width === undefined || !(o.width > 0)) return text;
  const order = columns
    .map((col, k) => ({ k, drop: col.drop }))
    .filter((x): x is { k: number; drop: number } => x.drop !== undefined)
    .sort((a, b) => b.drop - a.drop || b.k - a.k);
  const hidden: string[] = [];
  for (const { k } of order) {
    if (widthOf(text) <= o.width) break;
    keep = keep.filter((x) => x !== k);
    hidden.push(columns[k].head);
    text = render(columns, rows, keep, o.color);
  }
  if (hidden.length === 0) return text;
  // The note is wrapped to the width too: a line that wraps on its own is what this avoids.
  return `${text}\n${wrap(`(left out to fit ${o.width} columns: ${hidden.join(', ')}; a wider terminal or --json shows them)`, o.width).map((l) => o.color.dim(l)).join('\n')}`;
}

/** Words into lines of at most `width` characters (a longer word gets a line of its own). */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}
