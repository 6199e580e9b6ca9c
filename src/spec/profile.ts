// Profiles: per (model, GPU type) the token throughput when holding k layers, in
// <profiles>/<model-id>/<GPU>.yaml. The most layers a machine may hold comes from the file or,
// as Helix does, from the share of VRAM left for weights after the KV-cache reserve.

import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { inputError } from '../errors.js';
import { catalogFilesFor, modelDirsFor } from './bundled.js';
import { Fields } from './fields.js';
import { loadGpuCatalogs, type GpuType } from './gpus.js';
import { findModelCard } from './model-card.js';
import type { GpuProfile, ModelCard, ProfileSource } from './types.js';
import { readText, readYamlSpec } from './yaml-file.js';
import { article } from '../report/format.js';

const SOURCES: readonly ProfileSource[] = ['measured', 'imported', 'estimated'];
const KEYS = ['gpu', 'model', 'source', 'maxLayers', 'throughput', 'note', 'derivedFrom'];

/** Helix keeps half of VRAM for the KV cache. */
export const DEFAULT_KV_RESERVE = 0.5;

/** Layers whose weights fit in the VRAM left after reserving `kvReserve` of it for the KV cache. */
export function derivedMaxLayers(vramBytes: number, model: ModelCard, kvReserve: number): number {
  return Math.floor((vramBytes * (1 - kvReserve)) / model.weightBytesPerLayer);
}

export function loadProfile(file: string, model: ModelCard, gpu: GpuType, kvReserve: number = DEFAULT_KV_RESERVE): GpuProfile {
  const { data, lineOf } = readYamlSpec(file);
  const f = Fields.root(data, file, lineOf).onlyKeys(KEYS);
  const source = f.optStr('source') ?? 'measured';
  if (!SOURCES.includes(source as ProfileSource)) f.fail('source', SOURCES.join(', '));
  if (f.str('model') !== model.id) f.fail('model', `"${model.id}" (the folder it is in)`, 'profile is for another model');
  if (f.str('gpu') !== gpu.name) f.fail('gpu', `"${gpu.name}" (its file name)`, 'profile names another GPU type');
  const throughput = f.numbers('throughput');
  const given = f.optNum('maxLayers', { min: 1, int: true });
  let maxLayers: number;
  if (given !== undefined) {
    // An explicit limit is a claim about the table: every count up to it must have a value.
    const needed = Math.min(given, model.layers);
    if (throughput.length < needed) {
      throw f.error('throughput', `profile is missing layer counts: maxLayers is ${given} but throughput lists ${throughput.length}`, {
        expected: `${needed} values (k = 1..${needed})`,
        found: `${throughput.length} values`,
      }, 'profile-short');
    }
    // Weights beyond the card's memory cannot be loaded at all, whatever the table measured.
    const fit = derivedMaxLayers(gpu.vramBytes, model, 0);
    const held = Math.min(given, model.layers);
    if (held > fit) {
      throw f.error('maxLayers', `${held} layers of ${model.id}${held < given ? ` (all it has)` : ''} weigh ${((held * model.weightBytesPerLayer) / 1e9).toFixed(1)} GB, more than ${article(gpu.name)} ${gpu.name}'s ${(gpu.vramBytes / 1e9).toFixed(1)} GB`, {
        expected: `at most ${fit} (the layers whose weights fit in VRAM)`,
        found: String(given),
      }, 'profile-over-memory');
    }
    maxLayers = given;
  } else {
    // A derived limit can only be as long as the measurements behind it.
    maxLayers = Math.min(derivedMaxLayers(gpu.vramBytes, model, kvReserve), throughput.length);
  }
  // Written by profiles/build.ts as "...; pipeline homogeneous" or "...; pipeline A100-40G:4@8,...".
  const pipeline = /(?:^|; )pipeline ([^;]+)$/.exec(f.optStr('derivedFrom') ?? '')?.[1];
  return {
    ...(pipeline ? { pipeline } : {}),
    gpu: gpu.name,
    model: model.id,
    vramBytes: gpu.vramBytes,
    maxLayers: Math.max(0, Math.min(maxLayers, model.layers)),
    throughput,
    source: source as ProfileSource,
    nicBytesPerSec: gpu.nicBytesPerSec,
    file,
  };
}

