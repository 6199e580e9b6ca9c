import { describe, expect, it } from 'vitest';
import { linkSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { helixAsync, repoRoot } from '../fixtures/cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'helix-plan-'));

describe('helix plan (built binary)', () => {
  it('prints only JSON on stdout with --json, and the plan validates', async () => {
    const t0 = performance.now();
    const r = await helixAsync(['plan', 'clusters/tiny.yaml', '--json', '--time-limit', '20']);
    const seconds = (performance.now() - t0) / 1000;
    expect(r.code, r.stderr).toBe(0);
    const plan = JSON.parse(r.stdout);
    expect(plan.formatVersion).toBe(1);
    // The whole planning run, not the winning candidate's share of it (Node's start-up aside).
    expect(plan.stats.wallTimeSec).toBeGreaterThan(0.5 * seconds - 0.5);
    expect(plan.throughput).toBeGreaterThan(0);
    expect(plan.bound.value).toBeGreaterThanOrEqual(plan.throughput);
    // The confirming run that chose the plan is kept beside the model's figure.
    expect(plan.delivered.simulated.throughput).toBeGreaterThan(0);
    expect(plan.delivered.simulated.requests).toBeGreaterThanOrEqual(1);
    expect(plan.delivered.simulated.window).toEqual({ startSec: 200, endSec: 800 });
    // A delivered run's status is the run's, not its winning candidate's (tiny's searches stall in seconds).
    expect(plan.status).toBe(plan.stats.wallTimeSec < 18 ? 'stalled' : 'time-limit');
    expect(r.stderr).toBe('');
    const file = join(tmp, 'tiny.json');
    writeFileSync(file, r.stdout);
    const v = await helixAsync(['validate', file, '--cluster', 'clusters/tiny.yaml', '--json']);
    expect(v.code, v.stderr).toBe(0);
    expect(JSON.parse(v.stdout)[0].valid).toBe(true);
  });

  it('writes the plan file atomically with -o and prints tables without colour off a TTY', async () => {
    const file = join(tmp, 'out', 'plan.json');
    const r = await helixAsync(['plan', 'clusters/tiny.yaml', '-o', file, '--time-limit', '20']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/throughput/);
    expect(r.stdout).toMatch(/\nsimulated +[\d,.]+ tokens\/s, p95 TPOT [\d,]+ ms: the short simulation that chose this plan \(\d+ requests at once, measured over 200-800 s\)/);
    expect(r.stdout).not.toMatch(/\u001b\[/);
    expect(JSON.parse(readFileSync(file, 'utf8')).cluster.name).toBeTruthy();
    expect(readdirSync(join(tmp, 'out')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('an unmeetable depth control: exit 1 at once, the reason on stderr, and the objective asked for recorded', async () => {
    const r = await helixAsync(['plan', 'clusters/tiny.yaml', '--max-stages', '1', '--json']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--max-stages 1 is below the fewest stages any path can have/);
    const plan = JSON.parse(r.stdout);
    expect(plan.throughput).toBe(0);
    // Nothing was planned for max flow instead, so the plan must not say it was.
    expect(plan.settings.objective).toBe('delivered');
  });

  it('exits 2 with one line naming the file for a missing cluster file', async () => {
    const r = await helixAsync(['plan', 'clusters/nope.yaml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/nope\.yaml/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
  });

  it('exits 2 for a bad flag value, naming the flag', async () => {
    const r = await helixAsync(['plan', 'clusters/tiny.yaml', '--gap', '2']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--gap/);
  });

  it('refuses flags the chosen method would ignore, and an empty output path (exit 2)', async () => {
    const cases: [string[], RegExp][] = [
      [['-m', 'petals', '--max-stages', '2'], /--max-stages applies to the planner/],
      [['-m', 'swarm', '--min-layers', '20'], /--min-layers applies to the planner/],
      [['--by', 'region'], /--by groups nodes for --method separate only/],
      [['--objective', 'maxflow', '--threads', '2'], /--threads sets the searches of --objective delivered/],
      [['-m', 'petals', '--threads', '2'], /--threads applies to the planner/],
      [['-m', 'petals', '--partial-inference'], /--partial-inference applies to the planner/],
      [['--threads', '65'], /--threads must be at most 64/],
      [['-o', ''], /--output needs a path/],
      // Typed flags with defaults that a baseline would record and ignore.
      [['-m', 'swarm', '--objective', 'maxflow'], /--objective applies to the planner/],
      [['-m', 'petals', '--solver', 'highs'], /--solver applies to the planner/],
      [['-m', 'petals', '--gap', '0.1'], /--gap applies to the planner/],
      [['--stall-within', '0.5'], /--stall-within says when --stall starts counting/],
      // The delivered search ends its own runs and scores every link: these reached only its max-flow sub-runs.
      [['--stall', '1'], /--stall stops the max-flow search .* --objective delivered ends its searches on its own/],
      [['--keep-links', '2'], /--keep-links prunes the links the max-flow search sees; --objective delivered scores layouts on every link/],
    ];
    for (const [flags, message] of cases) {
      const r = await helixAsync(['plan', 'clusters/tiny.yaml', '-t', '1', ...flags]);
      expect(r.code, flags.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stdout).toBe('');
    }
    // A baseline records no depth controls it did not apply.
    const b = JSON.parse((await helixAsync(['plan', 'clusters/tiny.yaml', '-m', 'petals', '--json'])).stdout);
    expect([b.settings.maxStages, b.settings.minLayers, b.settings.keepLinks]).toEqual([null, null, null]);
  });

  it('a baseline placement whose routing leaves a node of its flows out still verifies (the tables follow a balanced flow)', async () => {
    // Two regions of A100s behind a 1 kB/s coordinator: petals' solver flow used b-2, the routing
    // tables' balanced flow did not, and the plan once failed its own verification (exit 1).
    const spec = join(tmp, 'slow-coordinator.yaml');
    writeFileSync(spec, `name: slow\nmodel: llama1-30b\nprofiles: ${join(repoRoot, 'profiles', 'helix-set-a')}\ncoordinator: { region: r1, bandwidth: 1kB/s, latency: 1ms }\nnetwork:\n  default: { bandwidth: 1GB/s, latency: 30ms }\n  regions: { r1: { bandwidth: 1GB/s, latency: 1ms }, r2: { bandwidth: 1GB/s, latency: 1ms } }\nnodes:\n  - { name: a, gpu: A100-40G, count: 4, region: r1 }\n  - { name: b, gpu: A100-40G, count: 4, region: r2 }\n`);
    for (const method of ['petals', 'homogeneous']) {
      const r = await helixAsync(['plan', spec, '-m', method, '--json']);
      expect(r.code, `${method}: ${r.stderr}`).toBe(0);
    }
  });

  it('links far faster than any node: the plan verifies (a 1e12 GB/s network once failed conservation by a token/s)', async () => {
    const file = join(tmp, 'fast-links.yaml');
    const tiny = readFileSync(join(repoRoot, 'clusters', 'tiny.yaml'), 'utf8').replace('../profiles', join(repoRoot, 'profiles'));
    for (const bandwidth of ['1e12GB/s', '1e30GB/s']) {
      writeFileSync(file, tiny.replace('default: { bandwidth: 1GB/s', `default: { bandwidth: ${bandwidth}`));
      const r = await helixAsync(['plan', file, '--objective', 'maxflow', '-t', '2', '--json']);
      expect(r.code, `${bandwidth}: ${r.stderr}`).toBe(0);
      expect(JSON.parse(r.stdout).throughput).toBeGreaterThan(0);
    }
  });

  it('refuses an output it cannot write before planning, and writes neither output then', async () => {
    const dir = mkdtempSync(join(tmp, 'outputs-'));
    writeFileSync(join(dir, 'file'), 'x');
    // The output is checked first: the missing cluster below is never read.
    const early = await helixAsync(['plan', join(dir, 'no-such-cluster.yaml'), '-o', join(dir, 'file', 'plan.json')]);
    expect(early.code).toBe(2);
    expect(early.stderr).toMatch(/file\/plan\.json: cannot write output file: a part of the path is a file, not a folder \(ENOTDIR\)/);
    const both = await helixAsync(['plan', 'clusters/tiny.yaml', '-m', 'petals', '-o', join(dir, 'plan.json'), '--svg', dir]);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/cannot write output file: it is a folder/);
    expect(readdirSync(dir)).toEqual(['file']);
    const same = await helixAsync(['plan', 'clusters/tiny.yaml', '-m', 'petals', '-o', join(dir, 'x'), '--svg', join(dir, 'x')]);
    expect(same.code).toBe(2);
    expect(same.stderr).toMatch(/--output and --svg name the same file/);
    // The same file through a symlink, or a hard link, is the same file too.
    symlinkSync(join(dir, 'file'), join(dir, 'soft'));
    linkSync(join(dir, 'file'), join(dir, 'hard'));
    for (const other of ['soft', 'hard']) {
      const r = await helixAsync(['plan', 'clusters/tiny.yaml', '-m', 'petals', '-o', join(dir, other), '--svg', join(dir, 'file')]);
      expect(r.code, other).toBe(2);
      expect(r.stderr).toMatch(/name the same file/);
    }
    expect(readFileSync(join(dir, 'file'), 'utf8')).toBe('x');
    // Nor may an output replace an input: the cluster spec, or a plan another command reads.
    const spec = join(dir, 'spec.yaml');
    writeFileSync(spec, readFileSync('clusters/tiny.yaml', 'utf8').replace('../profiles', join(repoRoot, 'profiles')));
    symlinkSync(spec, join(dir, 'spec-link.yaml'));
    for (const args of [['plan', spec, '-o', spec], ['plan', join(dir, 'spec-link.yaml'), '-m', 'petals', '--svg', spec]]) {
      const r = await helixAsync(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/names the input cluster file .*writing there would replace it/);
    }
    const planFile = join(dir, 'p.json');
    expect((await helixAsync(['plan', spec, '-m', 'petals', '-o', planFile])).code).toBe(0);
    const before = readFileSync(planFile, 'utf8');
    for (const args of [['render', planFile, '-o', planFile], ['schedule', planFile, '-c', spec, '-o', spec]]) {
      const r = await helixAsync(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/--output names the input (plan file|file of --cluster)/);
    }
    expect(readFileSync(planFile, 'utf8')).toBe(before);
    expect(readFileSync(spec, 'utf8')).toMatch(/^# /);
    // replan may update the plan in force where it lies.
    const again = await helixAsync(['replan', planFile, '-c', spec, '-t', '1', '-o', planFile]);
    expect(again.stderr).not.toMatch(/names the input/);
  });

  it('exits 2 for malformed YAML, naming the file', async () => {
    const file = join(tmp, 'bad.yaml');
    writeFileSync(file, 'name: [unclosed\nnodes:\n  - {gpu: A100');
    const r = await helixAsync(['plan', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.yaml/);
  });
});

describe('helix validate (built binary)', () => {
  it('exits 1 with reasons for a tampered plan', async () => {
    const r = await helixAsync(['plan', 'clusters/tiny.yaml', '--json', '--time-limit', '20']);
    const plan = JSON.parse(r.stdout);
    const used = plan.nodes.find((n: any) => n.start !== null && n.end - n.start >= 1);
    used.end = plan.cluster.layers + 5;
    const file = join(tmp, 'tampered.json');
    writeFileSync(file, JSON.stringify(plan));
    const v = await helixAsync(['validate', file, '--cluster', 'clusters/tiny.yaml']);
    expect(v.code).toBe(1);
    expect(v.stdout).toMatch(/INVALID/);
    expect(v.stdout).toMatch(/nodes\[\d+\]/);
  });

  it('exits 1 for a plan that carries no flow (a CI gate must not pass a plan that serves nothing)', async () => {
    // No equal split of tiny's model gives every Swarm stage a node that holds it: nothing is placed.
    const r = await helixAsync(['plan', 'clusters/tiny.yaml', '-m', 'swarm', '--json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).throughput).toBe(0);
    const file = join(tmp, 'no-flow.json');
    writeFileSync(file, r.stdout);
    const v = await helixAsync(['validate', file, '--cluster', 'clusters/tiny.yaml']);
    expect(v.code).toBe(1);
    expect(v.stdout).toMatch(/INVALID[\s\S]*throughput: the plan carries no flow/);
  });

  it('a cluster that can no longer serve the model: exit 1 with a result per plan, JSON included', async () => {
    const r = await helixAsync(['plan', 'clusters/tiny.yaml', '--json', '-m', 'petals']);
    const file = join(tmp, 'before-shrink.json');
    writeFileSync(file, r.stdout);
    // The same cluster with its L4 and T4s gone: two A100s hold 36 of 60 layers.
    const shrunk = join(tmp, 'shrunk.yaml');
    const spec = readFileSync('clusters/tiny.yaml', 'utf8').replace('../profiles', join(process.cwd(), 'profiles'));
    writeFileSync(shrunk, spec.split('\n').filter((l) => !/gpu: (L4|T4)/.test(l)).join('\n'));
    const v = await helixAsync(['validate', file, file, '--cluster', shrunk, '--json']);
    expect(v.code).toBe(1);
    const results = JSON.parse(v.stdout);
    expect(results).toHaveLength(2);
    expect(results[0].valid).toBe(false);
    expect(results[0].problems[0]).toMatchObject({ field: 'cluster', message: expect.stringMatching(/no placement can serve llama1-30b: the nodes hold at most 36 of 60 layers/) });
  });

  it('exits 2 without --cluster', async () => {
    const v = await helixAsync(['validate', 'x.json']);
    expect(v.code).toBe(2);
    expect(v.stderr).toMatch(/--cluster/);
    // -t is the fresh plan's time: without --fresh nothing would use it.
    const t = await helixAsync(['validate', 'x.json', '-c', 'clusters/tiny.yaml', '-t', '5']);
    expect(t.code).toBe(2);
    expect(t.stderr).toMatch(/--time-limit is the time for the fresh plan of --fresh/);
  });

  it('exits 2 for a plan made for another cluster', async () => {
    const r = await helixAsync(['plan', 'clusters/tiny.yaml', '--json', '--time-limit', '20']);
    const file = join(tmp, 'tiny-plan.json');
    writeFileSync(file, r.stdout);
    const v = await helixAsync(['validate', file, '--cluster', 'clusters/single24.yaml']);
    expect(v.code).toBe(2);
    // The plan's file is the one named: in `validate plans/*.json` it is the stray one.
    expect(v.stderr).toMatch(/^helix: \S*tiny-plan\.json: plan was made for another cluster \("tiny", model llama1-30b\), not for clusters\/single24\.yaml/);
    for (const command of ['schedule', 'explain', 'simulate']) {
      const r = await helixAsync([command, file, '-c', 'clusters/single24.yaml', ...(command === 'simulate' ? ['--offline', '5'] : [])]);
      expect(r.code, command).toBe(2);
      expect(r.stderr, command).toMatch(/tiny-plan\.json: plan was made for another cluster/);
    }
  });
});

describe('helix', () => {
  it('prints help with the exit codes and exits 0', async () => {
    const r = await helixAsync(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Exit codes/);
    expect(existsSync('bin/helix.js')).toBe(true);
  });

  it('with no command: the help on stderr, nothing on stdout, exit 2 (a usage error)', async () => {
    const r = await helixAsync([]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^Usage: helix/);
  });
});

describe('helix validate gates (built binary)', () => {
  const file = join(tmp, 'gate.json');
  it('fails a plan below --min-throughput and passes it above', async () => {
    const r = await helixAsync(['plan', 'clusters/tiny.yaml', '--json', '--time-limit', '20']);
    writeFileSync(file, r.stdout);
    const t = JSON.parse(r.stdout).throughput;
    expect((await helixAsync(['validate', file, '--cluster', 'clusters/tiny.yaml', '--min-throughput', String(t - 1)])).code).toBe(0);
    const bad = await helixAsync(['validate', file, '--cluster', 'clusters/tiny.yaml', '--min-throughput', String(t + 1)]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/below the required/);
  });

  it('gates on the delivered model with --min-delivered, worked out again from the inputs, not read from the plan', async () => {
    // The gate.json of the test above: a delivered plan of tiny.
    const plan = JSON.parse(readFileSync(file, 'utf8'));
    const served = plan.delivered.throughput;
    const ok = await helixAsync(['validate', file, '--cluster', 'clusters/tiny.yaml', '--min-delivered', String(Math.floor(served - 1)), '--json']);
    expect(ok.code, ok.stdout).toBe(0);
    expect(JSON.parse(ok.stdout)[0].predicted).toBeCloseTo(served, 3);
    // A plan claiming more than it serves changes nothing: the figure is the model's, now.
    const inflated = join(tmp, 'inflated.json');
    writeFileSync(inflated, JSON.stringify({ ...plan, delivered: { ...plan.delivered, throughput: 10 * served } }));
    const bad = await helixAsync(['validate', inflated, '--cluster', 'clusters/tiny.yaml', '--min-delivered', String(Math.ceil(served + 1))]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/tokens\/s predicted served is below the required/);
    const text = await helixAsync(['validate', file, '--cluster', 'clusters/tiny.yaml']);
    expect(text.stdout).toMatch(/tokens\/s of flow \(the placement's max flow [\d,.]+\), [\d,.]+ predicted served/);
  });

  it('fails a weak plan with --max-gap and a stale one with --fresh; a baseline placement is judged against its own method', async () => {
    const weak = await helixAsync(['plan', 'clusters/tiny.yaml', '--json', '--method', 'petals']);
    const weakFile = join(tmp, 'weak.json');
    writeFileSync(weakFile, weak.stdout);
    const gap = await helixAsync(['validate', weakFile, '--cluster', 'clusters/tiny.yaml', '--max-gap', '0.05', '--json']);
    expect(gap.code).toBe(1);
    expect(JSON.parse(gap.stdout)[0].problems[0].field).toBe('gap');
    // The petals placement is what petals places today: not stale, and not a max-flow plan.
    const own = await helixAsync(['validate', weakFile, '--cluster', 'clusters/tiny.yaml', '--fresh', '--json']);
    expect(own.code, own.stdout).toBe(0);
    expect(JSON.parse(own.stdout)[0]).toMatchObject({ objective: null, method: 'petals', fresh: JSON.parse(weak.stdout).throughput });
    // The same placement presented as a max-flow plan is stale: the planner carries more.
    const stale = { ...JSON.parse(weak.stdout) };
    stale.settings = { ...stale.settings, method: 'milp', objective: 'maxflow' };
    const staleFile = join(tmp, 'stale.json');
    writeFileSync(staleFile, JSON.stringify(stale));
    const fresh = await helixAsync(['validate', staleFile, file, '--cluster', 'clusters/tiny.yaml', '--fresh', '--time-limit', '10']);
    expect(fresh.code).toBe(1);
    const said = /INVALID +.*stale\.json[\s\S]*stale: a fresh plan carries ([\d.]+) tokens\/s, ([\d.]+)% more \(this plan carries ([\d.]+)% less; allowed 1\.0% less\)/.exec(fresh.stdout);
    expect(said, fresh.stdout).not.toBeNull();
    // "More" is against this plan's figure, "less" against the fresh one's (both were once "more").
    const [freshFigure, more, less] = said!.slice(1).map(Number);
    const carried = stale.throughput as number;
    expect(more).toBeCloseTo(100 * (freshFigure / carried - 1), 0);
    expect(less).toBeCloseTo(100 * (1 - carried / freshFigure), 0);
    expect(more).toBeGreaterThan(less);
    expect(fresh.stdout).toMatch(/valid +.*gate\.json/);
    expect(fresh.stdout).toMatch(/2 plans, 1 valid, 1 invalid/);
  });

  it('--fresh plans under the plan\'s own controls, and places a separate placement grouped as it was', async () => {
    // A plan held to 10 stages once read as 53% stale against an unlimited fresh plan.
    const limited = join(tmp, 'ten-stages.json');
    writeFileSync(limited, (await helixAsync(['plan', 'clusters/single24.yaml', '--objective', 'maxflow', '--max-stages', '10', '-t', '2', '--json'])).stdout);
    const v = await helixAsync(['validate', limited, '--cluster', 'clusters/single24.yaml', '--fresh', '-t', '2', '--json']);
    // The fresh plan is held to 10 stages too: far below the unlimited optimum (2,046 tokens/s,
    // which single24 proves at once), about the 950-1,060 that 10 stages carry. Whether this
    // plan is stale against it depends on two time-limited searches, so that is not asserted.
    const [r] = JSON.parse(v.stdout);
    expect(r.fresh).toBeGreaterThan(500);
    expect(r.fresh).toBeLessThan(1500);
    // A separate placement by region, judged against one by GPU type, read as 10% stale.
    const spec = join(tmp, 'two-regions.yaml');
    writeFileSync(spec, `name: two\nmodel: llama1-30b\nprofiles: ${join(repoRoot, 'profiles', 'helix-set-a')}\ncoordinator: { region: r1, bandwidth: 1GB/s, latency: 1ms }\nnetwork:\n  default: { bandwidth: 10MB/s, latency: 30ms }\n  regions: { r1: { bandwidth: 1GB/s, latency: 1ms }, r2: { bandwidth: 1GB/s, latency: 1ms } }\nnodes:\n  - { name: a, gpu: A100-40G, count: 4, region: r1 }\n  - { name: b, gpu: A100-40G, count: 4, region: r2 }\n  - { name: t, gpu: T4, count: 9, region: r1 }\n`);
    const sep = join(tmp, 'separate-by-region.json');
    const made = await helixAsync(['plan', spec, '-m', 'separate', '--by', 'region', '--json']);
    writeFileSync(sep, made.stdout);
    expect(JSON.parse(made.stdout).settings.by).toBe('region');
    const s = await helixAsync(['validate', sep, '--cluster', spec, '--fresh', '--json']);
    expect(s.code, s.stdout).toBe(0);
    expect(JSON.parse(s.stdout)[0].fresh).toBe(JSON.parse(made.stdout).throughput);
  });

  it('reports every plan when one cannot be read or belongs to another cluster, and exits 2', async () => {
    const broken = join(tmp, 'broken.json');
    writeFileSync(broken, '{');
    const other = join(tmp, 'other.json');
    writeFileSync(other, (await helixAsync(['plan', 'clusters/single24.yaml', '--objective', 'maxflow', '-t', '2', '--json'])).stdout);
    const text = await helixAsync(['validate', file, broken, other, '--cluster', 'clusters/tiny.yaml']);
    expect(text.code).toBe(2);
    expect(text.stdout).toMatch(/valid +.*gate\.json/);
    expect(text.stdout).toMatch(/3 plans, 1 valid, 0 invalid, 2 unreadable or for another cluster/);
    expect(text.stderr).toMatch(/^helix: \S*broken\.json: plan is not valid JSON/m);
    expect(text.stderr).toMatch(/^helix: \S*other\.json: plan was made for another cluster/m);
    const json = await helixAsync(['validate', file, broken, '--cluster', 'clusters/tiny.yaml', '--json']);
    expect(json.code).toBe(2);
    const results = JSON.parse(json.stdout);
    expect(results.map((r: { valid: boolean }) => r.valid)).toEqual([true, false]);
    expect(results[1].error).toMatchObject({ code: 'bad-plan-json', message: expect.stringMatching(/^plan is not valid JSON/) });
  });
});
