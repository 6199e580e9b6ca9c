import { describe, expect, it } from 'vitest';
import { closeSync, lstatSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkOutputPath, writeFileAtomic, writeFilesAtomic } from '../../src/cli/write-file.js';
import { HelixError } from '../../src/errors.js';
import { helix, repoRoot } from '../fixtures/cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'helix-write-'));

describe('writeFileAtomic', () => {
  it('-o /dev/stdout writes in place when stdout is a pipe (it ends at /proc/self/fd/1 -> pipe:[N], not a path)', () => {
    const plan = join(mkdtempSync(join(tmpdir(), 'helix-stdout-')), 'petals.json');
    writeFileSync(plan, helix(['plan', 'clusters/tiny.yaml', '-m', 'petals', '--json']).stdout);
    // The test runner's pipes are sockets, which /proc/self/fd/1 cannot open (ENXIO); a shell's
    // `| head` is a FIFO. Both are written.
    const r = helix(['render', plan, '-o', '/dev/stdout']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^<svg[\s\S]*<\/svg>\n$/);
  });

  it('-o /dev/stdout with stdout sent to a file (>>) appends there, after what the file held, and keeps the table', () => {
    const dir = mkdtempSync(join(tmpdir(), 'helix-stdout-file-'));
    const log = join(dir, 'log.txt');
    writeFileSync(log, 'earlier line\n');
    // A shell's `>> log.txt`: stdout is the file, opened to append. Followed to the file and
    // renamed over, the earlier line and the table were lost.
    const fd = openSync(log, 'a');
    const r = spawnSync(process.execPath, [join(repoRoot, 'bin', 'helix.js'), 'plan', 'clusters/tiny.yaml', '-m', 'petals', '-o', '/dev/stdout', '-q'], { cwd: repoRoot, stdio: ['ignore', fd, 'pipe'], encoding: 'utf8' });
    closeSync(fd);
    expect(r.status, r.stderr).toBe(0);
    const text = readFileSync(log, 'utf8');
    expect(text.startsWith('earlier line\n{\n  "formatVersion": 1')).toBe(true);
    expect(text).toMatch(/Plan for tiny/);
  });

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
    expect(() => writeFileAtomic('/proc/helix-no-such/plan.json', '{}')).toThrow(/cannot write output file: a folder on the path cannot be made \(ENOENT\)/);
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
    expect(() => writeFileAtomic(dir, '{}')).toThrow(/cannot write output file: it is a folder \(EISDIR\)/);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('writeFilesAtomic: all or none', () => {
  it('leaves every target as it was when one of them cannot be written, and no temp file behind', () => {
    const dir = join(tmp, 'both');
    mkdirSync(dir);
    const plan = join(dir, 'plan.json');
    writeFileSync(plan, 'plan in force');
    writeFileSync(join(dir, 'file'), 'x');
    expect(() => writeFilesAtomic([{ path: plan, content: 'new plan' }, { path: join(dir, 'file', 'plan.svg'), content: '<svg/>' }])).toThrow(/plan\.svg|not a folder/);
    expect(readFileSync(plan, 'utf8')).toBe('plan in force');
    expect(readdirSync(dir).sort()).toEqual(['file', 'plan.json']);
  });

  it('writes them all when all can be written', () => {
    const a = join(tmp, 'all', 'a.json');
    const b = join(tmp, 'all', 'deeper', 'b.svg');
    writeFilesAtomic([{ path: a, content: 'A' }, { path: b, content: 'B' }]);
    expect([readFileSync(a, 'utf8'), readFileSync(b, 'utf8')]).toEqual(['A', 'B']);
  });
});

describe('where a write lands', () => {
  it('through a dangling symlink: the file it points to is created and the link kept', () => {
    const dir = join(tmp, 'dangling');
    mkdirSync(dir);
    const link = join(dir, 'plan.json');
    symlinkSync(join(dir, 'later', 'real.json'), link);
    writeFileAtomic(link, 'x');
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(dir, 'later', 'real.json'), 'utf8')).toBe('x');
  });

  it("'missing/../x.json' is ./x.json, as the early check sees it (it made 'missing' and then failed)", () => {
    const dir = join(tmp, 'dotdot');
    mkdirSync(dir);
    writeFileAtomic(join(dir, 'missing', '..', 'x.json'), 'y');
    expect(readdirSync(dir)).toEqual(['x.json']);
  });

  it('a device that cannot be written leaves the files beside it unwritten (devices go first)', () => {
    const dir = join(tmp, 'device');
    mkdirSync(dir);
    expect(() => writeFilesAtomic([{ path: join(dir, 'plan.svg'), content: '<svg/>' }, { path: '/dev/full', content: 'x' }])).toThrow(/no space left/);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('checkOutputPath: refuses before any work what a write would refuse after it', () => {
  it('a folder, and a path under a file, naming the path and the reason; writes nothing', () => {
    const dir = join(tmp, 'check');
    mkdirSync(dir);
    writeFileSync(join(dir, 'file'), 'x');
    for (const [path, reason] of [
      [dir, /it is a folder \(EISDIR\)/],
      [join(dir, 'file', 'plan.json'), /not a folder \(ENOTDIR\)/],
      [join(dir, 'file', 'more', 'plan.json'), /not a folder \(ENOTDIR\)/],
    ] as const) {
      let caught: unknown;
      try {
        checkOutputPath(path);
      } catch (e) {
        caught = e;
      }
      expect(caught, path).toBeInstanceOf(HelixError);
      expect((caught as HelixError).message).toMatch(reason);
      expect((caught as HelixError).details.file).toBe(path);
    }
    expect(readdirSync(dir)).toEqual(['file']);
  });

  it('accepts new files in folders still to be made, existing files, and devices', () => {
    expect(() => checkOutputPath(join(tmp, 'not', 'yet', 'made.json'))).not.toThrow();
    writeFileSync(join(tmp, 'exists.json'), '{}');
    expect(() => checkOutputPath(join(tmp, 'exists.json'))).not.toThrow();
    expect(() => checkOutputPath('/dev/null')).not.toThrow();
    expect(statSync(join(tmp, 'not'), { throwIfNoEntry: false })).toBeUndefined();
  });
});
