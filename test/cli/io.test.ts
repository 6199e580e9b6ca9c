import { describe, expect, it } from 'vitest';
import { colorFor, type Io } from '../../src/cli/io.js';
import { parseSeed } from '../../src/cli/options.js';
import { HelixError } from '../../src/errors.js';

const io = (tty: boolean, env: Record<string, string>): Io => ({ out: () => {}, err: () => {}, stdoutIsTTY: tty, stderrIsTTY: tty, env, cwd: '/' });
const coloured = (tty: boolean, env: Record<string, string>, flag?: boolean) => colorFor(io(tty, env), flag).level > 0;

describe('colorFor', () => {
  it('follows --no-color, NO_COLOR, FORCE_COLOR, then the terminal, strongest first', () => {
    expect(coloured(true, {})).toBe(true);
    expect(coloured(false, {})).toBe(false);
    expect(coloured(true, { TERM: 'dumb' })).toBe(false);
    expect(coloured(false, { FORCE_COLOR: '1' })).toBe(true);
    expect(coloured(true, { FORCE_COLOR: '0' })).toBe(false);
    expect(coloured(true, { FORCE_COLOR: 'false' })).toBe(false);
    expect(coloured(true, { FORCE_COLOR: '' })).toBe(true); // empty means unset
    expect(coloured(false, { FORCE_COLOR: '1', NO_COLOR: '1' })).toBe(false);
    expect(coloured(true, { NO_COLOR: '' })).toBe(true);
    expect(coloured(false, { FORCE_COLOR: '1' }, false)).toBe(false);
  });
});

describe('parseSeed', () => {
  it('takes 32-bit seeds and refuses larger ones, which would wrap onto smaller ones', () => {
    expect(parseSeed()('4294967295')).toBe(4294967295);
    expect(() => parseSeed()('4294967296')).toThrow(HelixError);
    expect(() => parseSeed()('-1')).toThrow(/--seed must be an integer >= 0/);
  });
});
