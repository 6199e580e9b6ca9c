import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { loadGpuCatalog, loadGpuCatalogs } from '../../src/spec/gpus.js';
import { bundledProfiles, failure, writeTemp } from './spec-files.js';

const catalog = join(bundledProfiles, 'gpus.yaml');

describe('GPU catalog', () => {
  it('has the seven profiled machine types with their VRAM and a 10 Gbps NIC', () => {
    const c = loadGpuCatalog(catalog);
    const vramGB: Record<string, number> = { 'A100-40G': 40, V100: 16, L4: 24, '2xL4': 48, T4: 16, '2xT4': 32, '4xT4': 64 };
    for (const [name, gb] of Object.entries(vramGB)) {
      const t = c.get(name)!;
      expect(t.vramBytes, name).toBe(gb * 1e9);
      expect(t.nicBytesPerSec, name).toBe(1.25e9);
    }
    expect(c.get('4xT4')!.gpus).toBe(4);
    expect(c.get('2xL4')!.family).toBe(c.get('L4')!.family);
  });

  it('a later catalog adds and redefines types', () => {
    const extra = writeTemp('gpus:\n  T4: { vram: 15GiB, nic: 25Gbps }\n  B9: { vram: 1TB, nic: 1GB/s, gpus: 8 }\n');
    const c = loadGpuCatalogs([catalog, extra]);
    expect(c.get('T4')!.vramBytes).toBe(15 * 2 ** 30);
    expect(c.get('B9')!.gpus).toBe(8);
    expect(c.get('L4')!.vramBytes).toBe(24e9);
  });

  it('errors name the file and the field', () => {
    const file = writeTemp('gpus:\n  X1: { vram: 40 gigs, nic: 10Gbps }\n');
    const e = failure(() => loadGpuCatalog(file));
    expect(e.details).toMatchObject({ file, field: 'gpus.X1.vram' });
    const typo = writeTemp('gpus:\n  X1: { vram: 40GB, nic: 10Gbps, nics: 2 }\n');
    expect(failure(() => loadGpuCatalog(typo)).details.field).toBe('gpus.X1.nics');
    const zeroNic = writeTemp('gpus:\n  X1: { vram: 40GB, nic: 0 }\n');
    expect(failure(() => loadGpuCatalog(zeroNic)).details.field).toBe('gpus.X1.nic');
    const badName = writeTemp('gpus:\n  "../x": { vram: 40GB, nic: 1Gbps }\n');
    expect(failure(() => loadGpuCatalog(badName)).details.field).toBe('gpus.../x');
  });
});
