import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCluster } from '../../src/spec/cluster.js';
import { derivedMaxLayers } from '../../src/spec/profile.js';
import { loadModelCard } from '../../src/spec/model-card.js';
import { HelixError } from '../../src/errors.js';
import { repoRoot } from '../fixtures/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'helix-spec-'));
const profiles = join(repoRoot, 'profiles', 'helix-set-a');

function spec(name: string, yaml: string): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, yaml);
  return file;
}

function failure(fn: () => unknown): HelixError {
  try {
    fn();
  } catch (e) {
    if (e instanceof HelixError) return e;
    throw e;
  }
  throw new Error('expected a HelixError');
}

const base = (nodes: string, extra = '') => `name: t\nmodel: llama2-70b\nprofiles: ${profiles}\n${extra}nodes:\n${nodes}`;
const enough = '  - { gpu: A100-40G, count: 7, region: r }\n';

describe('bundled clusters', () => {
  it('single24: 4 A100 + 8 L4 + 12 T4, Set A capacities, 1 GB/s links', () => {
    const c = loadCluster(join(repoRoot, 'clusters', 'single24.yaml'));
    expect(c.nodes).toHaveLength(24);
    expect(c.nodes.filter((n) => n.gpu === 'A100-40G')).toHaveLength(4);
    expect(c.nodes.filter((n) => n.gpu === 'T4')).toHaveLength(12);
    expect(c.nodes[0].capacity[0]).toBeCloseTo(23833.87, 6);
    expect(c.nodes[0].maxLayers).toBe(12);
    expect(c.linkCapacity[1]).toBeCloseTo(1e9 / 16384, 6);
    expect(c.sourceCapacity[0]).toBeCloseTo(1e9 / 2, 3);
  });

  it('geo3: jittered links are slow across regions and fast inside, reproducibly', () => {
    const a = loadCluster(join(repoRoot, 'clusters', 'geo3.yaml'));
    const b = loadCluster(join(repoRoot, 'clusters', 'geo3.yaml'));
    expect(Array.from(a.linkCapacity)).toEqual(Array.from(b.linkCapacity));
    expect(a.inputHash).toBe(b.inputHash);
    const n = a.nodes.length;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        if (i === j) continue;
        const bw = a.linkBandwidth[i * n + j];
        if (a.nodes[i].region === a.nodes[j].region) expect(bw).toBeGreaterThanOrEqual(1.25e9 * 0.9 - 1);
        else {
          expect(bw).toBeLessThanOrEqual(12.5e6 * 1.2 + 1);
          expect(a.linkLatency[i * n + j]).toBeGreaterThanOrEqual(0.04 - 1e-9);
        }
        expect(a.linkBandwidth[j * n + i]).toBe(bw); // one physical link, both ways
      }
    }
  });

  it('every bundled cluster loads', () => {
    for (const name of ['tiny', 'single24', 'geo3', 'hetero42']) {
      const c = loadCluster(join(repoRoot, 'clusters', `${name}.yaml`));
      expect(c.nodes.length).toBeGreaterThan(0);
    }
    expect(loadCluster(join(repoRoot, 'clusters', 'hetero42.yaml')).nodes).toHaveLength(42);
  });
});

describe('max layers derived from VRAM', () => {
  it('halves VRAM for weights by default and floors', () => {
    const m = loadModelCard(join(repoRoot, 'profiles', 'models', 'llama2-70b.yaml'));
    expect(m.weightBytesPerLayer).toBeCloseTo(1.53e9, -3);
    expect(derivedMaxLayers(24e9, m, 0.5)).toBe(7); // L4: 12 GB / 1.53 GB
    expect(derivedMaxLayers(40e9, m, 0.5)).toBe(13);
    expect(derivedMaxLayers(40e9, m, 0.75)).toBe(6);
  });
});

describe('spec errors name the file and field', () => {
  it('unknown GPU type', () => {
    const e = failure(() => loadCluster(spec('gpu', base('  - { gpu: H900, region: r }\n'))));
    expect(e.details.field).toBe('nodes[0].gpu');
    expect(e.details.file).toMatch(/gpu\.yaml$/);
    expect(e.message).toMatch(/unknown GPU type "H900"/);
  });

  it('unknown model', () => {
    const e = failure(() => loadCluster(spec('model', base(enough).replace('llama2-70b', 'gpt-9'))));
    expect(e.details.field).toBe('model');
    expect(e.message).toMatch(/gpt-9/);
  });

  it('negative bandwidth', () => {
    const e = failure(() => loadCluster(spec('neg', base(enough, 'network:\n  default: { bandwidth: -1Gbps }\n'))));
    expect(e.details.field).toBe('network.default.bandwidth');
  });

  it('duplicate node names', () => {
    const e = failure(() => loadCluster(spec('dup', base(`${enough}  - { name: a100-40g-1, gpu: L4, region: r }\n`))));
    expect(e.message).toMatch(/duplicate node name "a100-40g-1"/);
    expect(e.details.field).toBe('nodes[1].name');
  });

  it('a typo in a field name', () => {
    const e = failure(() => loadCluster(spec('typo', base(enough, 'netwrok: {}\n'))));
    expect(e.message).toMatch(/unknown field "netwrok"/);
  });

  it('too little memory for the model: no path', () => {
    const e = failure(() => loadCluster(spec('small', base('  - { gpu: T4, count: 3, region: r }\n', 'network:\n  default: { bandwidth: 1GB/s }\n'))));
    expect(e.code).toBe('too-little-memory');
    expect(e.kind).toBe('infeasible');
  });

  it('no links between nodes that would need them: no path', () => {
    const e = failure(() => loadCluster(spec('nolinks', base(enough, 'coordinator: { bandwidth: 1GB/s }\n'))));
    expect(e.code).toBe('no-path');
  });

  it('malformed YAML and a missing file', () => {
    expect(failure(() => loadCluster(spec('bad', 'name: [x\n'))).message).toMatch(/malformed YAML/);
    expect(failure(() => loadCluster(join(dir, 'missing.yaml'))).message).toMatch(/file not found/);
  });

  it('a profile that lists fewer layer counts than it claims', () => {
    const pdir = join(dir, 'short-profiles');
    mkdirSync(join(pdir, 'llama2-70b'), { recursive: true });
    writeFileSync(join(pdir, 'llama2-70b', 'A100-40G.yaml'), 'gpu: A100-40G\nmodel: llama2-70b\nmaxLayers: 12\nthroughput: [100, 50]\n');
    const e = failure(() => loadCluster(spec('short', base(enough).replace(profiles, pdir))));
    expect(e.code).toBe('profile-short');
    expect(e.details.field).toBe('throughput');
  });
});
