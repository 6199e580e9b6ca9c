// Units written the way people write them, parsed strictly. Bits vs bytes matter (10Gbps is
// 1.25 GB/s), and SI vs binary prefixes too (40GB vs 40GiB), so both are spelled out.

import { inputError } from '../errors.js';

export interface Where {
  readonly file?: string;
  readonly field?: string;
}

const SI: Record<string, number> = { '': 1, k: 1e3, K: 1e3, M: 1e6, G: 1e9, T: 1e12 };
const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 };

function fail(what: string, value: unknown, where: Where): never {
  throw inputError('bad-unit', `not a valid ${what}`, { ...where, expected: examples[what] ?? what, found: JSON.stringify(value) });
}

const examples: Record<string, string> = {
  size: 'a size such as 40GB, 40GiB or 512MiB',
  bandwidth: 'a bandwidth such as 10Gbps, 1.25 GB/s or 12.5MB/s',
  duration: 'a duration such as 5ms, 50us or 1s',
};

/**
 * A number and its unit. A number without one is refused unless it is 0: `latency: 1` could mean
 * a second or a millisecond, and `bandwidth: 10` bits or bytes, and a guess would only show up
 * later as a plan a thousand times off.
 */
function split(value: unknown, what: string, where: Where): [number, string] {
  let n: number;
  let unit: string;
  if (typeof value === 'number') [n, unit] = [value, ''];
  else {
    if (typeof value !== 'string') fail(what, value, where);
    const m = /^\s*(\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)\s*([A-Za-zµ/]*)\s*$/.exec(value);
    if (!m) fail(what, value, where);
    [n, unit] = [Number(m[1]), m[2]];
  }
  // "1e400" matches the pattern and is Infinity.
  if (!Number.isFinite(n) || n < 0) fail(what, value, where);
  // Only a literal zero: `1e-400` and `0e0` read as 0 too, but no one writes a unitless zero so.
  if (unit === '' && !(value === 0 || (typeof value === 'string' && /^\s*0+(\.0+)?\s*$/.test(value)))) {
    throw inputError('bad-unit', `${JSON.stringify(value)} has no unit`, { ...where, expected: `${examples[what]} (only 0 may be written without one)`, found: JSON.stringify(value) });
  }
  return [n, unit];
}

/** The value in base units, refused when the prefix overflows it ("1e300TB/s"). */
function finite(n: number, what: string, value: unknown, where: Where): number {
  if (!Number.isFinite(n)) fail(what, value, where);
  return n;
}

function prefixFactor(prefix: string): number | undefined {
  return BINARY[prefix] ?? SI[prefix];
}

/** Bytes: `40GB` = 40e9, `40GiB` = 40 * 2^30, `512B` bytes. */
export function parseBytes(value: unknown, where: Where = {}): number {
  const [n, unit] = split(value, 'size', where);
  if (unit === '') return n;
  const m = /^(Ki|Mi|Gi|Ti|[kKMGT]?)B$/.exec(unit);
  if (!m) fail('size', value, where);
  return finite(n * prefixFactor(m[1])!, 'size', value, where);
}

/** Bytes per second: `10Gbps` / `10 Gbit/s` are bits, `1.25 GB/s` / `1.25GBps` are bytes. */
export function parseBandwidth(value: unknown, where: Where = {}): number {
  const [n, unit] = split(value, 'bandwidth', where);
  if (unit === '') return n;
  const bits = /^(Ki|Mi|Gi|Ti|[kKMGT]?)(?:bps|bit\/s|b\/s)$/.exec(unit);
  if (bits) return finite((n * prefixFactor(bits[1])!) / 8, 'bandwidth', value, where);
  const bytes = /^(Ki|Mi|Gi|Ti|[kKMGT]?)(?:B\/s|Bps)$/.exec(unit);
  if (bytes) return finite(n * prefixFactor(bytes[1])!, 'bandwidth', value, where);
  fail('bandwidth', value, where);
}

/** Seconds: `5ms`, `50us`, `1s`, `2min`. */
export function parseDuration(value: unknown, where: Where = {}): number {
  const [n, unit] = split(value, 'duration', where);
  const factor: Record<string, number> = { '': 1, s: 1, ms: 1e-3, us: 1e-6, µs: 1e-6, ns: 1e-9, min: 60 };
  if (!(unit in factor)) fail('duration', value, where);
  return finite(n * factor[unit], 'duration', value, where);
}