/** The profile files available for a model in a profile folder: GPU name -> file. */
export function profileFiles(dir: string, modelId: string): Map<string, string> {
  const folder = join(dir, modelId);
  const out = new Map<string, string>();
  if (!existsSync(folder)) return out;
  for (const name of readdirSync(folder).sort()) {
    if (name.endsWith('.yaml')) out.set(name.slice(0, -'.yaml'.length), join(folder, name));
  }
  return out;
}

export interface ProfileSetOptions {
  /** Share of VRAM kept for the KV cache where a profile omits maxLayers (default 0.5). */
  readonly kvReserve?: number;
  /** The model card; by default found in <dir>/models, <dir>/../models, then the bundled cards. */
  readonly model?: ModelCard;
  /** Machine types; by default the bundled catalog with <dir>/gpus.yaml laid over it. */
  readonly catalog?: ReadonlyMap<string, GpuType>;
}

/** Every profile of one model in a profile folder: GPU type -> profile. */
export function loadProfileSet(dir: string, modelId: string, options: ProfileSetOptions = {}): Map<string, GpuProfile> {
  // As the cluster loader finds them: beside the profiles, or one level up (the bundled layout).
  const model = options.model ?? findModelCard(modelId, modelDirsFor(dir));
  const catalog = options.catalog ?? loadGpuCatalogs(catalogFilesFor(dir));
  const files = profileFiles(dir, modelId);
  if (files.size === 0) {
    throw inputError('no-profiles', `no profiles for model ${modelId} in ${dir}`, { file: dir, expected: `a folder ${modelId}/ of <GPU>.yaml files` });
  }
  const out = new Map<string, GpuProfile>();
  for (const [gpu, file] of files) {
    const type = catalog.get(gpu);
    if (!type) {
      // The type is the file's name. Where the file says it profiles that very type, the catalog
      // lacks it; otherwise the name is what is wrong (a copy kept as MYGPU-old.yaml).
      const says = /^gpu:\s*["']?([^\s"'#]+)/m.exec(readText(file))?.[1];
      if (says === gpu) {
        throw inputError('unknown-gpu', `profile for GPU type "${gpu}", which the catalog does not list`, { file, field: 'gpu', expected: `one of ${[...catalog.keys()].join(', ')}, or "${gpu}" added to gpus.yaml in the profile folder` });
      }
      throw inputError('unknown-gpu', `"${gpu}", the name of this profile, is no GPU type of the catalog (a profile is named <GPU>.yaml after the type it profiles; move other files out of ${modelId}/)`, { file, expected: `one of ${[...catalog.keys()].join(', ')}` });
    }
    out.set(gpu, loadProfile(file, model, type, options.kvReserve ?? DEFAULT_KV_RESERVE));
  }
  return out;
}

/**
 * A note when a cluster puts tables derived for a pipeline of one GPU type (`helix profile
 * estimate` or `import` without --pipeline) beside Helix's measured tables, which were derived for
 * the mixed pipelines of Helix's clusters: derived the first way, a measured type comes out at
 * about 2.5x its table (A100-40G serving LLaMA-2-70B), so those types would take more of the flow
 * than they can serve.
 */
export function mixedDerivationNote(profiles: Iterable<GpuProfile>): string | null {
  const all = [...profiles];
  const alone = all.filter((p) => p.source !== 'measured' && p.pipeline === 'homogeneous').map((p) => p.gpu).sort();
  const measured = all.filter((p) => p.source === 'measured').map((p) => p.gpu).sort();
  if (alone.length === 0 || measured.length === 0) return null;
  const many = alone.length > 1;
  return `the ${alone.join(', ')} profile${many ? 's were' : ' was'} derived for a pipeline of ${many ? 'one type' : 'its own type'} alone, beside measured ${measured.join(', ')} tables that Helix derived for mixed pipelines; derived that way a measured type comes out at about 2.5x its table, so ${many ? 'these types take' : 'it takes'} more of the flow than ${many ? 'they' : 'it'} can serve (derive ${many ? 'them' : 'it'} again with --pipeline for this cluster's pipeline: docs/profiles.md)`;
}
