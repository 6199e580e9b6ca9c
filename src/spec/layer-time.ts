// Per-layer timing tables: for one GPU type and one model, how many milliseconds ONE transformer
// layer takes to process a batch of a given number of tokens, in the prompt (prefill) phase and
// in the decode phase. They are the raw measurements behind node throughput tables t(k); see
// src/profiles/derive.ts for how a t(k) table is derived from them.
//
// Two input shapes:
// - CSV as profiled (`batchTokens,ms` per line, no header needed), e.g. the Helix artifact's
//   <gpu>/{prompt,decode}_bs2time.csv;
// - the project's own YAML, one file per GPU type: <dir>/<model-id>/<GPU>.yaml with `prompt` and
//   `decode` lists of [batchTokens, ms] pairs (bundled under profiles/layer-time).

import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { inputError } from '../errors.js';
import { Fields } from './fields.js';
import { readYamlFile } from './yaml-file.js';
import { bundledProfilesDir } from './bundled.js';
import type { Cluster } from './types.js';

/** [batch tokens, milliseconds per layer]. */
export type LayerTimePoint = readonly [batchTokens: number, msPerLayer: number];

/** Timing points sorted by batch size, batch sizes distinct, at least two points. */
export interface LayerTimeTable {
  readonly points: readonly LayerTimePoint[];
}

/** Both phases of one GPU type for one model, and the file they came from. */
export interface LayerTimes {
  readonly gpu: string;
  readonly model: string;
  readonly prompt: LayerTimeTable;
  readonly decode: LayerTimeTable;
  readonly file: string;
  /** What the file says it is, e.g. `estimated` (helix profile estimate); absent: measured. */
  readonly source?: string;
}

function tableError(file: string, field: string, message: string, expected: string, found?: string): never {
  throw inputError('bad-layer-time', message, { file, field, expected, ...(found !== undefined ? { found } : {}) });
}

/** The longest time one layer of one batch may take, in ms (a minute). */
export const MAX_LAYER_MS = 60_000;

/**
 * Sorts and checks raw points. Repeated batch sizes are rejected rather than averaged: two
 * different timings for one batch usually mean two files were concatenated by mistake.
 */
export function makeLayerTimeTable(raw: readonly LayerTimePoint[], file: string, field = ''): LayerTimeTable {
  for (const [b, ms] of raw) {
    if (!Number.isFinite(b) || b < 0 || !Number.isFinite(ms) || ms < 0) {
      tableError(file, field, 'invalid timing point', 'batch tokens >= 0 and milliseconds >= 0', `${b},${ms}`);
    }
    // Work takes time: a 0 ms batch is a reading rounded to whole milliseconds, and would give
    // an infinite token rate (and a profile of Infinity no cluster can load).
    if (b > 0 && ms === 0) {
      tableError(file, field, `0 ms per layer at batch ${b}`, 'a time > 0 ms for every batch of one token or more (record fractions of a millisecond)', `${b},${ms}`);
    }
    // No GPU takes a minute for one layer of a batch (a T4 prefills 3,000 tokens of a 70B layer
    // in 0.2 s): such a figure is in another unit (microseconds read as ms) or corrupt, and would
    // make every plan on it serve nearly nothing.
    if (ms > MAX_LAYER_MS) {
      tableError(file, field, `${ms} ms for one layer at batch ${b}, more than a minute`, `milliseconds per layer, at most ${MAX_LAYER_MS} (is the table in microseconds?)`, `${b},${ms}`);
    }
  }
  const points = [...raw].sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < points.length; i++) {
    if (points[i][0] === points[i - 1][0]) {
      tableError(file, field, `batch size ${points[i][0]} is listed twice`, 'one timing per batch size');
    }
  }
  if (points.length < 2) tableError(file, field, 'too few timing points', 'at least two batch sizes', String(points.length));
  if (points[points.length - 1][1] <= 0) tableError(file, field, 'all timings are zero', 'some timing > 0 ms');
  return { points };
}

/** Parses `batchTokens,ms` lines; blank lines, `#` comments and one leading header line are skipped. */
const MILLISECONDS = new Set(['ms', 'msec', 'millis', 'millisecond', 'milliseconds']);
const OTHER_TIME_UNITS = new Set(['s', 'sec', 'secs', 'second', 'seconds', 'us', 'usec', 'µs', 'micros', 'microsecond', 'microseconds', 'ns', 'nanosecond', 'nanoseconds']);
const TIME_WORDS = new Set(['time', 'latency', 'duration', ...MILLISECONDS, ...OTHER_TIME_UNITS]);
/** The words of a column title: `time_ms` -> time, ms; `t (µs)` -> t, µs. */
const words = (title: string): string[] => title.toLowerCase().split(/[^a-zµ]+/).filter(Boolean);

