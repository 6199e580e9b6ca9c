// Output files are written whole or not at all: a temp file beside each target, then rename.
// Several outputs of one command are all staged before any is renamed into place, so a failure
// leaves none of them changed; and `checkOutputPath` lets a command refuse a path it cannot
// write before a minute of planning rather than after.

import { accessSync, constants, lstatSync, mkdirSync, readlinkSync, realpathSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { inputError } from '../errors.js';

export interface OutputFile {
  readonly path: string;
  readonly content: string;
}

export function writeFileAtomic(path: string, content: string): void {
  writeFilesAtomic([{ path, content }]);
}

/**
 * The paths a write to `path` passes through, first to last: each symlink followed (a dangling
 * one's target included), as absolute paths with `..` resolved the way `path.resolve` does. It
 * stops at a link whose target is a name, not a path: /dev/stdout on a pipe ends at
 * /proc/self/fd/1 -> `pipe:[123]`, and the link itself is what can be opened.
 */
function linkChain(path: string): string[] {
  const chain = [resolve(path)];
  for (let hops = 0; hops < 32; hops++) {
    const p = chain[chain.length - 1];
    let link = false;
    try {
      link = lstatSync(p).isSymbolicLink();
    } catch {
      // Not there (or a parent is not a folder): a new file, or an error the write will name.
    }
    if (!link) break;
    const to = readlinkSync(p);
    if (/^(pipe|socket|anon_inode):/.test(to)) break;
    chain.push(resolve(dirname(p), to));
  }
  return chain;
}

/**
 * The file a write to `path` lands in: through symlinks (a dangling one too: its target is
 * created, the link kept), as an absolute path with `..` resolved the way `path.resolve` does
 * (so `missing/../x.json` is `./x.json`, as the early check saw it).
 */
export function writeTarget(path: string): string {
  const p = linkChain(path).at(-1)!;
  // The folder through its own links, so two spellings of one file compare equal.
  try {
    return join(realpathSync(dirname(p)), basename(p));
  } catch {
    return p;
  }
}

/** Writes every file or, when one cannot be written, none (each target keeps what it held). */
export function writeFilesAtomic(files: readonly OutputFile[]): void {
  const staged: { path: string; tmp: string; target: string }[] = [];
  // Written where they are, not staged: devices and FIFOs, and this process's own descriptors.
  const direct: { path: string; write: () => void }[] = [];
  const unstage = () => {
    for (const s of staged) {
      // The temp file may not exist, or its folder may not be one (a parent that is a file): the
      // cleanup must not replace the error the user needs.
      try {
        rmSync(s.tmp, { force: true });
      } catch {
        /* nothing was written there */
      }
    }
  };
  /** One step of the write; a failure leaves every target as it was and names `path`. */
  const attempt = <T>(path: string, step: () => T): T => {
    try {
      return step();
    } catch (e) {
      unstage();
      throw writeFailed(path, e);
    }
  };
  for (const f of files) {
    const fd = streamDescriptor(f.path);
    if (fd !== null) {
      direct.push({ path: f.path, write: () => writeAll(fd, f.content) });
      continue;
    }
    // Through a symlink the rename must replace the file it points to, not the link.
    const target = writeTarget(f.path);
    if (attempt(f.path, () => existingOutput(target)) === 'device') {
      direct.push({ path: f.path, write: () => writeFileSync(f.path, f.content) });
      continue;
    }
    const dir = dirname(target);
    const tmp = join(dir, `.${basename(target)}.${process.pid}.${Date.now()}.tmp`);
    staged.push({ path: f.path, tmp, target });
    attempt(f.path, () => {
      makeFolders(dir);
      writeFileSync(tmp, f.content);
    });
  }
  // Devices cannot be staged, so they are written before any file is renamed into place: a full
  // device then leaves every file as it was (written last, `-o /dev/full --svg x.svg` wrote x.svg).
  for (const d of direct) attempt(d.path, d.write);
  for (const s of staged) attempt(s.path, () => renameSync(s.tmp, s.target));
}

/**
 * The descriptor of this process an output path names (`/dev/stdout`, `/dev/fd/1`,
 * `/proc/self/fd/1`, or a link to one), or null. Such an output is written to the descriptor
 * itself: followed to a file (`> out.txt`), a rename would replace that file (and lose what `>>`
 * had kept); on a socket, the path cannot even be opened.
 */
function streamDescriptor(path: string): number | null {
  for (const p of linkChain(path)) {
    if (p === '/dev/stdout') return 1;
    if (p === '/dev/stderr') return 2;
    const m = /^\/(?:proc\/(self|\d+)\/fd|dev\/fd)\/(\d+)$/.exec(p);
    if (m && (m[1] === undefined || m[1] === 'self' || Number(m[1]) === process.pid)) return Number(m[2]);
  }
  return null;
}

/**
 * All of `content` to a descriptor. Standard output may be non-blocking (Node makes a socket so
 * once it has opened process.stdout), where a write past the buffer fails with EAGAIN: it is
 * retried after a moment while the reader catches up.
 */
function writeAll(fd: number, content: string): void {
  const bytes = Buffer.from(content);
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let at = 0; at < bytes.length; ) {
    try {
      at += writeSync(fd, bytes, at);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
      Atomics.wait(pause, 0, 0, 5);
    }
  }
}

