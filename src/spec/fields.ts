// Typed access to one YAML mapping with the field path carried along, so every error says
// exactly which field of which file is wrong (and on which line, when the file is known) and
// what was expected there.

import { inputError, type ErrorDetails } from '../errors.js';
import { parseBandwidth, parseBytes, parseDuration } from './units.js';
import type { KeyPath, LineLocator } from './yaml-file.js';

const show = (v: unknown): string => {
  if (v === undefined) return 'nothing';
  // JSON has no NaN or Infinity (YAML's .nan, .inf): stringify would call them null.
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  // Cut a long string before quoting it: a file of NUL bytes read as one value runs to many MB.
  const s = typeof v === 'string' && v.length > 40 ? JSON.stringify(v.slice(0, 40)) : JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 40 ? `${s.slice(0, 37)}...` : s;
};

/** `nodes[3].gpu` from ['nodes', 3, 'gpu']. */
export function dottedPath(keys: KeyPath): string {
  return keys.reduce<string>((s, k) => (typeof k === 'number' ? `${s}[${k}]` : s ? `${s}.${k}` : k), '');
}

export interface NumberRule {
  readonly min?: number;
  readonly above?: number;
  readonly below?: number;
  readonly max?: number;
  readonly int?: boolean;
}

function describeRule(o: NumberRule): string {
  const bounds = [o.above !== undefined ? `> ${o.above}` : o.min !== undefined ? `>= ${o.min}` : '', o.below !== undefined ? `< ${o.below}` : o.max !== undefined ? `<= ${o.max}` : '']
    .filter(Boolean)
    .join(' and ');
  return `${o.int ? 'an integer' : 'a number'}${bounds ? ` ${bounds}` : ''}`;
}

export class Fields {
  readonly path: string;

  constructor(
    readonly data: Record<string, unknown>,
    readonly file: string,
    readonly keys: KeyPath = [],
    private readonly lineOf?: LineLocator,
  ) {
    this.path = dottedPath(keys);
  }

  static root(data: unknown, file: string, lineOf?: LineLocator): Fields {
    if (typeof data !== 'object' || data === null || Array.isArray(data)) {
      throw inputError('bad-field', 'the file must hold a YAML mapping', { file, expected: 'key: value pairs', found: show(data) });
    }
    return new Fields(data as Record<string, unknown>, file, [], lineOf);
  }

  at(key: string): string {
    return dottedPath([...this.keys, key]);
  }

  has(key: string): boolean {
    return this.data[key] !== undefined && this.data[key] !== null;
  }

  /** The error for a field of this mapping, with its line when known; for checks made by callers. */
  error(key: string, message: string, details: Omit<ErrorDetails, 'file' | 'field'> = {}, code = 'bad-field') {
    const line = this.lineOf?.([...this.keys, key]);
    return inputError(code, line ? `${message} (line ${line})` : message, { file: this.file, field: this.at(key), ...details });
  }

  fail(key: string, expected: string, message = 'invalid value', code = 'bad-field'): never {
    throw this.error(key, message, { expected, found: show(this.data[key]) }, code);
  }

  private required(key: string, expected: string): unknown {
    if (!this.has(key)) this.fail(key, expected, 'missing field');
    return this.data[key];
  }

  str(key: string): string {
    const v = this.required(key, 'a string');
    if (typeof v !== 'string' || v.trim() === '') this.fail(key, 'a non-empty string');
    return v;
  }

  optStr(key: string): string | undefined {
    return this.has(key) ? this.str(key) : undefined;
  }

  /**
   * A name people will read in tables and pictures: no control characters. An escape sequence in
   * a node name reached the terminal raw (recolouring it, retitling the window), a newline split
   * table rows, and either made `render`'s SVG invalid XML.
   */
  optName(key: string): string | undefined {
    const v = this.optStr(key);
    if (v !== undefined && /[\u0000-\u001f\u007f-\u009f]/.test(v)) this.fail(key, 'a name without control characters (tabs, newlines, escape codes)');
    return v;
  }