/** A header's second column must be milliseconds if it names a unit, and the first must not be the time. */
function checkHeader(cells: readonly string[], file: string, line: number): void {
  const [first, second] = cells;
  const timeIn = (title: string) => words(title).some((w) => TIME_WORDS.has(w));
  if (timeIn(first) && !timeIn(second)) {
    tableError(file, `line ${line}`, `the header puts the time first (${JSON.stringify(cells.join(','))})`, 'batch tokens, then milliseconds per layer', JSON.stringify(cells.join(',')));
  }
  if (!words(second).some((w) => MILLISECONDS.has(w)) && words(second).some((w) => OTHER_TIME_UNITS.has(w))) {
    tableError(file, `line ${line}`, `the header says the times are not in milliseconds (${JSON.stringify(second)})`, 'milliseconds per layer (convert the column, and title it ms)', JSON.stringify(second));
  }
}

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

export function parseLayerTimeCsv(text: string, file: string): LayerTimeTable {
  const points: LayerTimePoint[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((line, i) => {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const cells = trimmed.split(/\s*[,;\t]\s*/);
    // Decimal numbers only: Number() would also read `0x10` as 16 and `` as 0.
    const nums = cells.map((c) => (DECIMAL.test(c) ? Number(c) : NaN));
    const numeric = cells.length === 2 && cells.every((c) => c !== '') && nums.every(Number.isFinite);
    if (!numeric) {
      // Column titles such as `batch,ms` are fine on the first data line only, but they must not
      // say the columns are something else: a table in seconds read as milliseconds is 1,000x off.
      // A header has words for cells: `0x10,0x20` is numbers in a form this table does not take.
      if (points.length === 0 && cells.length === 2 && cells.every((c) => !Number.isFinite(Number(c)))) {
        checkHeader(cells, file, i + 1);
        return;
      }
      tableError(file, `line ${i + 1}`, 'not a timing line', 'two numbers: batch tokens, milliseconds per layer', JSON.stringify(trimmed));
    }
    // Batch sizes count tokens: a fraction means the columns are the other way round.
    if (!Number.isInteger(nums[0])) tableError(file, `line ${i + 1}`, 'batch tokens must be a whole number (are the columns swapped?)', 'batch tokens, then milliseconds per layer', JSON.stringify(trimmed));
    points.push([nums[0], nums[1]]);
  });
  return makeLayerTimeTable(points, file);
}

function segmentAt(points: readonly LayerTimePoint[], batch: number): [LayerTimePoint, LayerTimePoint] {
  let lo = 0;
  let hi = points.length - 1;
  // Binary search for the last point at or below `batch` (tables have tens of points, but
  // derivations call this in loops).
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (points[mid][0] <= batch) lo = mid;
    else hi = mid;
  }
  return [points[lo], points[lo + 1]];
}

/**
 * Milliseconds one layer takes for a batch of `batchTokens` tokens, by piecewise-linear
 * interpolation between measured points.
 *
 * Below the smallest measured batch: the first measured time (a smaller batch is not assumed to
 * run faster than anything measured; extrapolating downwards could even go negative).
 *
 * Beyond the largest measured batch: linear extrapolation along the last segment. Large batches
 * are compute-bound, so time keeps growing about linearly with tokens; holding the last value
 * instead would make ever larger batches free and overstate throughput without limit. Measured
 * tables are noisy, so when the last segment does not rise, the mean slope over the whole table
 * is used instead: time must never fall as the batch grows past the data.
 */
export function msPerLayer(table: LayerTimeTable, batchTokens: number): number {
  const pts = table.points;
  const first = pts[0];
  const last = pts[pts.length - 1];
  if (batchTokens <= first[0]) return first[1];
  if (batchTokens <= last[0]) {
    const [a, b] = segmentAt(pts, batchTokens);
    return a[1] + ((batchTokens - a[0]) * (b[1] - a[1])) / (b[0] - a[0]);
  }
  const prev = pts[pts.length - 2];
  let slope = (last[1] - prev[1]) / (last[0] - prev[0]);
  if (slope <= 0) slope = Math.max(0, (last[1] - first[1]) / (last[0] - first[0]));
  return last[1] + (batchTokens - last[0]) * slope;
}

/** The largest batch the table measured (beyond it, times are extrapolated). */
export function maxMeasuredBatch(table: LayerTimeTable): number {
  return table.points[table.points.length - 1][0];
}

