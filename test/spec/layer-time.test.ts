import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HelixError } from '../../src/errors.js';
import { loadCluster } from '../../src/spec/cluster.js';
import { predictDelivered } from '../../src/delivered/model.js';
import { evaluatePlacement } from '../../src/graph/placement-flow.js';
import { assemblePlan } from '../../src/plan/assemble.js';
import { testSettings } from '../fixtures/plans.js';
import { repoRoot } from '../fixtures/cli.js';
import {
  clusterLayerTimes,
  formatLayerTimeYaml,
  loadLayerTimeFile,
  loadLayerTimes,
  makeLayerTimeTable,
  msPerLayer,
  parseLayerTimeCsv,
} from '../../src/spec/layer-time.js';

const table = (pts: [number, number][]) => makeLayerTimeTable(pts, '<test>');

describe('parseLayerTimeCsv', () => {
  it('reads batch,ms lines, sorted, skipping a header, comments and blank lines', () => {
    const t = parseLayerTimeCsv('batch,ms\n# measured\n500,4\n\n0,0\r\n250,2\n', 'x.csv');
    expect(t.points).toEqual([
      [0, 0],
      [250, 2],
      [500, 4],
    ]);
  });

  it('reads decimal numbers only: a hex cell is no timing (Number() read 0x10 as 16)', () => {
    expect(parseLayerTimeCsv('0,0\n250,2.5e0\n500,+4.\n', 'x.csv').points).toEqual([[0, 0], [250, 2.5], [500, 4]]);
    expect(() => parseLayerTimeCsv('0,0\n0x10,2\n', 'x.csv')).toThrow(/^not a timing line$/);
    expect(() => parseLayerTimeCsv('0,0\n16,0b11\n', 'x.csv')).toThrow(/^not a timing line$/);
    // Not even as a first line, where a header may stand: it would be dropped without a word.
    expect(() => parseLayerTimeCsv('0x10,0x20\n1,2\n8,3\n', 'x.csv')).toThrow(/^not a timing line$/);
  });

  it('rejects a non-numeric line with its line number', () => {
    try {
      parseLayerTimeCsv('0,0\n250,abc\n', 'x.csv');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(HelixError);
      expect((e as HelixError).details).toMatchObject({ file: 'x.csv', field: 'line 2' });
    }
  });

  it('rejects a header that says the times are in another unit, or the columns the other way round (1,000x off, without a word)', () => {
    const fails = (text: string) => {
      try {
        parseLayerTimeCsv(text, 'x.csv');
      } catch (e) {
        return (e as Error).message;
      }
      return 'accepted';
    };
    expect(fails('batch_tokens,seconds\n0,0\n128,0.0009\n')).toBe('the header says the times are not in milliseconds ("seconds")');
    expect(fails('batch,t (µs)\n0,0\n128,900\n')).toBe('the header says the times are not in milliseconds ("t (µs)")');
    expect(fails('ms,batch\n0,0\n0.9,128\n')).toBe('the header puts the time first ("ms,batch")');
    // Without a header, a fractional batch is the tell.
    expect(fails('0,0\n0.9,128\n2.1,256\n')).toBe('batch tokens must be a whole number (are the columns swapped?)');
    for (const ok of ['num_items,value\n0,0\n128,0.9\n', 'batch,ms\n0,0\n128,0.9\n', 'batch_tokens,time_ms\n0,0\n128,0.9\n', 'tokens,time\n0,0\n128,0.9\n', 'bs,latency (milliseconds)\n0,0\n128,0.9\n']) expect(fails(ok)).toBe('accepted');
  });

  it('rejects repeated batch sizes, negative values and single points', () => {
    expect(() => parseLayerTimeCsv('0,0\n10,1\n10,2\n', 'x')).toThrow(/listed twice/);
    expect(() => parseLayerTimeCsv('0,0\n10,-1\n', 'x')).toThrow(HelixError);
    expect(() => parseLayerTimeCsv('10,1\n', 'x')).toThrow(/too few/);
    expect(() => parseLayerTimeCsv('0,0\n10,0\n', 'x')).toThrow(/0 ms per layer at batch 10/);
  });

  it('rejects 0 ms for any real batch, not only the last (whole-millisecond readings of a fast GPU gave Infinity tokens/s)', () => {
    expect(() => parseLayerTimeCsv('0,0\n1,0\n8,0\n64,1\n512,3\n', 'x.csv')).toThrow(/0 ms per layer at batch 1/);
    // Batch 0 costs nothing and is how the bundled tables start.
    expect(parseLayerTimeCsv('0,0\n1,0.4\n64,1\n', 'x.csv').points).toHaveLength(3);
  });

  it('rejects more than a minute for one layer (simulate --layer-times took 1e300 ms and served 1e-297 tokens/s)', () => {
    expect(() => parseLayerTimeCsv('0,0\n1,1e300\n', 'x.csv')).toThrow(/1e\+300 ms for one layer at batch 1, more than a minute/);
    expect(() => parseLayerTimeCsv('0,0\n16,5200000\n', 'x.csv')).toThrow(/more than a minute/);
    expect(parseLayerTimeCsv('0,0\n100000,59000\n', 'x.csv').points).toHaveLength(2);
  });
});

