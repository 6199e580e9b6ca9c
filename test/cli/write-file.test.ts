import { describe, expect, it } from 'vitest';
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '../../src/cli/write-file.js';
import { HelixError } from '../../src/errors.js';

const tmp = mkdtempSync(join(tmpdir(), 'helix-write-'));

describe('writeFileAtomic', () => {
  it('writes the whole file and leaves no temp file behind', () => {
    const path = join(tmp, 'sub', 'plan.json');
    writeFileAtomic(path, '{"a":1}\n');
    expect(readFileSync(path, 'utf8')).toBe('{"a":1}\n');
    expect(readdirSync(join(tmp, 'sub'))).toEqual(['plan.json']);
  });

  it('makes missing folders several levels deep', () => {
    const path = join(tmp, 'a', 'b', 'c', 'plan.json');
    writeFileAtomic(path, '{}');
    expect(readFileSync(path, 'utf8')).toBe('{}');
  });

  // Node's recursive mkdir loops for ever on a missing folder under /proc; ours reports it.
  it.runIf(statSync('/proc/self', { throwIfNoEntry: false }) !== undefined)('reports a folder it cannot make under /proc instead of hanging', () => {
    expect(() => writeFileAtomic('/proc/helix-no-such/plan.json', '{}')).toThrow(/cannot write output file: ENOENT/);
  });

  it('reports a parent that is a file as an input error naming the file, not as its own cleanup failure', () => {
    const file = join(tmp, 'not-a-dir');
    writeFileSync(file, 'x');
    const target = join(file, 'plan.json');
    let caught: unknown;
    try {
      writeFileAtomic(target, '{}');
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(HelixError);
    const e = caught as HelixError;
    expect(e.kind).toBe('input');
    expect(e.code).toBe('write-failed');
    expect(e.message).toMatch(/ENOTDIR|EEXIST/);
    expect(e.details.file).toBe(target);
  });

  it('writes through a symlink to the file it points to and keeps the link', () => {
    const real = join(tmp, 'real.json');
    const link = join(tmp, 'link.json');
    writeFileSync(real, 'old');
    symlinkSync(real, link);
    writeFileAtomic(link, 'new');
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(real, 'utf8')).toBe('new');
  });

  it('writes into a device in place rather than renaming a file over it (-o /dev/null, /dev/stdout)', () => {
    writeFileAtomic('/dev/null', 'discarded');
    expect(statSync('/dev/null').isCharacterDevice()).toBe(true);
  });

  it('refuses a directory as the output file', () => {
    const dir = join(tmp, 'a-dir');
    mkdirSync(dir);
    expect(() => writeFileAtomic(dir, '{}')).toThrow(/cannot write output file: EISDIR/);
    expect(readdirSync(dir)).toEqual([]);
  });
});
