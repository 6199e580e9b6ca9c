import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { loadGpuCatalog } from '../../src/spec/gpus.js';
import { findModel } from '../../src/spec/model-card.js';
import { derivedMaxLayers, loadProfile, loadProfileSet, mixedDerivationNote } from '../../src/spec/profile.js';
import { bundledProfiles, failure, setA, setB, tempDir, writeTemp } from './spec-files.js';

const catalog = loadGpuCatalog(join(bundledProfiles, 'gpus.yaml'));
const models = join(bundledProfiles, 'models');
const llama70 = findModel('llama2-70b', [models]);
const llama30 = findModel('llama1-30b', [models]);

// Helix's published most-layers-per-machine (half of VRAM for weights), per model and type.
const PUBLISHED: Record<string, Record<string, number>> = {
  'llama2-70b': { 'A100-40G': 12, V100: 4, L4: 7, '2xL4': 14, T4: 4, '2xT4': 9, '4xT4': 18 },
  'llama1-30b': { 'A100-40G': 18, V100: 7, L4: 11, '2xL4': 22, T4: 7, '2xT4': 15, '4xT4': 30 },
};

describe('max layers against the published table', () => {
  it('every bundled profile, loaded with the default KV reserve, gets the published limit', () => {
    let checked = 0;
    for (const dir of [setA, setB]) {
      for (const model of [llama70, llama30]) {
        for (const [gpu, p] of loadProfileSet(dir, model.id)) {
          expect(p.maxLayers, `${dir} ${model.id} ${gpu}`).toBe(PUBLISHED[model.id][gpu]);
          checked++;
        }
      }
    }
    expect(checked).toBe(3 + 7 + 3 + 3); // set A: 3 + 3 types; set B: 7 + 3
  });

  it('the half-VRAM rule admits every published limit, with at most two layers to spare', () => {
    // The published limits sit 0-2 layers under floor(VRAM / 2 / layer bytes): Helix's tables stop
    // there, and a derived limit is cut to its table, which is how the loader lands on them exactly.
    for (const model of [llama70, llama30]) {
      for (const [gpu, published] of Object.entries(PUBLISHED[model.id])) {
        const derived = derivedMaxLayers(catalog.get(gpu)!.vramBytes, model, 0.5);
        expect(derived, `${model.id} ${gpu}`).toBeGreaterThanOrEqual(published);
        expect(derived - published, `${model.id} ${gpu}`).toBeLessThanOrEqual(2);
      }
    }
    expect(derivedMaxLayers(24e9, llama70, 0.5)).toBe(7); // L4: 12 GB / 1.53 GB, the one exact match
  });

  it('a larger KV reserve lowers the limit; a smaller one cannot go past the table', () => {
    const file = join(setA, 'llama2-70b', 'A100-40G.yaml');
    const a100 = catalog.get('A100-40G')!;
    expect(loadProfile(file, llama70, a100, 0.75).maxLayers).toBe(6); // 10 GB / 1.53 GB
    expect(loadProfile(file, llama70, a100, 0.2).maxLayers).toBe(12); // 32 GB would fit 20; the table lists 12
    expect(loadProfile(file, llama70, a100, 0.99).maxLayers).toBe(0);
  });
});

