// Where the worker threads of this folder find their scripts: the compiled sibling `.js` file. Under
// a test runner that loads the TypeScript sources there is none, and callers fall back to running
// everything on their own thread.

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The URL of `name` (e.g. `search-worker.js`) beside this module, or null where it does not exist. */
export function workerScript(name: string): URL | null {
  const url = new URL(`./${name}`, import.meta.url);
  return url.protocol === 'file:' && existsSync(fileURLToPath(url)) ? url : null;
}
