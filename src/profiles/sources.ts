// Where profile commands find their inputs: the bundled data, optionally overlaid by a user's
// profiles folder (its gpus.yaml, gpu-specs.yaml, models/, layer-time/, catalog/efficiency.yaml).

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { bundledGpuCatalog, bundledModelsDir, bundledProfilesDir, catalogFilesFor, modelDirsFor, overlayRoots } from '../spec/bundled.js';
import { loadGpuCatalogs } from '../spec/gpus.js';
import { findModelCard } from '../spec/model-card.js';
import type { ModelCard } from '../spec/types.js';
import type { MachineTimes, ServingSettings } from './build.js';
import { loadFactors, type FactorsFile } from './efficiency.js';
import { estimatedTimes } from './estimate.js';
import { hardwareCatalog, loadInterconnects, type CatalogEntry } from './hardware.js';
import type { MixMember } from './pipeline.js';
import { timingsForModel, type Timings } from './timings.js';

export interface ProfileSources {
  /** The user's folder, when given; it overrides the bundled files it has. */
  readonly dir?: string;
  readonly catalog: ReadonlyMap<string, CatalogEntry>;
  readonly catalogFiles: readonly string[];
  readonly modelDirs: readonly string[];
  readonly layerTimeDirs: readonly string[];
}

const existing = (files: readonly string[]) => files.filter((f, i) => existsSync(f) && files.indexOf(f) === i);

export function profileSources(dir?: string): ProfileSources {
  // The user's folder and the one above it, as cluster specs find their catalog and model cards.
  const user = dir ? overlayRoots(dir) : [];
  const catalogFiles = dir ? catalogFilesFor(dir) : existing([bundledGpuCatalog]);
  const interconnects = new Map<string, number>();
  // Nearest last: later files win.
  for (const r of [bundledProfilesDir, ...[...user].reverse()]) for (const [k, v] of loadInterconnects(join(r, 'gpu-specs.yaml'))) interconnects.set(k, v);
  return {
    ...(dir ? { dir } : {}),
    catalog: hardwareCatalog(loadGpuCatalogs(catalogFiles), interconnects),
    catalogFiles,
    modelDirs: existing(dir ? modelDirsFor(dir) : [bundledModelsDir]),
    // The user's timings first: they win over the bundled ones for the same type.
    layerTimeDirs: existing([...user.map((r) => join(r, 'layer-time')), join(bundledProfilesDir, 'layer-time')]),
  };
}

export function findModel(sources: ProfileSources, id: string): ModelCard {
  return findModelCard(id, sources.modelDirs, { field: '--model' });
}

/** Measured timings per type for the model, the user's folder winning over the bundled one. */
export function measuredTimings(sources: ProfileSources, modelId: string): Map<string, Timings> {
  const out = new Map<string, Timings>();
  for (const dir of [...sources.layerTimeDirs].reverse()) for (const [g, t] of timingsForModel(dir, modelId)) out.set(g, t);
  return out;
}

export function factorsFile(sources: ProfileSources, override?: string): FactorsFile {
  const candidates = [override, sources.dir ? join(sources.dir, 'catalog', 'efficiency.yaml') : undefined, join(bundledProfilesDir, 'catalog', 'efficiency.yaml')];
  const file = candidates.find((f): f is string => f !== undefined && (f === override || existsSync(f)))!;
  return loadFactors(file);
}

/**
 * Timings and memory for every type of a --pipeline mix: measured where timings exist, else
 * estimated by the roofline (so a mix may name types nobody has measured).
 */
export function mixMachines(
  sources: ProfileSources,
  model: ModelCard,
  mix: readonly MixMember[],
  settings: ServingSettings,
  factors: () => FactorsFile,
): Map<string, MachineTimes> {
  const measured = measuredTimings(sources, model.id);
  const out = new Map<string, MachineTimes>();
  for (const m of mix) {
    const entry = sources.catalog.get(m.gpu);
    if (!entry) continue; // reported by the caller, which knows the flag
    const memory = { vramBytes: entry.type.vramBytes, gpus: entry.type.gpus };
    const t = measured.get(m.gpu);
    if (t) out.set(m.gpu, { memory, times: t.times });
    else if (entry.hardware) out.set(m.gpu, { memory, times: estimatedTimes(entry.hardware, model, factors(), settings) });
  }
  return out;
}
