// Human-readable output of `helix profiles` and `helix profile import|estimate`. Pure functions:
// (data, {color}) => string.

import { fitTable, table, type Column } from './fit.js';
import type { ChalkInstance } from 'chalk';
import type { ProfileSource } from '../spec/types.js';
import { percent, tokens } from './format.js';

export interface ProfileListRow {
  /** The profile folder (set) the file is in, e.g. helix-set-b. */
  readonly set: string;
  readonly gpu: string;
  readonly source: ProfileSource;
  readonly maxLayers: number;
  readonly first: number;
  readonly last: number;
  /** Whether per-layer timings for this type and model are available to re-derive it. */
  readonly timings: boolean;
}

export interface ProfileList {
  readonly model: string;
  readonly rows: readonly ProfileListRow[];
}

const sourceLabel = (s: ProfileSource, c: ChalkInstance): string => (s === 'estimated' ? c.yellow(s) : s === 'imported' ? c.cyan(s) : s);

/** On a narrow terminal the highest `drop` goes first. */
const PROFILE_COLUMNS: readonly Column[] = [
  { head: 'set', drop: 3 },
  { head: 'type' },
  { head: 'source', drop: 2 },
  { head: 'max layers', align: 'right' },
  { head: 't(1) tokens/s', align: 'right' },
  { head: 't(max) tokens/s', align: 'right' },
  { head: 'timings', drop: 4 },
];

export function formatProfileList(list: ProfileList, o: { color: ChalkInstance; width?: number }): string {
  const c = o.color;
  if (list.rows.length === 0) return `No profiles for ${list.model}.\n`;
  const t: string[][] = [];
  for (const r of list.rows) {
    t.push([r.set, r.gpu, sourceLabel(r.source, c), String(r.maxLayers), tokens(r.first), tokens(r.last), r.timings ? 'yes' : c.dim('-')]);
  }
  const estimated = list.rows.some((r) => r.source === 'estimated');
  return [
    `${c.bold(`Profiles for ${list.model}`)}`,
    fitTable(PROFILE_COLUMNS, t, { color: c, width: o.width }),
    'timings = per-layer timings on hand, so `helix profile import` can re-derive the table for another workload',
    ...(estimated ? [c.yellow('estimated = roofline estimate, not a measurement (docs/profiles.md gives its error)')] : []),
    '',
  ].join('\n');
}

/** One row of a derived table: t(k) and the steady state behind it. */
export interface DerivedRowView {
  readonly k: number;
  readonly tokensPerSec: number;
  readonly decodeBatch: number;
  readonly promptsPerStep: number;
  readonly share: number;
  /** The table compared against (--compare), when given. */
  readonly reference?: number;
}

export interface DerivedProfileView {
  readonly gpu: string;
  readonly model: string;
  readonly source: ProfileSource;
  readonly derivedFrom: string;
  readonly rows: readonly DerivedRowView[];
  /** Extra lines: efficiency factors, output file, warnings. */
  readonly notes: readonly string[];
  readonly compare?: { readonly file: string; readonly mean: number; readonly worst: number };
}

export function formatDerivedProfile(v: DerivedProfileView, o: { color: ChalkInstance }): string {
  const c = o.color;
  const withRef = v.rows.some((r) => r.reference !== undefined);
  const head = ['k', 't(k) tokens/s', 'decode batch', 'prompts/step', 'share of trip', ...(withRef ? ['compared', 'error'] : [])];
  const t = table(head, c, head.map(() => 'right'));
  for (const r of v.rows) {
    const ref = r.reference;
    t.push([
      String(r.k),
      tokens(r.tokensPerSec),
      String(r.decodeBatch),
      r.promptsPerStep.toFixed(3),
      percent(r.share),
      ...(withRef ? [ref === undefined ? '-' : tokens(ref), ref === undefined ? '-' : percent(Math.abs(r.tokensPerSec / ref - 1))] : []),
    ]);
  }
  const title = `${v.gpu} serving ${v.model}: ${v.source === 'estimated' ? c.yellow('estimated (not measured)') : v.source}`;
  return [
    c.bold(title),
    t.toString(),
    c.dim(v.derivedFrom),
    ...(v.compare ? [`vs ${v.compare.file}: mean error ${percent(v.compare.mean)}, worst ${percent(v.compare.worst)}`] : []),
    ...v.notes,
    '',
  ].join('\n');
}
