// Typed access to one YAML mapping with the field path carried along, so every error says
// exactly which field of which file is wrong and what was expected there.

import { inputError } from '../errors.js';
import { parseBandwidth, parseBytes, parseDuration } from './units.js';

const show = (v: unknown): string => {
  if (v === undefined) return 'nothing';
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 40 ? `${s.slice(0, 37)}...` : s;
};

export class Fields {
  constructor(
    readonly data: Record<string, unknown>,
    readonly file: string,
    readonly path: string,
  ) {}

  static root(data: unknown, file: string): Fields {
    if (typeof data !== 'object' || data === null || Array.isArray(data)) {
      throw inputError('bad-field', 'the file must hold a YAML mapping', { file, expected: 'key: value pairs', found: show(data) });
    }
    return new Fields(data as Record<string, unknown>, file, '');
  }

  at(key: string): string {
    return this.path ? `${this.path}.${key}` : key;
  }

  has(key: string): boolean {
    return this.data[key] !== undefined && this.data[key] !== null;
  }

  fail(key: string, expected: string, message = 'invalid value'): never {
    throw inputError('bad-field', message, { file: this.file, field: this.at(key), expected, found: show(this.data[key]) });
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

  num(key: string, o: { min?: number; above?: number; int?: boolean } = {}): number {
    const expected = `${o.int ? 'an integer' : 'a number'}${o.above !== undefined ? ` > ${o.above}` : o.min !== undefined ? ` >= ${o.min}` : ''}`;
    const v = this.required(key, expected);
    if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(key, expected);
    if (o.int && !Number.isInteger(v)) this.fail(key, expected);
    if (o.min !== undefined && v < o.min) this.fail(key, expected);
    if (o.above !== undefined && v <= o.above) this.fail(key, expected);
    return v;
  }

  optNum(key: string, o: { min?: number; above?: number; int?: boolean } = {}): number | undefined {
    return this.has(key) ? this.num(key, o) : undefined;
  }

  bool(key: string, fallback: boolean): boolean {
    if (!this.has(key)) return fallback;
    const v = this.data[key];
    if (typeof v !== 'boolean') this.fail(key, 'true or false');
    return v;
  }

  bytes(key: string): number {
    const v = parseBytes(this.required(key, 'a size such as 40GB'), { file: this.file, field: this.at(key) });
    if (v <= 0) this.fail(key, 'a size > 0');
    return v;
  }

  /** Bandwidth in bytes/s; `allowZero` for explicit "no link" overrides. */
  bandwidth(key: string, allowZero = false): number {
    const v = parseBandwidth(this.required(key, 'a bandwidth such as 10Gbps'), { file: this.file, field: this.at(key) });
    if (v <= 0 && !allowZero) this.fail(key, 'a bandwidth > 0 (use a link override with bandwidth 0 to remove a link)');
    return v;
  }

  duration(key: string): number {
    return parseDuration(this.required(key, 'a duration such as 5ms'), { file: this.file, field: this.at(key) });
  }

  obj(key: string): Fields {
    const v = this.required(key, 'a mapping');
    if (typeof v !== 'object' || Array.isArray(v)) this.fail(key, 'a mapping (key: value pairs)');
    return new Fields(v as Record<string, unknown>, this.file, this.at(key));
  }

  optObj(key: string): Fields | undefined {
    return this.has(key) ? this.obj(key) : undefined;
  }

  list(key: string): Fields[] {
    const v = this.required(key, 'a list');
    if (!Array.isArray(v)) this.fail(key, 'a list');
    return v.map((item, i) => {
      const path = `${this.at(key)}[${i}]`;
      if (typeof item !== 'object' || item === null || Array.isArray(item)) {
        throw inputError('bad-field', 'list entries must be mappings', { file: this.file, field: path, found: show(item) });
      }
      return new Fields(item as Record<string, unknown>, this.file, path);
    });
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
        throw inputError('unknown-field', `unknown field "${key}"`, { file: this.file, field: this.at(key), expected: `one of ${allowed.join(', ')}` });
      }
    }
    return this;
  }
}