/**
 * Throws the error `writeFilesAtomic` would give for a path it cannot write, without writing: a
 * folder, a path under a file, or a folder (the nearest one that exists) this user cannot write
 * to. Commands call it before their work, so a typo costs nothing.
 */
export function checkOutputPath(path: string): void {
  // This process's own stream is written as it is, whatever it leads to.
  if (streamDescriptor(path) !== null) return;
  try {
    const target = writeTarget(path);
    if (existingOutput(target) === 'device') {
      accessSync(target, constants.W_OK);
      return;
    }
    let dir = dirname(target);
    while (!statOrNull(dir) && dirname(dir) !== dir) dir = dirname(dir);
    if (!statSync(dir).isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
    accessSync(dir, constants.W_OK);
  } catch (e) {
    throw writeFailed(path, e);
  }
}

/**
 * What is at an output's target: nothing or a file (written by temp file and rename), or a device
 * (`-o /dev/stdout`, a FIFO a script reads from, a terminal), which has no file to replace and
 * is written in place: renaming over it would swap the device (or the link to it) for a plain
 * file. A folder throws EISDIR.
 */
function existingOutput(target: string): 'file' | 'device' {
  const existing = statOrNull(target);
  if (existing?.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
  return existing && !existing.isFile() ? 'device' : 'file';
}

/**
 * mkdir -p, one level at a time. Node's own recursive mkdir never returns under /proc (a missing
 * folder there comes back ENOENT however often it is made, and Node keeps retrying), so the
 * missing folders are found first and each made once: a failure is an error, not a hang.
 */
function makeFolders(dir: string): void {
  const missing: string[] = [];
  for (let d = dir; !statOrNull(d); d = dirname(d)) {
    missing.push(d);
    if (dirname(d) === d) break;
  }
  for (const d of missing.reverse()) mkdirSync(d);
}

function statOrNull(path: string): ReturnType<typeof statSync> | null {
  try {
    return statSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null; // created below, or reported there
    throw e;
  }
}

/** What each failure means to the person who typed the path; the code stays for searching. */
const REASONS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'it is a folder',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EEXIST: 'a part of the path is a file, not a folder',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  ENOENT: 'a folder on the path cannot be made',
  ENAMETOOLONG: 'the name is too long',
};

function writeFailed(path: string, e: unknown) {
  const err = e as NodeJS.ErrnoException;
  const reason = err.code && REASONS[err.code] ? `${REASONS[err.code]} (${err.code})` : (err.code ?? err.message);
  return inputError('write-failed', `cannot write output file: ${reason}`, { file: path, expected: 'a file path in a folder this user can write' });
}