function pointsField(f: Fields, key: string): LayerTimePoint[] {
  const raw = f.data[key];
  const field = f.at(key);
  if (!Array.isArray(raw)) tableError(f.file, field, 'missing or invalid timing list', 'a list of [batchTokens, ms] pairs');
  return raw.map((p, i): LayerTimePoint => {
    if (!Array.isArray(p) || p.length !== 2 || typeof p[0] !== 'number' || typeof p[1] !== 'number') {
      tableError(f.file, `${field}[${i}]`, 'invalid timing point', 'a pair [batchTokens, ms]', JSON.stringify(p));
    }
    return [p[0], p[1]];
  });
}

/** Reads one project-format layer-time file. */
export function loadLayerTimeFile(file: string): LayerTimes {
  const f = Fields.root(readYamlFile(file), file).onlyKeys(['gpu', 'model', 'source', 'note', 'prompt', 'decode']);
  const source = f.optStr('source');
  return {
    ...(source !== undefined ? { source } : {}),
    gpu: f.str('gpu'),
    model: f.str('model'),
    prompt: makeLayerTimeTable(pointsField(f, 'prompt'), file, 'prompt'),
    decode: makeLayerTimeTable(pointsField(f, 'decode'), file, 'decode'),
    file,
  };
}

/**
 * All layer-time files for a model: GPU name -> timings. `dir` may be the layer-time folder
 * itself (holding <model-id>/<GPU>.yaml) or the profiles root above it (holding
 * layer-time/<model-id>/<GPU>.yaml). An absent folder gives an empty map.
 */
export function loadLayerTimes(dir: string, modelId: string): Map<string, LayerTimes> {
  const nested = join(dir, 'layer-time', modelId);
  const folder = existsSync(nested) ? nested : join(dir, modelId);
  const out = new Map<string, LayerTimes>();
  if (!existsSync(folder)) return out;
  for (const name of readdirSync(folder).sort()) {
    if (!name.endsWith('.yaml')) continue;
    const file = join(folder, name);
    const t = loadLayerTimeFile(file);
    if (t.model !== modelId) {
      throw inputError('bad-field', 'layer-time file is for another model', { file, field: 'model', expected: `"${modelId}" (the folder it is in)`, found: JSON.stringify(t.model) });
    }
    const gpu = name.slice(0, -'.yaml'.length);
    if (t.gpu !== gpu) {
      throw inputError('bad-field', 'layer-time file names another GPU', { file, field: 'gpu', expected: `"${gpu}" (its file name)`, found: JSON.stringify(t.gpu) });
    }
    out.set(gpu, t);
  }
  return out;
}

const clusterTimesCache = new Map<string, ReadonlyMap<string, LayerTimes>>();

/** Where a cluster's per-layer timings are looked for, first wins: its own folders, then the bundled ones. */
export function clusterLayerTimeDirs(cluster: Pick<Cluster, 'layerTimeDirs'>): string[] {
  return [...(cluster.layerTimeDirs ?? []), bundledProfilesDir];
}

/**
 * The per-layer timings for a cluster's model: its own folders first (Cluster.layerTimeDirs, the
 * user's profiles), then the bundled tables, GPU type by GPU type. Cached per folder list: the
 * delivered search asks for them many times.
 */
export function clusterLayerTimes(cluster: Pick<Cluster, 'model' | 'layerTimeDirs'>): ReadonlyMap<string, LayerTimes> {
  const dirs = clusterLayerTimeDirs(cluster);
  const key = `${cluster.model.id}\u0000${dirs.join('\u0000')}`;
  let out = clusterTimesCache.get(key);
  if (!out) {
    const merged = new Map<string, LayerTimes>();
    for (const dir of dirs) for (const [gpu, t] of loadLayerTimes(dir, cluster.model.id)) if (!merged.has(gpu)) merged.set(gpu, t);
    clusterTimesCache.set(key, (out = merged));
  }
  return out;
}

const pairList = (t: LayerTimeTable): string => `[${t.points.map(([b, ms]) => `[${b}, ${ms}]`).join(', ')}]`;

/** The project YAML for one GPU type's timings; `note` lines become comments and a `source` field. */
export function formatLayerTimeYaml(t: { gpu: string; model: string; prompt: LayerTimeTable; decode: LayerTimeTable; source?: string; comment?: readonly string[] }): string {
  const lines = [
    ...(t.comment ?? []).map((c) => `# ${c}`),
    `gpu: ${t.gpu}`,
    `model: ${t.model}`,
    ...(t.source ? [`source: ${JSON.stringify(t.source)}`] : []),
    '# [batch tokens, milliseconds for one layer]',
    `prompt: ${pairList(t.prompt)}`,
    `decode: ${pairList(t.decode)}`,
  ];
  return `${lines.join('\n')}\n`;
}
