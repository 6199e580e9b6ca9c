// Standard output that fails: a reader that goes away (EPIPE) must not turn a valid plan into
// exit 1 with a stack trace, and a full disk must be an error, not silence.
import { describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, openSync, closeSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { helix, repoRoot } from '../fixtures/cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'helix-stdout-'));
const bin = join(repoRoot, 'bin', 'helix.js');

function petalsPlan(): string {
  const r = helix(['plan', 'clusters/tiny.yaml', '-m', 'petals', '--json']);
  expect(r.code, r.stderr).toBe(0);
  const file = join(tmp, 'petals.json');
  writeFileSync(file, r.stdout);
  return file;
}

describe('standard output that cannot be written', () => {
  it('a reader that closes early: the command still ends with its own exit code and no trace', async () => {
    const plan = petalsPlan();
    const child = spawn(process.execPath, [bin, 'validate', plan, plan, plan, '-c', 'clusters/tiny.yaml'], { cwd: repoRoot, env: { ...process.env, NO_COLOR: '1' } });
    // Closed before the command writes anything (it loads the cluster first): every write fails with EPIPE.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).not.toMatch(/EPIPE|Unhandled|at .*\.js:\d+/);
    expect(code).toBe(0);
  });

  it('a full disk (/dev/full): exit 2 and one line saying the output was not written', () => {
    const plan = petalsPlan();
    const fd = openSync('/dev/full', 'w');
    try {
      const r = spawnSync(process.execPath, [bin, 'validate', plan, '-c', 'clusters/tiny.yaml'], { cwd: repoRoot, stdio: ['ignore', fd, 'pipe'], encoding: 'utf8' });
      expect(r.status).toBe(2);
      expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^helix: cannot write to standard output \(.*no space left on device/i)]);
    } finally {
      closeSync(fd);
    }
  });
});
