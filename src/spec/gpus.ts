// The GPU machine catalog (profiles/gpus.yaml): memory and network per machine type.

import { Fields } from './fields.js';
import { readYamlFile } from './yaml-file.js';

export interface GpuType {
  readonly name: string;
  readonly vramBytes: number;
  readonly nicBytesPerSec: number;
  readonly gpus: number;
  readonly family: string;
  /** Optional hardware figures used by first-principles estimates. */
  readonly memoryBandwidth?: number;
  readonly fp16Flops?: number;
}

export function loadGpuCatalog(file: string): Map<string, GpuType> {
  const root = Fields.root(readYamlFile(file), file);
  const gpus = root.obj('gpus');
  const out = new Map<string, GpuType>();
  for (const name of Object.keys(gpus.data)) {
    const g = gpus.obj(name);
    out.set(name, {
      name,
      vramBytes: g.bytes('vram'),
      nicBytesPerSec: g.bandwidth('nic'),
      gpus: g.optNum('gpus', { min: 1, int: true }) ?? 1,
      family: g.optStr('family') ?? 'unknown',
      memoryBandwidth: g.has('memoryBandwidth') ? g.bandwidth('memoryBandwidth') : undefined,
      fp16Flops: g.optNum('fp16Flops', { above: 0 }),
    });
  }
  return out;
}
