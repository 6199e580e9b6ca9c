// One scratch folder per test run, removed at the end. Tests (and the built CLI they spawn) make
// their temporary files under os.tmpdir(); pointing TMPDIR here before the workers fork keeps a
// run from leaving dozens of folders behind in the machine's /tmp on every run.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const scratch = mkdtempSync(join(tmpdir(), 'helix-test-run-'));
  const previous = process.env.TMPDIR;
  process.env.TMPDIR = scratch;
  return () => {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    rmSync(scratch, { recursive: true, force: true });
  };
}
