// Output files are written whole or not at all: a temp file beside each target, then rename.
// Several outputs of one command are all staged before any is renamed into place, so a failure
// leaves none of them changed; and `checkOutputPath` lets a command refuse a path it cannot
// write before a minute of planning rather than after.

import { accessSync, constants, mkdirSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { inputError } from '../errors.js';

export interface OutputFile {
  readonly path: string;
  readonly content: string;
}

export function writeFileAtomic(path: string, content: string): void {
  writeFilesAtomic([{ path, content }]);
}

/** Writes every file or, when one cannot be written, none (each target keeps what it held). */
export function writeFilesAtomic(files: readonly OutputFile[]): void {
  const staged: { path: string; tmp: string; target: string }[] = [];
  const inPlace: OutputFile[] = [];
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
  for (const f of files) {
    let target = f.path;
    try {
      const existing = statOrNull(f.path);
      if (existing?.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
      if (existing && !existing.isFile()) {
        // `-o /dev/stdout`, a FIFO a script reads from, a terminal: there is no file to replace, and
        // renaming over one would swap the device (or the link to it) for a plain file.
        inPlace.push(f);
        continue;
      }
      // Through a symlink the rename must replace the file it points to, not the link.
      if (existing) target = realpathSync(f.path);
    } catch (e) {
      unstage();
      throw writeFailed(f.path, e);
    }
    const dir = dirname(target);
    const tmp = join(dir, `.${basename(target)}.${process.pid}.${Date.now()}.tmp`);
    staged.push({ path: f.path, tmp, target });
    try {
      makeFolders(dir);
      writeFileSync(tmp, f.content);
    } catch (e) {
      unstage();
      throw writeFailed(f.path, e);
    }
  }
  for (const s of staged) {
    try {
      renameSync(s.tmp, s.target);
    } catch (e) {
      unstage();
      throw writeFailed(s.path, e);
    }
  }
  for (const f of inPlace) {
    try {
      writeFileSync(f.path, f.content);
    } catch (e) {
      throw writeFailed(f.path, e);
    }
  }
}

/**
 * Throws the error `writeFilesAtomic` would give for a path it cannot write, without writing: a
 * folder, a path under a file, or a folder (the nearest one that exists) this user cannot write
 * to. Commands call it before their work, so a typo costs nothing.
 */
export function checkOutputPath(path: string): void {
  try {
    const existing = statOrNull(path);
    if (existing?.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    if (existing && !existing.isFile()) {
      accessSync(path, constants.W_OK);
      return;
    }
    const target = existing ? realpathSync(path) : resolve(path);
    let dir = dirname(target);
    while (!statOrNull(dir) && dirname(dir) !== dir) dir = dirname(dir);
    if (!statSync(dir).isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
    accessSync(dir, constants.W_OK);
  } catch (e) {
    throw writeFailed(path, e);
  }
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
