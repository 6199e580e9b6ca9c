// The figures docs/profiles.md states, asserted: the import derivation against the published
// Helix tables, and the roofline estimate against measured t(k). The bounds are the measured
// errors rounded up to the next half percent; a change that worsens either fails here.

import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadModelCard } from '../../src/spec/model-card.js';
import { loadProfileSet } from '../../src/spec/profile.js';
import { CALIBRATION_SETTINGS, calibrate, type Calibration, type MeasuredType } from '../../src/profiles/calibration.js';
import { loadFactors } from '../../src/profiles/efficiency.js';
import { estimateProfile } from '../../src/profiles/estimate.js';
import { hardwareFor, loadHardwareCatalog } from '../../src/profiles/hardware.js';
import { PUBLISHED_SETS, reproduceSet, type Machine } from '../../src/profiles/reproduce.js';
import { timingsForModel } from '../../src/profiles/timings.js';

const catalog = loadHardwareCatalog('profiles/gpus.yaml');
const card = (id: string) => loadModelCard(`profiles/models/${id}.yaml`);
// fp16 weights of one layer, from the architectures (the cards carry Helix's rounder 1.53 / 1.0 GB).
const ARCH_WEIGHTS: Record<string, number> = {
  'llama2-70b': 2 * (2 * 8192 * 8192 + 2 * 8192 * 1024 + 3 * 8192 * 28672),
  'llama1-30b': 2 * (4 * 6656 * 6656 + 3 * 6656 * 17920),
};

function reproduce(setIndex: number, weights: 'card' | 'architecture') {
  const set = PUBLISHED_SETS[setIndex];
  const dir = join('profiles', setIndex === 0 ? 'helix-set-a' : 'helix-set-b');
  const machines = new Map<string, Machine>();
  for (const [gpu, timings] of timingsForModel('profiles/layer-time', set.modelId)) {
    const t = catalog.get(gpu)!.type;
    machines.set(gpu, { memory: { vramBytes: t.vramBytes, gpus: t.gpus }, timings });
  }
  const settings = weights === 'architecture' ? { weightBytesPerLayer: ARCH_WEIGHTS[set.modelId] } : {};
  const rows = reproduceSet({ set: { ...set, dir }, model: card(set.modelId), published: loadProfileSet(dir, set.modelId), machines, settings });
  return new Map(rows.map((r) => [r.gpu, r]));
}

describe('helix profile import re-derives the published Helix tables (LLaMA-2-70B)', () => {
  it('set A from the shared A100, L4 and T4 timings, weights from the architecture', () => {
    const rows = reproduce(0, 'architecture');
    const worst = { 'A100-40G': 0.055, L4: 0.095, T4: 0.17 };
    const mean = { 'A100-40G': 0.03, L4: 0.055, T4: 0.07 };
    for (const [gpu, bound] of Object.entries(worst)) {
      expect(rows.get(gpu)!.layers, gpu).toBeGreaterThan(3);
      expect(rows.get(gpu)!.worst, gpu).toBeLessThan(bound);
      expect(rows.get(gpu)!.mean, gpu).toBeLessThan(mean[gpu as keyof typeof mean]);
    }
  });

  it('set B, all seven types', () => {
    const rows = reproduce(1, 'architecture');
    expect(rows.size).toBe(7);
    for (const [gpu, r] of rows) {
      expect(r.worst, gpu).toBeLessThan(gpu === 'T4' ? 0.135 : 0.07);
      expect(r.mean, gpu).toBeLessThan(0.06);
    }
  });

  it("with the card's 1.53 GB per layer the KV room is overstated and errors grow", () => {
    const card = reproduce(0, 'card');
    const arch = reproduce(0, 'architecture');
    for (const gpu of ['A100-40G', 'L4', 'T4']) {
      expect(card.get(gpu)!.mean, gpu).toBeGreaterThan(arch.get(gpu)!.mean);
      expect(card.get(gpu)!.worst, gpu).toBeLessThan(0.285);
    }
  });
});

describe('roofline calibration', () => {
  let cal: Calibration;
  beforeAll(() => {
    const types: MeasuredType[] = [];
    for (const id of ['llama2-70b', 'llama1-30b']) {
      for (const [gpu, timings] of timingsForModel('profiles/layer-time', id)) types.push({ model: card(id), hardware: hardwareFor(catalog, gpu, ''), timings });
    }
    cal = calibrate(types);
  });

  it('estimated t(k) lands within the stated error of measured t(k)', () => {
    expect(cal.rows).toHaveLength(14);
    expect(cal.overall.mean).toBeLessThan(0.08);
    expect(cal.overall.worst).toBeLessThan(0.54);
    // LLaMA-2-70B, the model the planner's published clusters serve: every type within 17% on average.
    for (const r of cal.rows.filter((r) => r.model === 'llama2-70b')) expect(r.throughput.mean, r.gpu).toBeLessThan(0.17);
    // A family never measured (each one left out in turn) still lands within 10% on average.
    expect(cal.overallHeldOut.mean).toBeLessThan(0.1);
  });

  it('the bundled factors file is what the calibration fits (to its rounding)', () => {
    const bundled = loadFactors('profiles/catalog/efficiency.yaml');
    for (const [family, e] of cal.factors.families) {
      expect(Math.abs(bundled.families.get(family)!.compute - e.compute), family).toBeLessThan(6e-4);
      expect(Math.abs(bundled.families.get(family)!.memory - e.memory), family).toBeLessThan(6e-4);
    }
    expect(Math.abs(bundled.decodeCompute - cal.factors.decodeCompute)).toBeLessThan(6e-4);
    expect(Math.abs(bundled.interconnect - cal.factors.interconnect)).toBeLessThan(6e-4);
  });

  it('the bundled estimated profiles are what `helix profile estimate` gives', () => {
    const factors = loadFactors('profiles/catalog/efficiency.yaml');
    for (const id of ['llama3.1-70b', 'llama3.1-8b']) {
      const bundled = loadProfileSet('profiles/estimated', id);
      expect(bundled.size).toBeGreaterThanOrEqual(12);
      for (const gpu of ['H100-80G', 'L40S', 'A10G', 'MI300X']) {
        const est = estimateProfile({ hardware: hardwareFor(catalog, gpu, ''), model: card(id), factors, settings: CALIBRATION_SETTINGS });
        const p = bundled.get(gpu)!;
        expect(p.source).toBe('estimated');
        expect(p.maxLayers, `${id} ${gpu}`).toBe(est.profile.maxLayers);
        p.throughput.forEach((t, i) => expect(Math.abs(t - est.profile.throughput[i]), `${id} ${gpu} k=${i + 1}`).toBeLessThan(1e-3));
      }
    }
  });
});
