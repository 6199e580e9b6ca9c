// The GPU machine catalog (profiles/gpus.yaml): memory and network per machine type. A machine
// may hold several GPUs of one type acting as one pipeline stage (2xL4, 4xT4).

import { inputError } from '../errors.js';
import { Fields } from './fields.js';
import { readYamlSpec } from './yaml-file.js';

export interface GpuType {
  readonly name: string;
  /** VRAM of the whole machine (all its GPUs), bytes. */
  readonly vramBytes: number;
  /** NIC speed in bytes/s, in and out. */
  readonly nicBytesPerSec: number;
  readonly gpus: number;
  readonly family: string;
  /** Optional hardware figures, for first-principles estimates: memory bytes/s of one GPU. */
  readonly memoryBandwidth?: number;
  /** Optional: dense fp16 FLOP/s of one GPU. */
  readonly fp16Flops?: number;
}

// `interconnect` and `source` are read by the estimators (src/profiles/hardware.ts), not here.
const GPU_KEYS = ['vram', 'nic', 'gpus', 'family', 'memoryBandwidth', 'fp16Flops', 'interconnect', 'source', 'note'];

export function loadGpuCatalog(file: string): Map<string, GpuType> {
  const { data, lineOf } = readYamlSpec(file);
  const root = Fields.root(data, file, lineOf).onlyKeys(['gpus']);
  const gpus = root.obj('gpus');
  const out = new Map<string, GpuType>();
  for (const name of Object.keys(gpus.data)) {
    // Type names become profile file names (<GPU>.yaml), so keep them path-safe.
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) gpus.fail(name, 'a name of letters, digits, ".", "_" or "-"', `bad GPU type name "${name}"`);
    const g = gpus.obj(name).onlyKeys(GPU_KEYS);
    out.set(name, {
      name,
      vramBytes: g.bytes('vram'),
      nicBytesPerSec: g.bandwidth('nic'),
      gpus: g.optNum('gpus', { min: 1, int: true }) ?? 1,
      family: g.optStr('family') ?? 'unknown',
      ...(g.has('memoryBandwidth') ? { memoryBandwidth: g.bandwidth('memoryBandwidth') } : {}),
      ...(g.has('fp16Flops') ? { fp16Flops: g.num('fp16Flops', { above: 0 }) } : {}),
    });
  }
  if (out.size === 0) throw inputError('bad-field', 'the catalog lists no GPU types', { file, field: 'gpus', expected: 'at least one machine type' });
  return out;
}

/**
 * The bundled catalog with a profile folder's own gpus.yaml laid over it, so a custom profile
 * folder can add or redefine machine types without copying the whole catalog.
 */
export function loadGpuCatalogs(files: readonly string[]): Map<string, GpuType> {
  const out = new Map<string, GpuType>();
  for (const file of files) for (const [name, type] of loadGpuCatalog(file)) out.set(name, type);
  return out;
}
