import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { helix, repoRoot } from '../fixtures/cli.js';

const bin = join(repoRoot, 'bin', 'helix.js');
const tinySpec = readFileSync(join(repoRoot, 'clusters', 'tiny.yaml'), 'utf8');

describe('"-" reads an input from standard input (built binary)', () => {
  it('validates a plan piped from helix plan, as a CI step would', () => {
    // A real pipe: the reader starts before the planner has written anything.
    const r = spawnSync('sh', ['-c', `"${process.execPath}" "${bin}" plan clusters/tiny.yaml -t 2 --json | "${process.execPath}" "${bin}" validate - -c clusters/tiny.yaml`], {
      cwd: repoRoot,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^valid\s+stdin\s+\d+ tokens\/s of flow \(the placement's max flow \d+\)/);
  });

  it('plans a spec given on standard input, its relative paths taken from the working folder', () => {
    const r = helix(['plan', '-', '-t', '2', '--json'], { input: tinySpec, cwd: join(repoRoot, 'clusters') });
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.stdout);
    expect(plan.cluster.name).toBe('tiny');
    expect(plan.throughput).toBeGreaterThan(0);
    // The same spec from the repository root: its `../profiles/...` points nowhere from there.
    const elsewhere = helix(['plan', '-', '-t', '2'], { input: tinySpec });
    expect(elsewhere.code).toBe(2);
    expect(elsewhere.stderr).toMatch(/^helix: stdin: profiles: profile folder not found: .*relative to the working folder/);
  });

  it('names the plan stdin in tables and "-" in JSON, as the arguments did', () => {
    const plan = helix(['plan', 'clusters/tiny.yaml', '-t', '2', '--json']).stdout;
    const text = helix(['simulate', '-', '-c', 'clusters/tiny.yaml', '--offline', '20', '--quiet'], { input: plan });
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^Simulated stdin: iwrr routing/);
    const json = helix(['simulate', '-', '-c', 'clusters/tiny.yaml', '--offline', '20', '--json'], { input: plan });
    expect(JSON.parse(json.stdout).plan).toBe('-');
    const valid = helix(['validate', '-', '-c', 'clusters/tiny.yaml', '--json'], { input: plan });
    expect(JSON.parse(valid.stdout)[0].file).toBe('-');
  });

  it('names stdin in errors about what came on it', () => {
    const r = helix(['validate', '-', '-c', 'clusters/tiny.yaml'], { input: '{"formatVersion": 1' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^helix: stdin: plan is not valid JSON/);
  });

  it('refuses "-" twice, and as a file to write', () => {
    const twice = helix(['diff', '-', '-'], { input: '{}' });
    expect(twice.code).toBe(2);
    expect(twice.stderr).toMatch(/standard input \("-"\) can be read only once, but 2 inputs name it/);
    const both = helix(['validate', '-', '-c', '-'], { input: '{}' });
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/can be read only once/);
    const output = helix(['plan', 'clusters/tiny.yaml', '-t', '2', '-o', '-']);
    expect(output.code).toBe(2);
    expect(output.stderr).toMatch(/--output needs a file to write; "-" is standard input here \(expected a file name \(--json writes to standard output\)\)/);
  });
});