describe('profile files', () => {
  const write = (gpu: string, body: string) => writeTemp(body, `profiles-x/llama2-70b/${gpu}.yaml`);

  it('an explicit maxLayers wins over the derived one', () => {
    const file = write('L4', 'gpu: L4\nmodel: llama2-70b\nmaxLayers: 3\nthroughput: [300, 150, 100, 75, 60]\n');
    const p = loadProfile(file, llama70, catalog.get('L4')!, 0.5);
    expect(p.maxLayers).toBe(3);
    expect(p.throughput).toHaveLength(5);
    expect(p.nicBytesPerSec).toBe(1.25e9);
  });

  it('a table shorter than an explicit maxLayers is an error; shorter than a derived one is not', () => {
    const short = write('T4', 'gpu: T4\nmodel: llama2-70b\nmaxLayers: 4\nthroughput: [100, 50]\n');
    const e = failure(() => loadProfile(short, llama70, catalog.get('T4')!, 0.5));
    expect(e.code).toBe('profile-short');
    expect(e.details).toMatchObject({ file: short, field: 'throughput' });
    expect(e.message).toMatch(/missing layer counts/);
    const derived = write('V100', 'gpu: V100\nmodel: llama2-70b\nthroughput: [100, 50]\n');
    expect(loadProfile(derived, llama70, catalog.get('V100')!, 0.5).maxLayers).toBe(2);
  });

  it('an explicit maxLayers whose weights exceed the card is an error (a plan once put 68.5 GB on a 48 GB GPU)', () => {
    // llama2-70b's layers weigh 1.53 GB (the card's figure): a 16 GB T4 holds at most 10.
    const over = write('T4', `gpu: T4\nmodel: llama2-70b\nmaxLayers: 11\nthroughput: [${Array.from({ length: 11 }, () => 100).join(', ')}]\n`);
    const e = failure(() => loadProfile(over, llama70, catalog.get('T4')!, 0.5));
    expect(e.code).toBe('profile-over-memory');
    expect(e.details).toMatchObject({ file: over, field: 'maxLayers', expected: 'at most 10 (the layers whose weights fit in VRAM)', found: '11' });
    const fits = write('T4', `gpu: T4\nmodel: llama2-70b\nmaxLayers: 10\nthroughput: [${Array.from({ length: 10 }, () => 100).join(', ')}]\n`);
    expect(loadProfile(fits, llama70, catalog.get('T4')!, 0.5).maxLayers).toBe(10);
  });

  it('rejects a profile for another model or GPU, a bad source, and bad throughput values', () => {
    const other = write('A100-40G', 'gpu: A100-40G\nmodel: llama1-30b\nthroughput: [1]\n');
    expect(failure(() => loadProfile(other, llama70, catalog.get('A100-40G')!)).details.field).toBe('model');
    const wrongGpu = write('2xL4', 'gpu: L4\nmodel: llama2-70b\nthroughput: [1]\n');
    expect(failure(() => loadProfile(wrongGpu, llama70, catalog.get('2xL4')!)).details.field).toBe('gpu');
    const source = write('2xT4', 'gpu: 2xT4\nmodel: llama2-70b\nsource: guessed\nthroughput: [1]\n');
    expect(failure(() => loadProfile(source, llama70, catalog.get('2xT4')!)).details.field).toBe('source');
    const negative = write('4xT4', 'gpu: 4xT4\nmodel: llama2-70b\nthroughput: [10, -1]\n');
    expect(failure(() => loadProfile(negative, llama70, catalog.get('4xT4')!)).details.field).toBe('throughput[1]');
  });

  it('loadProfileSet rejects a profile for a machine type the catalog lacks', () => {
    const lone = tempDir('profiles-z');
    writeTemp('gpu: L4\nmodel: llama2-70b\nthroughput: [1]\n', 'profiles-z/llama2-70b/L4.yaml');
    expect(loadProfileSet(lone, 'llama2-70b').get('L4')!.maxLayers).toBe(1);
    writeTemp('gpu: Z9\nmodel: llama2-70b\nthroughput: [1]\n', 'profiles-z/llama2-70b/Z9.yaml');
    const e = failure(() => loadProfileSet(lone, 'llama2-70b'));
    expect(e.code).toBe('unknown-gpu');
    expect(e.details.file).toMatch(/Z9\.yaml$/);
    // The file says it profiles Z9, as its name does: the catalog is what lacks it.
    expect(e.message).toMatch(/profile for GPU type "Z9", which the catalog does not list/);
    expect(e.details.expected).toMatch(/or "Z9" added to gpus\.yaml in the profile folder/);
    // A stray copy of a good profile: the name is what is wrong, and the message says so.
    const stray = tempDir('profiles-y');
    writeTemp('gpu: L4\nmodel: llama2-70b\nthroughput: [1]\n', 'profiles-y/llama2-70b/L4-old.yaml');
    expect(() => loadProfileSet(stray, 'llama2-70b')).toThrow(/"L4-old", the name of this profile, is no GPU type of the catalog \(a profile is named <GPU>\.yaml/);
  });

  it('loadProfileSet: every GPU type of a set, with the published tables', () => {
    const b = loadProfileSet(setB, 'llama2-70b');
    expect([...b.keys()].sort()).toEqual(['2xL4', '2xT4', '4xT4', 'A100-40G', 'L4', 'T4', 'V100']);
    expect(b.get('A100-40G')!.throughput[0]).toBe(31327.488);
    expect(b.get('4xT4')!.throughput.at(-1)).toBe(781.266);
    expect(loadProfileSet(setA, 'llama2-70b').get('T4')!.throughput).toEqual([5709.208, 2434.367, 1347.867, 757.853]);
    expect(loadProfileSet(setA, 'llama1-30b').get('L4')!.throughput[9]).toBe(252.65); // not monotone: kept as measured
    expect(failure(() => loadProfileSet(setA, 'llama3.1-8b')).code).toBe('no-profiles');
  });
});

describe('profiles of unlike derivations', () => {
  const a100 = catalog.get('A100-40G')!;
  const estimated = loadProfile(join(bundledProfiles, 'estimated', 'llama3.1-70b', 'A100-40G.yaml'), findModel('llama3.1-70b', [models]), a100);
  const measured = loadProfile(join(setA, 'llama2-70b', 'A100-40G.yaml'), llama70, a100);

  it('reads the pipeline a derived table records, and none where a table does not say', () => {
    expect(estimated.pipeline).toBe('homogeneous');
    expect(measured.pipeline).toBeUndefined();
  });

  it("notes a table derived for one type's pipeline beside measured ones, and nothing otherwise", () => {
    const note = mixedDerivationNote([estimated, measured, { ...measured, gpu: 'T4' }]);
    expect(note).toMatch(/^the A100-40G profile was derived for a pipeline of its own type alone, beside measured A100-40G, T4 tables .* about 2\.5x its table/);
    expect(mixedDerivationNote([measured])).toBeNull();
    expect(mixedDerivationNote([estimated])).toBeNull();
    // Derived for the cluster's own pipeline, it is comparable.
    expect(mixedDerivationNote([{ ...estimated, pipeline: 'A100-40G:4@8,L4:8@4' }, measured])).toBeNull();
  });
});
