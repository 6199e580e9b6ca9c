// Hardware figures of a machine type, for first-principles estimates: the GPU catalog
// (profiles/gpus.yaml) entry plus the GPU-to-GPU link of multi-GPU machines
// (profiles/gpu-specs.yaml).

import { existsSync } from 'node:fs';
import { inputError } from '../errors.js';
import { Fields } from '../spec/fields.js';
import { loadGpuCatalog, type GpuType } from '../spec/gpus.js';
import { readYamlFile } from '../spec/yaml-file.js';

export interface Hardware {
  readonly name: string;
  readonly family: string;
  readonly gpus: number;
  /** Whole machine, bytes. */
  readonly vramBytes: number;
  readonly nicBytesPerSec: number;
  /** Whole machine, bytes/s. */
  readonly memoryBandwidth: number;
  /** Whole machine, dense fp16/bf16 FLOP/s. */
  readonly fp16Flops: number;
  /** Per direction between the GPUs of one machine, bytes/s; 0 for one GPU. */
  readonly interconnect: number;
}

/** Every catalog entry; those lacking figures an estimate needs list them in `missing`. */
export interface CatalogEntry {
  readonly type: GpuType;
  readonly hardware?: Hardware;
  readonly missing: readonly string[];
}

/** Machine type -> GPU-to-GPU bandwidth, from a gpu-specs.yaml (absent file: none). */
export function loadInterconnects(file: string): Map<string, number> {
  const out = new Map<string, number>();
  if (!existsSync(file)) return out;
  const root = Fields.root(readYamlFile(file), file).onlyKeys(['interconnect']);
  const links = root.optObj('interconnect');
  for (const name of Object.keys(links?.data ?? {})) {
    const f = links!.obj(name).onlyKeys(['bandwidth', 'note']);
    out.set(name, f.bandwidth('bandwidth'));
  }
  return out;
}

export function hardwareCatalog(types: ReadonlyMap<string, GpuType>, interconnects: ReadonlyMap<string, number>): Map<string, CatalogEntry> {
  const out = new Map<string, CatalogEntry>();
  for (const [name, type] of types) {
    const interconnect = interconnects.get(name) ?? 0;
    const missing = [
      type.memoryBandwidth === undefined ? 'memoryBandwidth' : '',
      type.fp16Flops === undefined ? 'fp16Flops' : '',
      type.gpus > 1 && interconnect === 0 ? 'interconnect (gpu-specs.yaml)' : '',
    ].filter(Boolean);
    const hardware: Hardware | undefined =
      missing.length > 0
        ? undefined
        : {
            name,
            family: type.family,
            gpus: type.gpus,
            vramBytes: type.vramBytes,
            nicBytesPerSec: type.nicBytesPerSec,
            memoryBandwidth: type.memoryBandwidth!,
            fp16Flops: type.fp16Flops!,
            interconnect,
          };
    out.set(name, { type, missing, ...(hardware ? { hardware } : {}) });
  }
  return out;
}

/** gpus.yaml plus the gpu-specs.yaml beside it. */
export function loadHardwareCatalog(gpusFile: string, specsFile: string = gpusFile.replace(/gpus\.yaml$/, 'gpu-specs.yaml')): Map<string, CatalogEntry> {
  return hardwareCatalog(loadGpuCatalog(gpusFile), specsFile === gpusFile ? new Map() : loadInterconnects(specsFile));
}

/** The hardware of one type, or an input error saying what the catalog lacks. */
export function hardwareFor(catalog: ReadonlyMap<string, CatalogEntry>, gpu: string, file: string): Hardware {
  const entry = catalog.get(gpu);
  if (!entry) {
    throw inputError('unknown-gpu', `unknown GPU type "${gpu}"`, { file, expected: `one of ${[...catalog.keys()].join(', ')}` });
  }
  if (!entry.hardware) {
    throw inputError('no-hardware-figures', `${gpu} has no ${entry.missing.join(', ')} in the catalog: cannot estimate`, {
      file,
      field: `gpus.${gpu}`,
      expected: 'memoryBandwidth and fp16Flops (whole machine) and, for several GPUs, an interconnect',
    });
  }
  return entry.hardware;
}
