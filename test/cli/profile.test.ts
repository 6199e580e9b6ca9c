import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { profileCommand } from '../../src/cli/profile.js';
import { profilesCommand } from '../../src/cli/profiles.js';
import type { Io } from '../../src/cli/io.js';
import { HelixError } from '../../src/errors.js';
import { loadGpuCatalog } from '../../src/spec/gpus.js';
import { loadModelCard } from '../../src/spec/model-card.js';
import { loadLayerTimeFile } from '../../src/spec/layer-time.js';
import { loadProfile } from '../../src/spec/profile.js';
import { parseWorkloadArg } from '../../src/profiles/workload.js';
import { helix, repoRoot } from '../fixtures/cli.js';

function capture(): Io & { stdout: () => string; stderr: () => string } {
  let out = '';
  let err = '';
  return {
    out: (t) => (out += t),
    err: (t) => (err += t),
    stdoutIsTTY: false,
    stderrIsTTY: false,
    env: {},
    cwd: repoRoot,
    stdout: () => out,
    stderr: () => err,
  };
}

const tmp = mkdtempSync(join(tmpdir(), 'helix-profile-'));

describe('helix profile (in-process)', () => {
  it('estimate --json: an estimated table, decreasing in k, with the factors it used', async () => {
    const io = capture();
    const code = await profileCommand.run(['estimate'], { gpu: 'H100-80G', model: 'llama3.1-70b', json: true }, io);
    expect(code).toBe(0);
    const r = JSON.parse(io.stdout());
    expect(r.source).toBe('estimated');
    expect(r.maxLayers).toBe(23); // 40 GB of weights at 1.71 GB a layer
    expect(r.familyFitted).toBe(false);
    for (let i = 1; i < r.throughput.length; i++) expect(r.throughput[i]).toBeLessThan(r.throughput[i - 1]);
  });

  it('estimate --output writes a profile the cluster loader reads, marked estimated', async () => {
    const file = join(tmp, 'llama3.1-70b', 'L40S.yaml');
    const io = capture();
    expect(await profileCommand.run(['estimate'], { gpu: 'L40S', model: 'llama3.1-70b', output: file }, io)).toBe(0);
    expect(io.stdout()).toMatch(/estimated \(not measured\)/);
    expect(io.stdout()).toMatch(/ada compute/);
    // What was written is said on stderr, as every command does, and --quiet silences it.
    expect(io.stdout()).not.toMatch(/wrote/);
    // The roofline's per-layer timings go beside it, where plan and simulate look for them, marked estimated.
    const times = join(tmp, 'layer-time', 'llama3.1-70b', 'L40S.yaml');
    expect(io.stderr()).toBe(`wrote ${file} and its timings to ${times} (what plan and simulate read to predict delivered throughput)\n`);
    const written = loadLayerTimeFile(times);
    expect(written.gpu).toBe('L40S');
    expect(readFileSync(times, 'utf8')).toMatch(/^# Estimated, not measured: /);
    expect(readFileSync(times, 'utf8')).toMatch(/^source: "estimated"$/m);
    const quiet = capture();
    expect(await profileCommand.run(['estimate'], { gpu: 'L40S', model: 'llama3.1-70b', output: file, quiet: true }, quiet)).toBe(0);
    expect(quiet.stderr()).toBe('');
    const model = loadModelCard(join(repoRoot, 'profiles/models/llama3.1-70b.yaml'));
    const p = loadProfile(file, model, loadGpuCatalog(join(repoRoot, 'profiles/gpus.yaml')).get('L40S')!);
    expect(p.source).toBe('estimated');
    expect(p.maxLayers).toBe(14);
    expect(readFileSync(file, 'utf8')).toMatch(/derivedFrom: "timings roofline/);
  });

  it('import --compare reproduces the published set A T4 table within the stated error', async () => {
    const io = capture();
    const code = await profileCommand.run(
      ['import'],
      {
        gpu: 'T4',
        model: 'llama2-70b',
        pipeline: 'A100-40G:4@8,L4:8@4,T4:12@3',
        weightsPerLayer: 2 * 855638016,
        compare: join(repoRoot, 'profiles/helix-set-a/llama2-70b/T4.yaml'),
        json: true,
      },
      io,
    );
    expect(code).toBe(0);
    const r = JSON.parse(io.stdout());
    expect(r.source).toBe('imported');
    expect(r.compare.worst).toBeLessThan(0.17);
    expect(r.compare.mean).toBeLessThan(0.07);
  });

  it('import for another workload: long prompts, short answers raise the token rate', async () => {
    const run = async (workload?: string) => {
      const io = capture();
      await profileCommand.run(['import'], { gpu: 'A100-40G', model: 'llama2-70b', json: true, ...(workload ? { workload: parseWorkloadArg(workload) } : {}) }, io);
      return JSON.parse(io.stdout()).throughput as number[];
    };
    const chat = await run();
    const code = await run('1379:28');
    expect(code[0]).toBeGreaterThan(chat[0]);
  });

  it('import refuses header-less timings far faster than reading the weights allows (seconds read as ms)', async () => {
    const secs = join(tmp, 'seconds-timings');
    mkdirSync(secs, { recursive: true });
    writeFileSync(join(secs, 'prompt_bs2time.csv'), '0,0\n128,0.0009\n256,0.0011\n512,0.0017\n1024,0.0031\n');
    writeFileSync(join(secs, 'decode_bs2time.csv'), '0,0\n1,0.00075\n16,0.0008\n64,0.00095\n256,0.0018\n');
    // An H100 (3.35 TB/s) reads one of llama3.1-70b's layers in about 0.26 ms: 0.00075 ms is not a time in ms.
    await expect(profileCommand.run(['import'], { gpu: 'H100-80G', model: 'llama3.1-70b', timings: secs }, capture())).rejects.toThrow(
      /decode takes 0\.00075 ms per layer at a batch of 1, under a tenth of the [\d.]+ ms that reading one layer's [\d.]+ GB of weights takes at an H100-80G's memory bandwidth/,
    );
  });

  it('import refuses header-less timings far slower than any GPU (microseconds read as ms)', async () => {
    const micro = join(tmp, 'micro-timings');
    mkdirSync(micro, { recursive: true });
    writeFileSync(join(micro, 'prompt_bs2time.csv'), '0,0\n128,900\n256,1100\n');
    writeFileSync(join(micro, 'decode_bs2time.csv'), '0,0\n16,5200\n64,5600\n');
    await expect(profileCommand.run(['import'], { gpu: 'T4', model: 'llama2-70b', timings: micro }, capture())).rejects.toThrow(/decode takes 5200 ms per layer at a batch of 16, over a hundred times the [\d.]+ ms/);
  });

  it('import -o into a profile folder writes the timings beside it, where plan and simulate find them', async () => {
    const csv = join(tmp, 'h100-timings');
    mkdirSync(csv, { recursive: true });
    writeFileSync(join(csv, 'prompt_bs2time.csv'), 'batch_tokens,ms\n0,0\n128,0.9\n256,1.1\n512,1.7\n1024,3.1\n2048,6.0\n');
    writeFileSync(join(csv, 'decode_bs2time.csv'), 'batch_tokens,ms\n0,0\n1,0.75\n16,0.8\n64,0.95\n256,1.8\n');
    const out = join(tmp, 'mine', 'llama3.1-70b', 'H100-80G.yaml');
    const io = capture();
    expect(await profileCommand.run(['import'], { gpu: 'H100-80G', model: 'llama3.1-70b', timings: csv, output: out, json: true }, io)).toBe(0);
    const beside = join(tmp, 'mine', 'layer-time', 'llama3.1-70b', 'H100-80G.yaml');
    expect(JSON.parse(io.stdout())).toMatchObject({ written: out, timingsWritten: beside });
    expect(readFileSync(beside, 'utf8')).toMatch(/^gpu: H100-80G\nmodel: llama3\.1-70b\n[\s\S]*prompt: \[\[0, 0\], \[128, 0\.9\]/m);
    // A cluster on that folder is predicted: the delivered objective needs the timings.
    const spec = join(tmp, 'mine.yaml');
    writeFileSync(spec, `name: mine\nmodel: llama3.1-70b\nprofiles: mine\ncoordinator: { region: r }\nnetwork:\n  default: { bandwidth: 25Gbps, latency: 1ms }\nnodes:\n  - { name: h100, gpu: H100-80G, count: 4, region: r }\n`);
    const plan = JSON.parse(helix(['plan', spec, '-t', '1', '--json']).stdout);
    expect(plan.settings.objective).toBe('delivered');
    expect(plan.delivered.throughput).toBeGreaterThan(0);
  });

  it('usage errors: unknown action, missing --gpu, no timings, --timings with estimate', async () => {
    const expectUsage = async (args: string[], opts: Record<string, unknown>, pattern: RegExp) => {
      try {
        await profileCommand.run(args, opts, capture());
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(HelixError);
        expect((e as HelixError).kind).toBe('usage');
        expect((e as HelixError).message).toMatch(pattern);
      }
    };
    await expectUsage(['guess'], { gpu: 'T4', model: 'llama2-70b' }, /unknown profile action/);
    await expectUsage(['estimate'], { model: 'llama2-70b' }, /--gpu/);
    await expectUsage(['import'], { gpu: 'H100-80G', model: 'llama3.1-70b' }, /no per-layer timings/);
    await expectUsage(['estimate'], { gpu: 'T4', model: 'llama2-70b', timings: 'x' }, /--timings is for/);
    await expectUsage(['import'], { gpu: 'T4', model: 'llama2-70b', factors: 'x' }, /--factors is for `profile estimate`/);
    // A layer-time file says what it measured: another GPU's or model's times are refused.
    await expectUsage(['import'], { gpu: 'A100-40G', model: 'llama2-70b', timings: 'profiles/layer-time/llama1-30b/T4.yaml' }, /holds T4 timings for llama1-30b, not A100-40G for llama2-70b/);
    await expectUsage(['import'], { gpu: 'T4', model: 'llama2-70b', pipeline: 'A100-40G:4' }, /must include T4/);
    // A mistyped --profiles folder is refused, not replaced by the bundled profiles.
    await expectUsage(['estimate'], { gpu: 'T4', model: 'llama2-70b', profiles: '/nonexistent/profiles' }, /profile folder not found: \/nonexistent\/profiles/);
    // The flag's mistakes are the flag's: a mistyped --gpu once blamed the bundled catalog file.
    await expectUsage(['estimate'], { gpu: 'H100', model: 'llama3.1-70b' }, /^unknown GPU type "H100"$/);
    await expectUsage(['estimate'], { gpu: 'L40S', model: 'llama3.1-70b', compare: 'profiles/estimated/llama3.1-70b/H100-80G.yaml' }, /--compare \S+H100-80G\.yaml is a profile of another GPU type than --gpu L40S/);
    await expectUsage(['estimate'], { gpu: 'T4', model: 'llama1-30b', compare: 'profiles/helix-set-a/llama2-70b/T4.yaml' }, /is a profile of another model than --model llama1-30b/);
    // What clusters would refuse to load is not written: 30 layers, at the card's 1.53 GB each, on a 40 GB card.
    await expectUsage(['import'], { gpu: 'A100-40G', model: 'llama2-70b', usableMemory: 40e9, weightsPerLayer: 1e9, maxLayers: 30 }, /the profile would claim 30 layers, but .* hold 26/);
    // As `plan --workload` refuses it: a request longer than the model's context.
    await expectUsage(['import'], { gpu: 'A100-40G', model: 'llama2-70b', workload: parseWorkloadArg('9000:240') }, /9240 tokens a request, more than llama2-70b's context of 4096/);
    // A table of zeros (hardware figures off by a unit) is refused, not written; so is more memory than the card has.
    const own = join(tmp, 'own-catalog');
    mkdirSync(own, { recursive: true });
    writeFileSync(join(own, 'gpus.yaml'), 'gpus:\n  X: { vram: 48GB, nic: 10Gbps, gpus: 1, family: ada, fp16Flops: 312, memoryBandwidth: 900GB/s }\n');
    await expectUsage(['estimate'], { gpu: 'X', model: 'llama2-70b', profiles: own, output: join(own, 'llama2-70b', 'X.yaml') }, /the estimated throughput at 1 layer is 5\.92e-8 tokens\/s, which no cluster can use/);
    expect(existsSync(join(own, 'llama2-70b', 'X.yaml'))).toBe(false);
    await expectUsage(['estimate'], { gpu: 'L40S', model: 'llama2-70b', usableMemory: 1e12 }, /--usable-memory 1000\.0 GB is more than an L40S's 48\.0 GB/);
    // A memory shortfall names its cause: the KV reserve leaving no layer, or the KV fill no request.
    await expect(profileCommand.run(['estimate'], { gpu: 'L40S', model: 'llama2-70b', kvReserve: 0.99 }, capture())).rejects.toThrow(/with a KV reserve of 0\.99 \(--kv-reserve\), the memory left for weights holds no layer/);
    await expect(profileCommand.run(['estimate'], { gpu: 'L40S', model: 'llama2-70b', kvFill: 1e-9 }, capture())).rejects.toThrow(/the KV cache \(1e-7% of what is left, --kv-fill\) holds less than one request of 990 tokens/);
    await expect(profileCommand.run(['estimate'], { gpu: 'T4', model: 'llama2-70b', kvFill: 1, usableMemory: 1.533e9 }, capture())).rejects.toThrow(/the KV cache \(100% of what is left/);
    // A layer bigger than the card is said to be, not blamed on the reserve.
    await expect(profileCommand.run(['estimate'], { gpu: 'T4', model: 'llama2-70b', kvReserve: 0, weightsPerLayer: 20e9 }, capture())).rejects.toThrow(/one layer's weights \(20\.00 GB\) are more than the machine's 16\.0 GB/);
    // The default workload (750:240) is checked against the context as a given one is.
    mkdirSync(join(own, 'models'), { recursive: true });
    writeFileSync(join(own, 'models', 'shortctx.yaml'), readFileSync(join(repoRoot, 'profiles/models/llama2-70b.yaml'), 'utf8').replace('id: llama2-70b', 'id: shortctx').replace('contextLength: 4096', 'contextLength: 512'));
    await expectUsage(['estimate'], { gpu: 'L40S', model: 'shortctx', profiles: own }, /the default workload: .*990 tokens a request, more than shortctx's context of 512/);
  });
});

describe('helix profiles (in-process)', () => {
  it('says where to go when a folder holds no profile of the model (exit 1), and what a timings folder is (exit 2)', async () => {
    const none = capture();
    expect(await profilesCommand.run([], { model: 'llama3.1-8b', profiles: join(repoRoot, 'profiles', 'helix-set-a') }, none)).toBe(1);
    expect(none.stderr()).toMatch(/^bundled sets with llama3\.1-8b: estimated .*helix profile estimate --gpu <GPU> --model llama3\.1-8b -o <folder>\/llama3\.1-8b\/<GPU>\.yaml/);
    const deep = capture();
    expect(await profilesCommand.run([], { model: 'llama2-70b', profiles: join(repoRoot, 'profiles', 'helix-set-a', 'llama2-70b') }, deep)).toBe(1);
    expect(deep.stderr()).toMatch(/is the model's own folder: give the profile set above it, -p .*helix-set-a$/m);
    await expect(profilesCommand.run([], { model: 'llama2-70b', profiles: join(repoRoot, 'profiles', 'layer-time') }, capture())).rejects.toThrow(/is a folder of per-layer timings \(layer-time\/\), not of profiles/);
    const timings = capture();
    expect(await profilesCommand.run([], { model: 'llama2-70b', profiles: join(repoRoot, 'profiles', 'layer-time', 'llama2-70b') }, timings)).toBe(1);
    expect(timings.stderr()).toMatch(/holds per-layer timings, not profiles: give the profile folder, -p .*\/profiles$/m);
  });

  it('lists measured sets for llama2-70b with timings on hand', async () => {
    const io = capture();
    expect(await profilesCommand.run([], { model: 'llama2-70b', json: true }, io)).toBe(0);
    const r = JSON.parse(io.stdout());
    const setA = r.profiles.filter((p: { set: string }) => p.set === 'helix-set-a');
    expect(setA.map((p: { gpu: string }) => p.gpu).sort()).toEqual(['A100-40G', 'L4', 'T4']);
    const a100 = setA.find((p: { gpu: string }) => p.gpu === 'A100-40G');
    expect(a100).toMatchObject({ source: 'measured', maxLayers: 12, timings: true });
    expect(a100.first).toBeCloseTo(23833.87, 2);
    expect(a100.last).toBeCloseTo(952.107, 2);
  });

  it("finds a set's catalog and model cards one level up, as cluster specs do, and lists the sets of a root", async () => {
    // A profiles root with its own GPU type and model card, and one set below it.
    const root = mkdtempSync(join(tmpdir(), 'helix-profiles-root-'));
    writeFileSync(join(root, 'gpus.yaml'), 'gpus:\n  B200: { vram: 192GB, nic: 400Gbps, gpus: 1, family: blackwell, memoryBandwidth: 8TB/s, fp16Flops: 2250e12 }\n');
    mkdirSync(join(root, 'models'));
    writeFileSync(join(root, 'models', 'mini8b.yaml'), readFileSync('profiles/models/llama3.1-8b.yaml', 'utf8').replace(/^id: .*$/m, 'id: mini8b'));
    mkdirSync(join(root, 'set1', 'mini8b'), { recursive: true });
    writeFileSync(join(root, 'set1', 'mini8b', 'B200.yaml'), 'gpu: B200\nmodel: mini8b\nsource: estimated\nthroughput: [9000, 5000, 3000]\n');
    for (const dir of [join(root, 'set1'), root]) {
      const io = capture();
      expect(await profilesCommand.run([], { model: 'mini8b', profiles: dir, json: true }, io), dir).toBe(0);
      expect(JSON.parse(io.stdout()).profiles).toMatchObject([{ set: 'set1', gpu: 'B200', first: 9000 }]);
    }
  });

  it('lists estimated profiles for llama3.1-70b and says so', async () => {
    const io = capture();
    expect(await profilesCommand.run([], { model: 'llama3.1-70b' }, io)).toBe(0);
    expect(io.stdout()).toMatch(/H100-80G/);
    expect(io.stdout()).toMatch(/roofline estimate, not a measurement/);
  });
});

describe('built binary', () => {
  it('helix profile estimate --json prints only JSON', () => {
    const r = helix(['profile', 'estimate', '--gpu', 'A10G', '--model', 'llama3.1-8b', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).gpu).toBe('A10G');
    expect(r.stderr).toBe('');
  });

  it('helix profile import --workload with a bad value exits 2 naming the flag', () => {
    const r = helix(['profile', 'import', '--gpu', 'T4', '--model', 'llama2-70b', '--workload', '0:5']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--workload/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('refuses an output that names a file it reads: --compare, --timings, a --workload CSV (exit 2, the file kept)', () => {
    const dir = join(tmp, 'self', 'llama2-70b');
    mkdirSync(dir, { recursive: true });
    const profile = join(dir, 'T4.yaml');
    writeFileSync(profile, readFileSync(join(repoRoot, 'profiles', 'helix-set-a', 'llama2-70b', 'T4.yaml')));
    const lengths = join(tmp, 'self', 'lengths.csv');
    writeFileSync(lengths, 'input_tokens,output_tokens\n700,200\n800,250\n');
    const timings = join(repoRoot, 'profiles', 'layer-time', 'llama2-70b', 'T4.yaml');
    const cases: [string[], RegExp][] = [
      [['--compare', profile, '-o', profile], /--output names the input file of --compare/],
      [['--workload', lengths, '-o', lengths], /--output names the input file of --workload/],
    ];
    for (const [extra, message] of cases) {
      const r = helix(['profile', 'import', '--gpu', 'T4', '--model', 'llama2-70b', ...extra]);
      expect(r.code, extra.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    const copy = join(tmp, 'self', 'T4-times.yaml');
    writeFileSync(copy, readFileSync(timings));
    const r = helix(['profile', 'import', '--gpu', 'T4', '--model', 'llama2-70b', '--timings', copy, '-o', copy]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--output names the input file of --timings/);
    expect(readFileSync(profile, 'utf8')).toBe(readFileSync(join(repoRoot, 'profiles', 'helix-set-a', 'llama2-70b', 'T4.yaml'), 'utf8'));
    expect(readFileSync(lengths, 'utf8')).toMatch(/^input_tokens/);
  });

  it('estimate -o never writes its roofline timings over measured ones, nor under another name than its own', () => {
    const root = join(tmp, 'keep');
    const measured = join(root, 'layer-time', 'llama2-70b', 'T4.yaml');
    mkdirSync(join(root, 'layer-time', 'llama2-70b'), { recursive: true });
    mkdirSync(join(root, 'llama2-70b'), { recursive: true });
    const original = readFileSync(join(repoRoot, 'profiles', 'layer-time', 'llama2-70b', 'T4.yaml'), 'utf8');
    writeFileSync(measured, original);
    // A side copy of the profile: no timings under the T4's name at all.
    const side = helix(['profile', 'estimate', '--gpu', 'T4', '--model', 'llama2-70b', '-o', join(root, 'llama2-70b', 'T4-estimate.yaml'), '--json']);
    expect(side.code, side.stderr).toBe(0);
    expect(JSON.parse(side.stdout).timingsWritten).toBeUndefined();
    // The profile where plan finds it: the measured timings stay, and it says so.
    const own = helix(['profile', 'estimate', '--gpu', 'T4', '--model', 'llama2-70b', '-o', join(root, 'llama2-70b', 'T4.yaml')]);
    expect(own.code, own.stderr).toBe(0);
    expect(own.stderr).toMatch(/kept the measured timings at .*T4\.yaml: the estimate's roofline timings were not written over them/);
    expect(readFileSync(measured, 'utf8')).toBe(original);
  });

  it('helix profiles lists types, and the modern example cluster plans on estimated profiles', () => {
    const r = helix(['profiles', '--model', 'llama3.1-70b', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const gpus = JSON.parse(r.stdout).profiles.map((p: { gpu: string }) => p.gpu);
    expect(gpus).toEqual(expect.arrayContaining(['H100-80G', 'L40S', 'A10G', 'H200', 'MI300X']));
    const plan = helix(['plan', 'clusters/modern.yaml', '--json', '--time-limit', '5']);
    expect(plan.code, plan.stderr).toBe(0);
    const made = JSON.parse(plan.stdout);
    expect(made.throughput).toBeGreaterThan(0);
    // Estimated profiles have no per-layer timings: the default objective cannot predict or
    // simulate, so the plan is a max-flow plan and says so.
    expect(made.settings.objective).toBe('maxflow');
    // ... with the max-flow search's own status, not a delivered run's.
    expect(['optimal', 'gap-reached', 'time-limit']).toContain(made.status);
    expect(made.stats.notes.join()).toMatch(/no per-layer timings for .* planned for max flow instead .*helix profile estimate/);
    // Once: not again as a note that the plan has no prediction.
    expect(made.stats.notes.filter((n: string) => /per-layer timings/.test(n))).toHaveLength(1);
  });
});
