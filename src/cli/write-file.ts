// Output files are written whole or not at all: a temp file beside the target, then rename.

import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { inputError } from '../errors.js';

export function writeFileAtomic(path: string, content: string): void {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(tmp, content);
    renameSync(tmp, path);
  } catch (e) {
    // The temp file may not exist, or its folder may not be one (a parent that is a file): the
    // cleanup must not replace the error the user needs.
    try {
      rmSync(tmp, { force: true });
    } catch {
      /* nothing was written there */
    }
    throw inputError('write-failed', `cannot write output file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, {
      file: path,
    });
  }
}
