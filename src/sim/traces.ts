// Workload traces (profiles/workloads): request lengths sampled from the Azure LLM inference
// traces, and arrival counts per fixed interval. Both are small CSV files with `#` comment lines
// naming their source, one header line, then one number or one pair per line.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inputError, usageError } from '../errors.js';
import { bundledProfilesDir } from '../spec/bundled.js';

import { BUNDLED_TRACES, type TraceName } from '../spec/workload-name.js';

export { BUNDLED_TRACES, type TraceName };

export const bundledWorkloadsDir = join(bundledProfilesDir, 'workloads');

export interface LengthSamples {
  readonly name: string;
  readonly file: string;
  /** Prompt tokens of each sampled request. */
  readonly input: Int32Array;
  /** Generated tokens of each sampled request. */
  readonly output: Int32Array;
  readonly meanInput: number;
  readonly meanOutput: number;
}

export interface ArrivalTrace {
  readonly name: string;
  readonly file: string;
  /** Length of one interval, seconds. */
  readonly intervalSec: number;
  /** Requests that arrived in each consecutive interval. */
  readonly counts: Float64Array;
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw inputError('unreadable', `cannot read workload file (${(e as NodeJS.ErrnoException).code ?? 'error'})`, { file });
  }
}

/** Data lines with their 1-based line numbers: comments and blank lines dropped. */
function dataLines(text: string): { line: number; text: string }[] {
  return text
    .split(/\r?\n/)
    .map((t, i) => ({ line: i + 1, text: t.trim() }))
    .filter((l) => l.text !== '' && !l.text.startsWith('#'));
}

const isCount = (s: string): boolean => /^\d+(\.\d+)?$/.test(s);

export function parseLengths(text: string, file: string, name: string): LengthSamples {
  const lines = dataLines(text);
  // The first data line is the header (`input,output`) unless it is already a pair of numbers.
  const rows = lines.length > 0 && !lines[0].text.split(',').every((c) => isCount(c.trim())) ? lines.slice(1) : lines;
  const input = new Int32Array(rows.length);
  const output = new Int32Array(rows.length);
  let sumIn = 0;
  let sumOut = 0;
  rows.forEach((row, k) => {
    const cells = row.text.split(',').map((c) => c.trim());
    const a = Number(cells[0]);
    const b = Number(cells[1]);
    if (cells.length !== 2 || !cells.every(isCount) || !Number.isInteger(a) || !Number.isInteger(b) || a < 1 || b < 1) {
      throw inputError('bad-workload', 'not a request-length line', { file, field: `line ${row.line}`, expected: 'prompt tokens,generated tokens (integers >= 1)', found: JSON.stringify(row.text) });
    }
    input[k] = a;
    output[k] = b;
    sumIn += a;
    sumOut += b;
  });
  if (rows.length === 0) throw inputError('bad-workload', 'no requests in the length file', { file, expected: 'lines of prompt tokens,generated tokens' });
  return { name, file, input, output, meanInput: sumIn / rows.length, meanOutput: sumOut / rows.length };
}

export function parseArrivals(text: string, file: string, name: string): ArrivalTrace {
  const lines = dataLines(text);
  const header = lines[0];
  const m = header ? /^requests_per_(\d+(?:\.\d+)?)s$/.exec(header.text) : null;
  if (!m || Number(m[1]) <= 0) {
    throw inputError('bad-workload', 'arrival file has no interval header', { file, field: header ? `line ${header.line}` : 'line 1', expected: 'a header naming the interval, e.g. requests_per_3s', found: header ? JSON.stringify(header.text) : 'nothing' });
  }
  const rows = lines.slice(1);
  const counts = new Float64Array(rows.length);
  rows.forEach((row, k) => {
    if (!isCount(row.text)) throw inputError('bad-workload', 'not an arrival count', { file, field: `line ${row.line}`, expected: 'a number of requests >= 0', found: JSON.stringify(row.text) });
    counts[k] = Number(row.text);
  });
  if (!counts.some((c) => c > 0)) throw inputError('bad-workload', 'no arrivals in the trace', { file, expected: 'some interval with requests' });
  return { name, file, intervalSec: Number(m[1]), counts };
}

function bundledFile(name: string, kind: 'lengths' | 'arrivals'): string {
  if (!(BUNDLED_TRACES as readonly string[]).includes(name)) {
    throw usageError('bad-option', `unknown trace "${name}"`, { expected: BUNDLED_TRACES.join(' or ') });
  }
  return join(bundledWorkloadsDir, `${name}-${kind}.csv`);
}

export function loadLengths(name: TraceName | string): LengthSamples {
  const file = bundledFile(name, 'lengths');
  return parseLengths(readText(file), file, name);
}

export function loadArrivals(name: TraceName | string): ArrivalTrace {
  const file = bundledFile(name, 'arrivals');
  return parseArrivals(readText(file), file, name);
}
