// `npm run calibrate`: fits the roofline's efficiency factors to every measured per-layer timing
// file (profiles/layer-time), prints how far estimated t(k) lands from measured t(k) per type, and
// how closely `helix profile import` re-derives the published Helix tables.
// With --write it also updates profiles/catalog/efficiency.yaml and the bundled estimated
// profiles (profiles/estimated/<model>/<GPU>.yaml), which depend on the factors.
// Usage: node dist/bench/calibrate.js [--write] [--json]

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundledProfilesDir } from '../src/spec/bundled.js';
import { loadGpuCatalog } from '../src/spec/gpus.js';
import { loadModelCard } from '../src/spec/model-card.js';
import { loadProfileSet } from '../src/spec/profile.js';
import { formatProfileYaml } from '../src/profiles/build.js';
import { calibrate, CALIBRATION_SETTINGS, type Calibration, type MeasuredType } from '../src/profiles/calibration.js';
import { formatFactorsYaml, loadFactors } from '../src/profiles/efficiency.js';
import { estimateProfile } from '../src/profiles/estimate.js';
import { hardwareFor, loadHardwareCatalog } from '../src/profiles/hardware.js';
import { PUBLISHED_SETS, reproduceSet, type Machine, type ReproductionRow } from '../src/profiles/reproduce.js';
import { timingsForModel } from '../src/profiles/timings.js';

const args = process.argv.slice(2);
const write = args.includes('--write');
const json = args.includes('--json');

const gpusFile = join(bundledProfilesDir, 'gpus.yaml');
const layerTimeDir = join(bundledProfilesDir, 'layer-time');
const catalog = loadHardwareCatalog(gpusFile);
const card = (id: string) => loadModelCard(join(bundledProfilesDir, 'models', `${id}.yaml`));

/**
 * Weight bytes per layer from the architectures (fp16), for KV sizing in the reproduction: the
 * bundled llama2-70b and llama1-30b cards carry Helix's rounder memory figures (1.53 GB, 1.0 GB),
 * but the KV room the published tables assumed is what is left after the real weights.
 */
const ARCHITECTURE_WEIGHT_BYTES: Record<string, number> = {
  'llama2-70b': 2 * (2 * 8192 * 8192 + 2 * 8192 * 1024 + 3 * 8192 * 28672),
  'llama1-30b': 2 * (4 * 6656 * 6656 + 3 * 6656 * 17920),
};

// 1. Fit and calibration table.
const measured: MeasuredType[] = [];
for (const id of ['llama2-70b', 'llama1-30b']) {
  const model = card(id);
  for (const [gpu, timings] of timingsForModel(layerTimeDir, id)) measured.push({ model, hardware: hardwareFor(catalog, gpu, gpusFile), timings });
}
const cal = calibrate(measured);

