// Output files are written whole or not at all: a temp file beside the target, then rename.

import { mkdirSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { inputError } from '../errors.js';

export function writeFileAtomic(path: string, content: string): void {
  let target = path;
  try {
    const existing = statOrNull(path);
    if (existing?.isDirectory()) {
      throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    }
    if (existing && !existing.isFile()) {
      // `-o /dev/stdout`, a FIFO a script reads from, a terminal: there is no file to replace, and
      // renaming over one would swap the device (or the link to it) for a plain file.
      writeFileSync(path, content);
      return;
    }
    // Through a symlink the rename must replace the file it points to, not the link.
    if (existing) target = realpathSync(path);
  } catch (e) {
    throw writeFailed(path, e);
  }

  const dir = dirname(target);
  const tmp = join(dir, `.${basename(target)}.${process.pid}.${Date.now()}.tmp`);
  try {
    makeFolders(dir);
    writeFileSync(tmp, content);
    renameSync(tmp, target);
  } catch (e) {
    // The temp file may not exist, or its folder may not be one (a parent that is a file): the
    // cleanup must not replace the error the user needs.
    try {
      rmSync(tmp, { force: true });
    } catch {
      /* nothing was written there */
    }
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

function writeFailed(path: string, e: unknown) {
  const err = e as NodeJS.ErrnoException;
  return inputError('write-failed', `cannot write output file: ${err.code ?? err.message}`, { file: path });
}
