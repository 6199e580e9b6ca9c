import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { findModel, findModelCard, loadModelCard } from '../../src/spec/model-card.js';
import { bundledProfiles, failure, tempDir, writeTemp } from './spec-files.js';

const models = join(bundledProfiles, 'models');

describe('bundled model cards', () => {
  it('LLaMA-2-70B: 80 layers, 16 KiB activations, 1.53 GB per layer, GQA KV cache', () => {
    const m = findModel('llama2-70b', [models]);
    expect(m).toMatchObject({ id: 'llama2-70b', layers: 80, hiddenSize: 8192, activationBytesPerToken: 16384, tokenBytes: 2 });
    expect(m.weightBytesPerLayer).toBeCloseTo(1.53e9, -6);
    expect(m.kvBytesPerTokenPerLayer).toBe(2 * 8 * 128 * 2); // K and V, 8 KV heads x 128 dims, fp16
  });

  it('LLaMA-30B: 60 layers, 13,312-byte activations, 1.0 GB per layer, full multi-head KV', () => {
    const m = findModel('llama1-30b', [models]);
    expect(m).toMatchObject({ layers: 60, hiddenSize: 6656, activationBytesPerToken: 13312 });
    expect(m.weightBytesPerLayer).toBeCloseTo(1.0e9, -6);
    expect(m.kvBytesPerTokenPerLayer).toBe(2 * 6656 * 2);
  });

  it('Llama-3.1 8B and 70B: their real layer sizes and GQA (8 KV heads of 128 dims)', () => {
    const small = findModel('llama3.1-8b', [models]);
    const big = findModel('llama3.1-70b', [models]);
    expect(small).toMatchObject({ layers: 32, hiddenSize: 4096, kvBytesPerTokenPerLayer: 4096 });
    expect(big).toMatchObject({ layers: 80, hiddenSize: 8192, kvBytesPerTokenPerLayer: 4096 });
    // q and o are hidden x hidden; k and v hidden x (8 x 128); the MLP three hidden x ffn matrices.
    expect(small.paramsPerLayer).toBe(2 * 4096 * 4096 + 2 * 4096 * 1024 + 3 * 4096 * 14336);
    expect(big.paramsPerLayer).toBe(2 * 8192 * 8192 + 2 * 8192 * 1024 + 3 * 8192 * 28672);
    expect(small.layers * small.paramsPerLayer).toBeGreaterThan(6.9e9); // 8B minus embeddings
  });
});

describe('model card lookup and errors', () => {
  it('searches folders in order and reports where it looked', () => {
    const own = tempDir('own-models');
    writeTemp('id: llama2-70b\nlayers: 2\nhiddenSize: 8\nbytesPerParam: 2\nbytesPerActivation: 2\nparamsPerLayer: 10\nkvBytesPerTokenPerLayer: 4\n', 'own-models/llama2-70b.yaml');
    expect(findModel('llama2-70b', [own, models]).layers).toBe(2);
    expect(findModel('llama1-30b', [own, models]).layers).toBe(60);
    const e = failure(() => findModelCard('gpt-9', [own, models], { file: 'c.yaml', field: 'model' }));
    expect(e.code).toBe('unknown-model');
    expect(e.details).toMatchObject({ file: 'c.yaml', field: 'model' });
    expect(e.details.expected).toContain('own-models');
  });

  it('rejects ids that would leave the folder', () => {
    expect(failure(() => findModel('../models/llama2-70b', [models])).code).toBe('unknown-model');
  });

  it('names file and field for a bad value, a missing field and a wrong id', () => {
    const bad = writeTemp('id: m\nlayers: 0\nhiddenSize: 8\nbytesPerParam: 2\nbytesPerActivation: 2\nparamsPerLayer: 10\nkvBytesPerTokenPerLayer: 4\n', 'cards/m.yaml');
    const e1 = failure(() => loadModelCard(bad));
    expect(e1.details).toMatchObject({ file: bad, field: 'layers', expected: 'an integer >= 1 and <= 1024' });
    expect(e1.message).toMatch(/line 2/);

    // Thousands of layers is no model served today, and would make the searches ignore --time-limit.
    const deep = writeTemp('id: d\nlayers: 8000\nhiddenSize: 8\nbytesPerParam: 2\nbytesPerActivation: 2\nparamsPerLayer: 10\nkvBytesPerTokenPerLayer: 4\n', 'cards/d.yaml');
    expect(failure(() => loadModelCard(deep)).details).toMatchObject({ field: 'layers', expected: 'an integer >= 1 and <= 1024' });

    const missing = writeTemp('id: n\nlayers: 4\n', 'cards/n.yaml');
    expect(failure(() => loadModelCard(missing)).details.field).toBe('hiddenSize');

    const renamed = writeTemp('id: other\nlayers: 4\n', 'cards/p.yaml');
    const e3 = failure(() => loadModelCard(renamed));
    expect(e3.details.field).toBe('id');
    expect(e3.details.expected).toMatch(/"p"/);
  });
});