describe('msPerLayer', () => {
  const t = table([
    [0, 0],
    [100, 2],
    [300, 10],
  ]);

  it('returns measured points exactly and interpolates linearly between them', () => {
    expect(msPerLayer(t, 0)).toBe(0);
    expect(msPerLayer(t, 100)).toBe(2);
    expect(msPerLayer(t, 50)).toBeCloseTo(1, 12);
    // (200 - 100) / (300 - 100) of the way from 2 to 10.
    expect(msPerLayer(t, 200)).toBeCloseTo(6, 12);
    expect(msPerLayer(t, 300)).toBe(10);
  });

  it('extrapolates beyond the last point along the last segment', () => {
    // slope of the last segment: 8 ms / 200 tokens.
    expect(msPerLayer(t, 500)).toBeCloseTo(18, 12);
    expect(msPerLayer(t, 1300)).toBeCloseTo(50, 12);
  });

  it('uses the mean slope when the last segment falls, so time never drops past the data', () => {
    const noisy = table([
      [0, 0],
      [100, 6],
      [200, 5],
    ]);
    // mean slope (5 - 0) / 200 = 0.025 ms per token.
    expect(msPerLayer(noisy, 400)).toBeCloseTo(10, 12);
    expect(msPerLayer(noisy, 400)).toBeGreaterThan(msPerLayer(noisy, 200));
  });

  it('holds the first value below the smallest measured batch', () => {
    const fromTen = table([
      [10, 3],
      [20, 4],
    ]);
    expect(msPerLayer(fromTen, 1)).toBe(3);
    expect(msPerLayer(fromTen, 15)).toBeCloseTo(3.5, 12);
  });
});

describe('layer-time files', () => {
  it('round-trips through the project YAML', () => {
    const dir = mkdtempSync(join(tmpdir(), 'helix-lt-'));
    mkdirSync(join(dir, 'm1'));
    const prompt = table([
      [0, 0],
      [250, 2.5],
    ]);
    const decode = table([
      [0, 0],
      [8, 1.4],
    ]);
    writeFileSync(join(dir, 'm1', 'G1.yaml'), formatLayerTimeYaml({ gpu: 'G1', model: 'm1', prompt, decode, source: 'test', comment: ['hi'] }));
    const all = loadLayerTimes(dir, 'm1');
    expect([...all.keys()]).toEqual(['G1']);
    expect(all.get('G1')!.prompt.points).toEqual(prompt.points);
    expect(all.get('G1')!.decode.points).toEqual(decode.points);
    expect(loadLayerTimes(dir, 'absent').size).toBe(0);
  });

  it('rejects a file whose gpu field disagrees with its name', () => {
    const dir = mkdtempSync(join(tmpdir(), 'helix-lt-'));
    mkdirSync(join(dir, 'm1'));
    writeFileSync(join(dir, 'm1', 'G1.yaml'), 'gpu: G2\nmodel: m1\nprompt: [[0, 0], [1, 1]]\ndecode: [[0, 0], [1, 1]]\n');
    expect(() => loadLayerTimes(dir, 'm1')).toThrow(/another GPU/);
    writeFileSync(join(dir, 'm1', 'G1.yaml'), 'gpu: G1\nmodel: m1\nprompt: [[0, 0], [1]]\ndecode: [[0, 0], [1, 1]]\n');
    expect(() => loadLayerTimes(dir, 'm1')).toThrow(/invalid timing point/);
  });

  it('bundles every shared Helix timing file, converted point for point', () => {
    const models = { llama2_70b: 'llama2-70b', llama1_30b: 'llama1-30b' };
    const gpus = { a100: 'A100-40G', v100: 'V100', l4: 'L4', l4x2: '2xL4', t4: 'T4', t4x2: '2xT4', t4x4: '4xT4' };
    for (const [src, id] of Object.entries(models)) {
      // Either the profiles root or the layer-time folder itself may be given.
      const bundled = loadLayerTimes('profiles', id);
      expect(loadLayerTimes('profiles/layer-time', id).size).toBe(7);
      expect(bundled.size).toBe(7);
      for (const [g, name] of Object.entries(gpus)) {
        for (const phase of ['prompt', 'decode'] as const) {
          const csv = join('test', 'fixtures', 'helix-layer-time', src, g, `${phase}_bs2time.csv`);
          const original = parseLayerTimeCsv(readFileSync(csv, 'utf8'), csv);
          expect(bundled.get(name)![phase].points, `${id} ${name} ${phase}`).toEqual(original.points);
        }
      }
    }
    expect(loadLayerTimeFile('profiles/layer-time/llama2-70b/A100-40G.yaml').gpu).toBe('A100-40G');
  });
});

