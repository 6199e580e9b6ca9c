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
    rmSync(tmp, { force: true });
    throw inputError('write-failed', `cannot write output file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, {
      file: path,
    });
  }
}