  num(key: string, o: NumberRule = {}): number {
    const expected = describeRule(o);
    const v = this.required(key, expected);
    if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(key, expected);
    if (o.int && !Number.isInteger(v)) this.fail(key, expected);
    if (o.min !== undefined && v < o.min) this.fail(key, expected);
    if (o.above !== undefined && v <= o.above) this.fail(key, expected);
    if (o.below !== undefined && v >= o.below) this.fail(key, expected);
    if (o.max !== undefined && v > o.max) this.fail(key, expected);
    return v;
  }

  optNum(key: string, o: NumberRule = {}): number | undefined {
    return this.has(key) ? this.num(key, o) : undefined;
  }

  bool(key: string, fallback: boolean): boolean {
    if (!this.has(key)) return fallback;
    const v = this.data[key];
    if (typeof v !== 'boolean') this.fail(key, 'true or false');
    return v;
  }

  private where(key: string) {
    return { file: this.file, field: this.at(key) };
  }

  bytes(key: string): number {
    const v = parseBytes(this.required(key, 'a size such as 40GB'), this.where(key));
    if (v <= 0) this.fail(key, 'a size > 0');
    return v;
  }

  /** Bandwidth in bytes/s; `allowZero` where 0 means "no link". */
  bandwidth(key: string, allowZero = false): number {
    const v = parseBandwidth(this.required(key, 'a bandwidth such as 10Gbps'), this.where(key));
    if (v <= 0 && !allowZero) this.fail(key, 'a bandwidth > 0');
    return v;
  }

  /** Seconds; `maxSec` bounds it where a larger value can only be a typo. */
  duration(key: string, maxSec = Infinity): number {
    const v = parseDuration(this.required(key, 'a duration such as 5ms'), this.where(key));
    if (v > maxSec) this.fail(key, `a duration of at most ${maxSec}s`);
    return v;
  }

  obj(key: string): Fields {
    const v = this.required(key, 'a mapping');
    if (typeof v !== 'object' || Array.isArray(v)) this.fail(key, 'a mapping (key: value pairs)');
    return new Fields(v as Record<string, unknown>, this.file, [...this.keys, key], this.lineOf);
  }

  optObj(key: string): Fields | undefined {
    return this.has(key) ? this.obj(key) : undefined;
  }

  /** A copy of this mapping without some keys (for sub-specs written inline with other keys). */
  without(...keys: string[]): Fields {
    const data = Object.fromEntries(Object.entries(this.data).filter(([k]) => !keys.includes(k)));
    return new Fields(data, this.file, this.keys, this.lineOf);
  }

  list(key: string): Fields[] {
    const v = this.required(key, 'a list');
    if (!Array.isArray(v)) this.fail(key, 'a list');
    return v.map((item, i) => {
      const keys = [...this.keys, key, i];
      if (typeof item !== 'object' || item === null || Array.isArray(item)) {
        const line = this.lineOf?.(keys);
        throw inputError('bad-field', `list entries must be mappings${line ? ` (line ${line})` : ''}`, {
          file: this.file,
          field: dottedPath(keys),
          expected: 'key: value pairs',
          found: show(item),
        });
      }
      return new Fields(item as Record<string, unknown>, this.file, keys, this.lineOf);
    });
  }

  optList(key: string): Fields[] {
    return this.has(key) ? this.list(key) : [];
  }

  numbers(key: string): number[] {
    const v = this.required(key, 'a list of numbers');
    if (!Array.isArray(v) || v.length === 0) this.fail(key, 'a non-empty list of numbers');
    v.forEach((x, i) => {
      if (typeof x !== 'number' || !Number.isFinite(x) || x <= 0) {
        throw inputError('bad-field', 'invalid value', { file: this.file, field: `${this.at(key)}[${i}]`, expected: 'a number > 0', found: show(x) });
      }
    });
    return v as number[];
  }

  /** Rejects keys the schema does not know: a typo should not silently fall back to a default. */
  onlyKeys(allowed: readonly string[]): this {
    for (const key of Object.keys(this.data)) {
      if (!allowed.includes(key)) {
        throw this.error(key, `unknown field "${key}"`, { expected: `one of ${allowed.join(', ')}` }, 'unknown-field');
      }
    }
    return this;
  }
}
