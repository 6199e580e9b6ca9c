import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { helix } from '../fixtures/cli.js';
import { loadLengths } from '../../src/sim/traces.js';

const tmp = mkdtempSync(join(tmpdir(), 'helix-workload-'));

describe('helix plan --workload (built binary)', () => {
  it('plans for the requests named, records them, and later commands judge the plan on them', () => {
    const file = join(tmp, 'code.json');
    const r = helix(['plan', 'clusters/tiny.yaml', '--workload', 'azure-code', '--time-limit', '10', '-o', file, '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    const plan = JSON.parse(readFileSync(file, 'utf8'));
    expect(plan.settings.objective).toBe('delivered');
    expect(plan.settings.workload).toBe('azure-code');
    // The prediction is for the trace's own mean lengths (long prompts, short answers).
    const code = loadLengths('azure-code');
    expect(plan.delivered.workload.input).toBeCloseTo(code.meanInput, 3);
    expect(plan.delivered.workload.output).toBeCloseTo(code.meanOutput, 3);
    expect(r.stdout).toMatch(/limited by \w+; azure-code requests \(mean 1379 in, 28 out\)/);
    // Beside a prediction in these requests' tokens, the max flow says whose tokens it counts.
    expect(r.stdout).toMatch(/^throughput +[\d,.]+ tokens\/s \(verified max flow, counted in the profiles' azure-conv requests\)$/m);
    // The model was fitted on azure-conv: the plan says how far to trust its figures here.
    expect(plan.stats.notes.filter((n: string) => /fitted on azure-conv requests/.test(n))).toHaveLength(1);
    // The saved plan reads back and validates.
    expect(helix(['validate', file, '--cluster', 'clusters/tiny.yaml']).code).toBe(0);
    // simulate takes the plan's own workload unless told otherwise.
    const sim = helix(['simulate', file, '-c', 'clusters/tiny.yaml', '--offline', '20', '--json']);
    expect(sim.code, sim.stderr).toBe(0);
    expect(JSON.parse(sim.stdout).workload).toMatch(/azure-code/);
    // --load is a share of that max flow, which under-loads a plan for short answers: said, with the share that fits.
    const light = helix(['simulate', file, '-c', 'clusters/tiny.yaml', '--load', '0.8', '-d', '30', '--until', '40']);
    expect(light.code, light.stderr).toBe(0);
    const loadNote = /note: --load 0\.8 offers ([\d,.]+) tokens\/s, ([\d.]+)% of the ([\d,.]+) the plan is predicted to serve: .* \(--load ([\d.]+) is about its predicted capacity\)/.exec(light.stderr);
    expect(loadNote, light.stderr).not.toBeNull();
    const num = (x: string) => Number(x.replace(/,/g, ''));
    expect(num(loadNote![1])).toBeCloseTo(0.8 * plan.throughput, 0);
    expect(num(loadNote![3])).toBeCloseTo(plan.delivered.throughput, 0);
    expect(Number(loadNote![4])).toBeGreaterThan(1);
    const conv = helix(['simulate', file, '-c', 'clusters/tiny.yaml', '--offline', '20', '--lengths', 'azure-conv', '--json']);
    expect(JSON.parse(conv.stdout).workload).toMatch(/azure-conv/);
    // Side by side with a plan made for other requests: one stream for both, and a warning saying whose.
    const other = join(tmp, 'conv.json');
    writeFileSync(other, helix(['plan', 'clusters/tiny.yaml', '-m', 'petals', '--json']).stdout);
    const both = helix(['simulate', file, other, '-c', 'clusters/tiny.yaml', '--compare', '--offline', '20']);
    expect(both.code, both.stderr).toBe(0);
    expect(both.stderr).toMatch(/warning: the plans were made for different requests \(azure-code, azure-conv\); every run uses the first plan's, azure-code/);
    const chosen = helix(['simulate', file, other, '-c', 'clusters/tiny.yaml', '--compare', '--offline', '20', '--lengths', 'azure-conv']);
    expect(chosen.stderr).not.toMatch(/different requests/);
  });

  it('takes fixed lengths as IN:OUT; without the flag the workload is azure-conv', () => {
    const fixed = helix(['plan', 'clusters/tiny.yaml', '-m', 'petals', '--workload', '1500:100', '--json']);
    expect(fixed.code, fixed.stderr).toBe(0);
    const plan = JSON.parse(fixed.stdout);
    expect(plan.settings.workload).toBe('1500:100');
    expect(plan.delivered.workload).toEqual({ input: 1500, output: 100 });
    const conv = JSON.parse(helix(['plan', 'clusters/tiny.yaml', '-m', 'petals', '--json']).stdout);
    const named = JSON.parse(helix(['plan', 'clusters/tiny.yaml', '-m', 'petals', '--workload', 'azure-conv', '--json']).stdout);
    expect(conv.settings.workload).toBe('azure-conv');
    expect(named.delivered).toEqual(conv.delivered);
    expect(conv.stats.notes.some((n: string) => /fitted on azure-conv/.test(n))).toBe(false);
    expect(plan.delivered.throughput).not.toBeCloseTo(conv.delivered.throughput, 0);
  });

  it('exits 2 naming what it accepts for an unknown workload, on the command line and in a plan file', () => {
    const r = helix(['plan', 'clusters/tiny.yaml', '--workload', 'chat']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown workload "chat".*azure-conv or azure-code.*IN:OUT/);
    const file = join(tmp, 'bad.json');
    const plan = JSON.parse(helix(['plan', 'clusters/tiny.yaml', '-m', 'petals', '--json']).stdout);
    writeFileSync(file, JSON.stringify({ ...plan, settings: { ...plan.settings, workload: 'chat' } }));
    const v = helix(['validate', file, '--cluster', 'clusters/tiny.yaml']);
    expect(v.code).toBe(2);
    expect(v.stderr).toMatch(/settings\.workload/);
  });

  it("exits 2 for fixed lengths longer than the model's context (the plan would record a prediction no request can have)", () => {
    // tiny serves llama1-30b, whose context is 2,048 tokens.
    for (const command of ['plan', 'compare']) {
      const r = helix([command, 'clusters/tiny.yaml', '-t', '1', '--workload', '2000:100']);
      expect(r.code, command).toBe(2);
      expect(r.stderr).toMatch(/--workload: 2000:100 is 2100 tokens a request, more than llama1-30b's context of 2048/);
      expect(r.stdout).toBe('');
    }
    expect(helix(['plan', 'clusters/tiny.yaml', '-m', 'petals', '--workload', '1948:100', '--json']).code).toBe(0);
    // A zero length is no request, and says so rather than "unknown workload".
    const zero = helix(['plan', 'clusters/tiny.yaml', '--workload', '0:100']);
    expect(zero.code).toBe(2);
    expect(zero.stderr).toMatch(/--workload 0:100: a request has at least 1 token in and 1 out/);
  });
});
