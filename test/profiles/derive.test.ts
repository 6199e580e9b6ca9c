import { describe, expect, it } from 'vitest';
import { makeLayerTimeTable } from '../../src/spec/layer-time.js';
import { loadModelCard } from '../../src/spec/model-card.js';
import { loadProfile } from '../../src/spec/profile.js';
import { loadGpuCatalog } from '../../src/spec/gpus.js';
import { deriveThroughputTable, HELIX_KV_FILL, nodeThroughput, type PhaseTimes } from '../../src/profiles/derive.js';
import { kvTokensPerLayer, usableMemoryBytes } from '../../src/profiles/memory.js';
import { shareInMix, solveMix, type MixMember } from '../../src/profiles/pipeline.js';
import { timingsForModel } from '../../src/profiles/timings.js';
import { HELIX_WORKLOAD, type Workload } from '../../src/profiles/workload.js';

// Prompt: 0.01 ms per token. Decode: 1 ms for one sequence, +1 ms per 99 more.
const times: PhaseTimes = {
  prompt: makeLayerTimeTable(
    [
      [0, 0],
      [1000, 10],
    ],
    't',
  ),
  decode: makeLayerTimeTable(
    [
      [1, 1],
      [100, 2],
    ],
    't',
  ),
};
const workload: Workload = { meanInput: 100, meanOutput: 10, source: 'test' };

describe('nodeThroughput: one hand-worked cycle', () => {
  it('prompt every 1/q decode steps', () => {
    // 10,000 slots per layer, half counted on: 5,000 slots = 45.45 requests of 110 tokens.
    // Share 0.2 -> 9.09 sequences here: decode batch 9; q = 0.909 prompts per step;
    // prompt tokens round(90.9) = 91, one prompt pass of floor(91 / 0.909) = 100 tokens.
    const p = nodeThroughput(times, { k: 2, kvTokensPerLayer: 10_000, share: 0.2 }, workload, 0.5);
    const q = (5000 / 110) * 0.2 / 10;
    expect(p.kvSlotsPerLayer).toBe(5000);
    expect(p.decodeBatch).toBe(9);
    expect(p.promptsPerStep).toBeCloseTo(q, 12);
    expect(p.promptBatch).toBe(100);
    const decodeMs = 1 + 8 / 99;
    const cycleMs = 2 * (1 + decodeMs / q);
    expect(p.cycleMs).toBeCloseTo(cycleMs, 9);
    expect(p.cycleTokens).toBeCloseTo((91 + 9) / q, 9);
    expect(p.tokensPerSec).toBeCloseTo(((91 + 9) / q / cycleMs) * 1000, 6);
  });

  it('caps at one prompt and one decode step of `out` sequences when the node has room for more', () => {
    const p = nodeThroughput(times, { k: 1, kvTokensPerLayer: 1e7, share: 0.5 }, workload, 0.5);
    expect(p.promptsPerStep).toBe(1);
    expect(p.decodeBatch).toBe(10);
    expect(p.promptBatch).toBe(100);
    expect(p.tokensPerSec).toBeCloseTo((110 / (1 + (1 + 9 / 99))) * 1000, 6);
  });

  it('a starved node still runs batches of one', () => {
    const p = nodeThroughput(times, { k: 1, kvTokensPerLayer: 300, share: 0.01 }, workload, 1);
    expect(p.decodeBatch).toBe(1);
    expect(p.tokensPerSec).toBeGreaterThan(0);
  });

  it('more layers on a node never raise its token rate when the share is fixed', () => {
    const a = nodeThroughput(times, { k: 1, kvTokensPerLayer: 10_000, share: 0.2 }, workload, 0.5);
    const b = nodeThroughput(times, { k: 4, kvTokensPerLayer: 10_000, share: 0.2 }, workload, 0.5);
    expect(b.tokensPerSec).toBeCloseTo(a.tokensPerSec / 4, 6);
  });
});

describe('deriveThroughputTable', () => {
  it('stops at the first k whose weights leave no room for one request', () => {
    const model = { weightBytesPerLayer: 1e9, kvBytesPerTokenPerLayer: 1e5 };
    // 4.05 GB usable: k=4 leaves 0.05 GB / 4 layers / 1e5 = 125 slots, 0.3 of it < 110 tokens.
    const rows = deriveThroughputTable({
      times,
      maxLayers: 10,
      kvTokensPerLayer: (k) => kvTokensPerLayer(4.05e9, model, k),
      share: (k) => k / 40,
      workload,
      kvFill: 0.3,
    });
    expect(rows.map((r) => r.k)).toEqual([1, 2, 3]);
    expect(kvTokensPerLayer(4.05e9, model, 3)).toBeCloseTo(3500, 6);
    expect(kvTokensPerLayer(4.05e9, model, 5)).toBe(0);
  });

  it('usable memory: 0.9 of VRAM less 2 GB per GPU', () => {
    expect(usableMemoryBytes(40e9, 1)).toBeCloseTo(34e9, 0);
    expect(usableMemoryBytes(64e9, 4)).toBeCloseTo(49.6e9, 0);
    expect(usableMemoryBytes(1e9, 1)).toBe(0);
  });
});

describe('Helix set A, re-derived digit for digit', () => {
  // KV-cache blocks of 16 tokens that vLLM reported per node holding k layers, as listed in the
  // Helix artifact (Apache-2.0) for LLaMA-2-70B. Given these, the derivation must land exactly on
  // the published table: that pins down every step (rounding included).
  const blocks: Record<string, number[]> = {
    'A100-40G': [498326, 236107, 148700, 104997, 78775, 61294, 48807, 39442, 32158, 26331, 21564, 17591],
    L4: [266146, 121017, 71296, 46944, 32333, 22592, 15634],
    T4: [155320, 63484, 32872, 17566],
  };
  const mix: MixMember[] = [
    { gpu: 'A100-40G', count: 4, typicalLayers: 8 },
    { gpu: 'L4', count: 8, typicalLayers: 4 },
    { gpu: 'T4', count: 12, typicalLayers: 3 },
  ];

  it('matches the published A100, L4 and T4 tables to 1e-6', () => {
    const timings = timingsForModel('profiles/layer-time', 'llama2-70b');
    const model = loadModelCard('profiles/models/llama2-70b.yaml');
    const catalog = loadGpuCatalog('profiles/gpus.yaml');
    const point = (gpu: string, k: number, share: number) =>
      nodeThroughput(timings.get(gpu)!.times, { k, kvTokensPerLayer: 16 * blocks[gpu][k - 1], share }, HELIX_WORKLOAD, HELIX_KV_FILL).tokensPerSec;
    const rate = solveMix(mix, 80, (gpu, k, share) => point(gpu, k, share(k)));
    for (const gpu of Object.keys(blocks)) {
      const published = loadProfile(`profiles/helix-set-a/llama2-70b/${gpu}.yaml`, model, catalog.get(gpu)!).throughput;
      const derived = blocks[gpu].map((_, i) => point(gpu, i + 1, shareInMix(gpu, i + 1, mix, rate, 80)));
      expect(derived).toHaveLength(published.length);
      derived.forEach((t, i) => expect(Math.abs(t / published[i] - 1), `${gpu} k=${i + 1}`).toBeLessThan(1e-6));
    }
  });
});
