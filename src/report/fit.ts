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

/** Rows per cli-table3 table: its layout takes time quadratic in the rows (8,000 rows: 3.3 s). */
export const CHUNK_ROWS = 250;

function render(columns: readonly Column[], rows: readonly (readonly string[])[], keep: readonly number[], c: ChalkInstance): string {
  const head = keep.map((k) => columns[k].head);
  const align = keep.map((k) => columns[k].align ?? 'left');
  const cells = rows.map((row) => keep.map((k) => row[k] ?? ''));
  const whole = (body: readonly string[][], colWidths?: number[], headed = true) => {
    const t = colWidths
      ? new Table({ head: headed ? head.map((h) => c.bold(h)) : [], colAligns: align, colWidths, style: { head: [], border: [], compact: true } })
      : table(head, c, align);
    for (const row of body) t.push(row);
    return t.toString();
  };
  if (cells.length <= CHUNK_ROWS) return whole(cells);
  // Long tables are laid out in chunks with the widths of the whole: each column's widest over
  // the chunks as cli-table3 lays each out (its own measure of width: CJK twice, accents not).
  const chunks: string[][][] = [];
  for (let at = 0; at < cells.length; at += CHUNK_ROWS) chunks.push(cells.slice(at, at + CHUNK_ROWS));
  const widths = chunks.map((chunk) => asciiWidths(head, chunk) ?? topBorderWidths(whole(chunk))).reduce((a, b) => a.map((w, j) => Math.max(w, b[j])));
  // Chunks after the first have no heading and lose their top border; all but the last lose their bottom one.
  const last = chunks.length - 1;
  return chunks.flatMap((chunk, k) => whole(chunk, widths, k === 0).split('\n').slice(k === 0 ? 0 : 1, k < last ? -1 : undefined)).join('\n');
}

const PRINTABLE_ASCII = /^[\x20-\x7e\n]*$/;

/**
 * Column widths as cli-table3 would lay out a chunk (content plus a space each side), worked out
 * directly where every cell is printable ASCII, whose width is its length; null otherwise. Laying
 * out each chunk only to measure it doubled the time of 441,000-row tables.
 */
function asciiWidths(head: readonly string[], rows: readonly (readonly string[])[]): number[] | null {
  const widths = head.map((h) => widthOf(h) + 2);
  for (const row of rows) {
    for (let j = 0; j < widths.length; j++) {
      const text = String(row[j] ?? '');
      if (!PRINTABLE_ASCII.test(stripVTControlCharacters(text))) return null;
      widths[j] = Math.max(widths[j], widthOf(text) + 2);
    }
  }
  return widths;
}

/** Each column's width as cli-table3 drew it (padding included), read off the top border. */
function topBorderWidths(text: string): number[] {
  const top = stripVTControlCharacters(text.split('\n')[0]);
  return top.slice(1, -1).split('\u252c').map((segment) => segment.length);
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
