import { describe, expect, it } from 'vitest';
import { colorFor, statusLine, type Io } from '../../src/cli/io.js';
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

describe('statusLine', () => {
  const capture = (env: Record<string, string>, columns?: number) => {
    let text = '';
    const sink: Io = { out: () => {}, err: (t) => (text += t), stdoutIsTTY: true, stderrIsTTY: true, env, cwd: '/', ...(columns ? { stderrColumns: columns } : {}) };
    return { line: statusLine(sink), text: () => text };
  };

  it('is cut to the terminal width, so a redraw never wraps (each update left a line behind on narrow terminals)', () => {
    const s = capture({}, 20);
    s.line.show('  12.3s  annealing best 1,234 tokens/s predicted served');
    expect(s.text()).toBe('  12.3s  annealing…');
    expect([...s.text()].length).toBeLessThan(20);
    s.line.show('short');
    expect(s.text().endsWith('\r\u001b[2Kshort')).toBe(true);
  });

  it('prints log lines above itself and redraws, without blank lines; clears to nothing', () => {
    const s = capture({});
    s.line.show('progress 1');
    s.line.log('a log line');
    expect(s.text()).toBe('progress 1\r\u001b[2Ka log line\nprogress 1');
    s.line.clear();
    expect(s.text().endsWith('progress 1\r\u001b[2K')).toBe(true);
    s.line.clear();
    expect(s.text().endsWith('progress 1\r\u001b[2K')).toBe(true);
  });

  it('uses no escape codes where TERM=dumb: spaces erase the line', () => {
    const s = capture({ TERM: 'dumb' });
    s.line.show('abc');
    s.line.clear();
    expect(s.text()).toBe('abc\r   \r');
  });
});