// 2. Re-deriving the published tables, with the card's weight figure and with the architecture's.
interface SetResult {
  readonly set: string;
  readonly weights: 'card' | 'architecture';
  readonly rows: readonly ReproductionRow[];
}
const reproduction: SetResult[] = [];
for (const set of PUBLISHED_SETS) {
  const model = card(set.modelId);
  const dir = join(bundledProfilesDir, set.name.startsWith('set A') ? 'helix-set-a' : 'helix-set-b');
  const published = loadProfileSet(dir, set.modelId);
  const machines = new Map<string, Machine>();
  for (const [gpu, timings] of timingsForModel(layerTimeDir, set.modelId)) {
    const hw = catalog.get(gpu)!.type;
    machines.set(gpu, { memory: { vramBytes: hw.vramBytes, gpus: hw.gpus }, timings });
  }
  for (const weights of ['card', 'architecture'] as const) {
    const settings = weights === 'architecture' ? { weightBytesPerLayer: ARCHITECTURE_WEIGHT_BYTES[set.modelId] } : {};
    reproduction.push({ set: set.name, weights, rows: reproduceSet({ set: { ...set, dir }, model, published, machines, settings }) });
  }
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

function calibrationMarkdown(c: Calibration): string {
  const lines = [
    '| model | type | family | k compared | per-layer time: mean / worst | t(k): mean / worst | family held out: mean / worst |',
    '|---|---|---|---|---|---|---|',
    ...c.rows.map(
      (r) =>
        `| ${r.model} | ${r.gpu} | ${r.family} | ${r.layers} | ${pct(r.layerTime.mean)} / ${pct(r.layerTime.worst)} | ${pct(r.throughput.mean)} / ${pct(r.throughput.worst)} | ${pct(r.heldOut.mean)} / ${pct(r.heldOut.worst)} |`,
    ),
    `| all | | | ${c.rows.reduce((a, r) => a + r.layers, 0)} | | ${pct(c.overall.mean)} / ${pct(c.overall.worst)} | ${pct(c.overallHeldOut.mean)} / ${pct(c.overallHeldOut.worst)} |`,
  ];
  return lines.join('\n');
}

function reproductionMarkdown(results: readonly SetResult[]): string {
  const lines = ['| published set | type | k | card weights: mean / worst | architecture weights: mean / worst |', '|---|---|---|---|---|'];
  for (const card of results.filter((r) => r.weights === 'card')) {
    const arch = results.find((r) => r.set === card.set && r.weights === 'architecture')!;
    for (const row of card.rows) {
      const a = arch.rows.find((r) => r.gpu === row.gpu)!;
      lines.push(`| ${card.set} | ${row.gpu} | ${row.layers} | ${pct(row.mean)} / ${pct(row.worst)} | ${pct(a.mean)} / ${pct(a.worst)} |`);
    }
  }
  return lines.join('\n');
}

const factorLines = [...cal.factors.families].map(([f, e]) => `${f}: compute ${e.compute.toFixed(3)}, memory ${e.memory.toFixed(3)}`);

if (json) {
  process.stdout.write(
    `${JSON.stringify(
      {
        factors: { families: Object.fromEntries(cal.factors.families), fallback: cal.factors.fallback, decodeCompute: cal.factors.decodeCompute, interconnect: cal.factors.interconnect },
        calibration: cal.rows,
        overall: cal.overall,
        overallHeldOut: cal.overallHeldOut,
        reproduction,
      },
      null,
      2,
    )}\n`,
  );
} else {
  process.stdout.write(
    [
      '## Roofline factors',
      '',
      ...factorLines.map((l) => `- ${l}`),
      `- decode compute ${cal.factors.decodeCompute.toFixed(3)} of prefill; interconnect ${cal.factors.interconnect.toFixed(3)} of the link`,
      '',
      '## Estimated vs measured t(k) (homogeneous pipeline, 750 in / 240 out, KV fill 0.3)',
      '',
      calibrationMarkdown(cal),
      '',
      '## `helix profile import` vs the published Helix tables',
      '',
      reproductionMarkdown(reproduction),
      '',
    ].join('\n'),
  );
}

if (write) {
  const factorsFile = join(bundledProfilesDir, 'catalog', 'efficiency.yaml');
  mkdirSync(join(bundledProfilesDir, 'catalog'), { recursive: true });
  writeFileSync(
    factorsFile,
    formatFactorsYaml(cal.factors, cal.fittedOn, [
      'Roofline efficiency factors, fitted by `npm run calibrate -- --write` to the measured',
      'per-layer timings in profiles/layer-time (both models, all seven types). Rerun it rather',
      'than editing: the bundled estimated profiles are derived from these numbers.',
    ]),
  );
  // Bundled estimates: every catalog type with hardware figures, for the models people deploy now,
  // from the factors as written (rounded), so `helix profile estimate` reproduces them exactly.
  const writtenFactors = loadFactors(factorsFile);
  let written = 0;
  for (const id of ['llama3.1-70b', 'llama3.1-8b']) {
    const model = card(id);
    const dir = join(bundledProfilesDir, 'estimated', id);
    mkdirSync(dir, { recursive: true });
    for (const [gpu, entry] of catalog) {
      if (!entry.hardware) continue;
      const est = estimateProfile({ hardware: entry.hardware, model, factors: writtenFactors, settings: CALIBRATION_SETTINGS });
      const comment = [
        `Estimated, not measured: ${gpu} serving ${model.name}, from the roofline in src/profiles/roofline.ts`,
        `with factors from profiles/catalog/efficiency.yaml. Regenerate: npm run calibrate -- --write`,
      ];
      writeFileSync(join(dir, `${gpu}.yaml`), formatProfileYaml(est.profile, comment));
      written++;
    }
  }
  // The catalog types (not its hardware figures) decide which files exist; keep the catalog in view.
  process.stderr.write(`wrote ${factorsFile} and ${written} estimated profiles (${loadGpuCatalog(gpusFile).size} catalog types)\n`);
}