describe("a cluster's own layer-time tables", () => {
  it('come before the bundled ones, GPU type by GPU type, from the profile folder or the one above it', () => {
    const repo = repoRoot;
    const root = mkdtempSync(join(tmpdir(), 'helix-own-times-'));
    // The bundled layout: a profile set beside layer-time/; the user's T4 is ten times slower.
    const set = join(root, 'set', 'llama1-30b');
    mkdirSync(set, { recursive: true });
    for (const gpu of ['A100-40G', 'L4', 'T4']) writeFileSync(join(set, `${gpu}.yaml`), readFileSync(join(repo, 'profiles', 'helix-set-a', 'llama1-30b', `${gpu}.yaml`)));
    const bundledT4 = loadLayerTimeFile(join(repo, 'profiles', 'layer-time', 'llama1-30b', 'T4.yaml'));
    const slow = (t: typeof bundledT4.decode) => ({ points: t.points.map(([b, ms]) => [b, 10 * ms] as [number, number]) });
    mkdirSync(join(root, 'layer-time', 'llama1-30b'), { recursive: true });
    writeFileSync(join(root, 'layer-time', 'llama1-30b', 'T4.yaml'), formatLayerTimeYaml({ gpu: 'T4', model: 'llama1-30b', prompt: slow(bundledT4.prompt), decode: slow(bundledT4.decode) }));
    const spec = readFileSync(join(repo, 'clusters', 'tiny.yaml'), 'utf8').replace('../profiles/helix-set-a', join(root, 'set'));
    writeFileSync(join(root, 'tiny.yaml'), spec);
    const own = loadCluster(join(root, 'tiny.yaml'));
    const bundled = loadCluster(join(repo, 'clusters', 'tiny.yaml'));
    expect(own.layerTimeDirs).toEqual([join(root, 'layer-time')]);
    expect(bundled.layerTimeDirs).toBeUndefined();
    const times = clusterLayerTimes(own);
    expect(msPerLayer(times.get('T4')!.decode, 100)).toBeCloseTo(10 * msPerLayer(bundledT4.decode, 100), 9);
    expect(times.get('L4')!.file).toMatch(/profiles\/layer-time\/llama1-30b\/L4\.yaml$/);
    // The delivered model reads them: the same placement is predicted slower with slow T4s.
    const placement = [{ start: 0, end: 18 }, { start: 18, end: 36 }, { start: 36, end: 46 }, { start: 46, end: 53 }, { start: 53, end: 60 }];
    const planOn = (c: ReturnType<typeof loadCluster>) => assemblePlan({ cluster: c, placement, settings: testSettings, status: 'heuristic', bound: { value: 1e9, source: 'test', all: {} }, stats: { wallTimeSec: 0, timeToFirstSec: null, timeToBestSec: null, linksDropped: 0, notes: [] } });
    expect(evaluatePlacement(own, placement).throughput).toBeGreaterThan(0);
    expect(predictDelivered(own, planOn(own)).tpotSec).toBeGreaterThan(1.5 * predictDelivered(bundled, planOn(bundled)).tpotSec);
  });
});
