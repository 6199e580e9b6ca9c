// Options are declared once, as data with their parse functions; commander is only wiring.
// Every parse function throws a usage error naming the flag, so bad flags exit 2 with one line.

import { usageError } from '../errors.js';

export interface OptionSpec {
  /** Commander flags, e.g. `--time-limit <seconds>`. */
  readonly flags: string;
  readonly description: string;
  readonly parse?: (value: string, previous: unknown) => unknown;
  readonly defaultValue?: unknown;
  /**
   * The value may name a file the command reads, though its placeholder is not `<file>`
   * (`--compare <profile.yaml>`, `--workload <IN:OUT|file>`): no output may replace it.
   */
  readonly reads?: boolean;
}

export interface ArgumentSpec {
  readonly name: string;
  readonly description: string;
  readonly required: boolean;
  readonly variadic?: boolean;
  /** A word from a list (`schema cluster`), not a file: `-` does not read standard input. */
  readonly word?: boolean;
}

export function parsePositiveNumber(flag: string, max = Infinity) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n <= 0) {
      throw usageError('bad-option', `${flag} must be a positive number`, { found: JSON.stringify(value) });
    }
    if (n > max) throw usageError('bad-option', `${flag} must be at most ${max}`, { found: value.trim() });
    return n;
  };
}

export function parseNonNegativeNumber(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n < 0) {
      throw usageError('bad-option', `${flag} must be a number >= 0`, { found: JSON.stringify(value) });
    }
    return n;
  };
}

/** Whole numbers as people write them: `1000000` or `1e6` (not `1.5`, `-3` or `0x10`). */
const WHOLE = /^\d+(\.\d+)?(e\+?\d+)?$/i;

export function parsePositiveInt(flag: string, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    const n = Number(value);
    if (!WHOLE.test(value.trim()) || !Number.isInteger(n) || n <= 0) {
      throw usageError('bad-option', `${flag} must be a positive integer`, { found: JSON.stringify(value) });
    }
    // Past the safe range an integer is a typo whatever the limit, but say the limit.
    if (!Number.isSafeInteger(n)) throw usageError('bad-option', `${flag} must be at most ${max}`, { found: value.trim() });
    if (n > max) throw usageError('bad-option', `${flag} must be at most ${max}`, { found: value.trim() });
    return n;
  };
}

/** Seeds are 32-bit (the generators' state): a larger one would silently wrap onto a smaller one. */
export const MAX_SEED = 2 ** 32 - 1;

export function parseSeed(flag = '--seed') {
  const int = parseNonNegativeInt(flag);
  return (value: string): number => {
    const n = int(value);
    if (n > MAX_SEED) throw usageError('bad-option', `${flag} must be at most ${MAX_SEED} (seeds are 32-bit)`, { found: value.trim() });
    return n;
  };
}

export function parseNonNegativeInt(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!WHOLE.test(value.trim()) || !Number.isInteger(n)) {
      throw usageError('bad-option', `${flag} must be an integer >= 0`, { found: JSON.stringify(value) });
    }
    if (!Number.isSafeInteger(n)) throw usageError('bad-option', `${flag} is too large`, { found: value.trim() });
    return n;
  };
}

/** A fraction in [0, 1): relative gaps. */
export function parseFraction(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n >= 1) {
      throw usageError('bad-option', `${flag} must be a fraction in [0, 1), e.g. 0.01 for 1%`, { found: JSON.stringify(value) });
    }
    return n;
  };
}

export function parseChoice<T extends string>(flag: string, choices: readonly T[]) {
  return (value: string): T => {
    if (!(choices as readonly string[]).includes(value)) {
      throw usageError('bad-option', `${flag} must be one of ${choices.join(', ')}`, { found: JSON.stringify(value) });
    }
    return value as T;
  };
}

/** Repeatable flag: collects every occurrence into a list. */
export function collect(value: string, previous: unknown): string[] {
  return [...((previous as string[] | undefined) ?? []), value];
}

/** Flags every command takes: machine output, silence, colour. */
export const commonOptions: readonly OptionSpec[] = [
  { flags: '--json', description: 'print machine-readable JSON on stdout and nothing else' },
  { flags: '-q, --quiet', description: 'no progress or notes on stderr' },
  { flags: '--no-color', description: 'no colour (also off when NO_COLOR is set or stdout is not a terminal)' },
];

export interface CommonFlags {
  readonly json?: boolean;
  readonly quiet?: boolean;
  readonly color?: boolean;
}
