// Profiles: per (model, GPU type) the token throughput when holding k layers, in
// <profiles>/<model-id>/<GPU>.yaml. Max layers come from the file or, as Helix does, from the
// share of VRAM left for weights after the KV-cache reserve.

import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { inputError } from '../errors.js';
import { Fields } from './fields.js';
import type { GpuType } from './gpus.js';
import type { GpuProfile, ModelCard, ProfileSource } from './types.js';
import { readYamlFile } from './yaml-file.js';

const SOURCES: readonly ProfileSource[] = ['measured', 'imported', 'estimated'];

/** Layers whose weights fit in the VRAM left after reserving `kvReserve` of it for the KV cache. */
export function derivedMaxLayers(vramBytes: number, model: ModelCard, kvReserve: number): number {
  return Math.floor((vramBytes * (1 - kvReserve)) / model.weightBytesPerLayer);
}

export function loadProfile(file: string, model: ModelCard, gpu: GpuType, kvReserve: number): GpuProfile {
  const f = Fields.root(readYamlFile(file), file).onlyKeys(['gpu', 'model', 'source', 'maxLayers', 'throughput', 'note', 'derivedFrom']);
  const source = f.optStr('source') ?? 'measured';
  if (!SOURCES.includes(source as ProfileSource)) f.fail('source', SOURCES.join(', '));
  if (f.str('model') !== model.id) f.fail('model', `"${model.id}" (the folder it is in)`, 'profile is for another model');
  const throughput = f.numbers('throughput');
  const given = f.optNum('maxLayers', { min: 1, int: true });
  let maxLayers: number;
  if (given !== undefined) {
    if (throughput.length < Math.min(given, model.layers)) {
      throw inputError('profile-short', `profile is missing layer counts: maxLayers is ${given} but throughput lists ${throughput.length}`, {
        file,
        field: 'throughput',
        expected: `${Math.min(given, model.layers)} values (k = 1..${Math.min(given, model.layers)})`,
      });
    }
    maxLayers = given;
  } else {
    // A derived limit can only be as long as the measurements behind it.
    maxLayers = Math.min(derivedMaxLayers(gpu.vramBytes, model, kvReserve), throughput.length);
  }
  return {
    gpu: gpu.name,
    model: model.id,
    vramBytes: gpu.vramBytes,
    maxLayers: Math.min(maxLayers, model.layers),
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
  for (const name of readdirSync(folder)) {
    if (name.endsWith('.yaml')) out.set(name.slice(0, -'.yaml'.length), join(folder, name));
  }
  return out;
}
