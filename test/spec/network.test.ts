import { describe, expect, it } from 'vitest';
import { loadCluster } from '../../src/spec/cluster.js';
import type { Cluster } from '../../src/spec/types.js';
import { failure, setA, writeTemp } from './spec-files.js';

// Link tests look at links only: these small clusters cannot hold llama2-70b, so skip that check.
const load = (yaml: string): Cluster => loadCluster(writeTemp(`model: llama2-70b\nprofiles: ${setA}\n${yaml}`), { skipServableCheck: true });

const at = (c: Cluster, a: string, b: string) => {
  const n = c.nodes.length;
  const i = c.nodes.findIndex((x) => x.name === a);
  const j = c.nodes.findIndex((x) => x.name === b);
  return { bandwidth: c.linkBandwidth[i * n + j], latency: c.linkLatency[i * n + j], capacity: c.linkCapacity[i * n + j] };
};
const coord = (c: Cluster, a: string) => {
  const i = c.nodes.findIndex((x) => x.name === a);
  return { capacity: c.sourceCapacity[i], sink: c.sinkCapacity[i], latency: c.sourceLatency[i] };
};

describe('node groups', () => {
  it('expands counts into numbered names, keeps single names, defaults name and region', () => {
    const c = load(`network: { default: { bandwidth: 1GB/s } }
nodes:
  - { gpu: L4, count: 3, region: west }
  - { name: edge, gpu: T4, count: 2, region: east }
  - { name: solo, gpu: A100-40G, region: east }
  - { gpu: A100-40G }
`);
    expect(c.nodes.map((x) => x.name)).toEqual(['l4-1', 'l4-2', 'l4-3', 'edge-1', 'edge-2', 'solo', 'a100-40g']);
    expect(c.nodes.map((x) => x.region)).toEqual(['west', 'west', 'west', 'east', 'east', 'east', 'default']);
    expect(c.nodes.map((x) => x.index)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(c.nodes[3]).toMatchObject({ gpu: 'T4', maxLayers: 4, vramBytes: 16e9 });
  });
});

describe('link resolution: explicit link > between regions > inside a region > default', () => {
  const c = load(`coordinator: { region: r2 }
network:
  default: { bandwidth: 1GB/s, latency: 5ms }
  regions:
    r1: { bandwidth: 2GB/s, latency: 1ms }
  between:
    - { regions: [r2, r1], bandwidth: 100MB/s, latency: 20ms }
  links:
    - { from: a-1, to: d, bandwidth: 0 }
    - { from: c, to: d, bandwidth: 10Gbps, latency: 2ms, bidirectional: false }
    - { from: coordinator, to: b, bandwidth: 8MB/s }
nodes:
  - { name: a, gpu: A100-40G, count: 2, region: r1 }
  - { name: c, gpu: L4, region: r2 }
  - { name: d, gpu: T4, region: r3 }
  - { name: b, gpu: T4, region: r3 }
`);

  it('inside a region with its own figures', () => {
    expect(at(c, 'a-1', 'a-2')).toEqual({ bandwidth: 2e9, latency: 0.001, capacity: 2e9 / 16384 });
  });

  it('between two regions, in both directions, whatever order the pair was written in', () => {
    expect(at(c, 'a-1', 'c')).toMatchObject({ bandwidth: 1e8, latency: 0.02 });
    expect(at(c, 'c', 'a-2')).toMatchObject({ bandwidth: 1e8, latency: 0.02 });
  });

  it('the default where nothing more specific is given (r3 inside, r1-r3, r2-r3)', () => {
    expect(at(c, 'd', 'b')).toMatchObject({ bandwidth: 1e9, latency: 0.005 });
    expect(at(c, 'a-2', 'd')).toMatchObject({ bandwidth: 1e9, latency: 0.005 });
    expect(at(c, 'd', 'c')).toMatchObject({ bandwidth: 1e9 }); // the c -> d override was one-way
  });

  it('explicit overrides: bandwidth 0 removes a link both ways; one-way overrides stay one-way', () => {
    expect(at(c, 'a-1', 'd')).toEqual({ bandwidth: 0, latency: 0, capacity: 0 });
    expect(at(c, 'd', 'a-1').capacity).toBe(0);
    expect(at(c, 'c', 'd')).toMatchObject({ bandwidth: 1.25e9, latency: 0.002 });
  });

  it('coordinator links follow its region unless overridden; tokens are 2 bytes there', () => {
    expect(c.coordinatorRegion).toBe('r2');
    expect(coord(c, 'c')).toEqual({ capacity: 1e9 / 2, sink: 1e9 / 2, latency: 0.005 }); // inside r2: default
    expect(coord(c, 'a-1')).toMatchObject({ capacity: 1e8 / 2, latency: 0.02 }); // r2-r1
    // Explicit bandwidth; its latency, not written, is the r2-r3 figure it refines (the default's).
    expect(coord(c, 'b')).toMatchObject({ capacity: 8e6 / 2, latency: 0.005 });
  });

  it('an entry that leaves out latency keeps the latency, and its jitter, of the entry it refines', () => {
    const d = load(`coordinator: { region: r1 }
network:
  seed: 7
  default: { bandwidth: 1GB/s, latency: 2s }
  regions:
    r1: { bandwidth: 2GB/s }
  between:
    - { regions: [r1, r2], bandwidth: 10MB/s, latency: 100ms, latencyJitter: 20ms }
  links:
    - { from: a-1, to: b, bandwidth: 1GB/s }
    - { from: a-2, to: b, bandwidth: 1GB/s, latency: 1ms }
    - { from: a-1, to: a-2, bandwidth: 5GB/s }
nodes:
  - { name: a, gpu: A100-40G, count: 2, region: r1 }
  - { name: b, gpu: L4, region: r2 }
`);
    expect(at(d, 'a-1', 'a-2')).toMatchObject({ bandwidth: 5e9, latency: 2 }); // over r1's, over the default's 2 s
    // Over the r1-r2 figures: 100 ms with their +-20 ms drawn for this link (once, both ways).
    const over = at(d, 'a-1', 'b').latency;
    expect(over).toBeGreaterThanOrEqual(0.08);
    expect(over).toBeLessThanOrEqual(0.12);
    expect(at(d, 'b', 'a-1').latency).toBe(over);
    // A latency written is the link's own, without the refined entry's jitter.
    expect(at(d, 'a-2', 'b').latency).toBe(0.001);
  });

  it('a one-way coordinator link is refused: coordinator links have one figure both ways', () => {
    const e = failure(() =>
      load(`network:
  default: { bandwidth: 1GB/s }
  links:
    - { from: coordinator, to: a, bandwidth: 10MB/s, bidirectional: false }
nodes:
  - { name: a, gpu: A100-40G }
`),
    );
    expect(e.message).toMatch(/a one-way coordinator link/);
    expect(e.details.field).toBe('network.links[0].bidirectional');
  });

  it('a coordinator bandwidth applies to every node, in any region', () => {
    const d = load(`coordinator: { region: r1, bandwidth: 400MB/s, latency: 3ms }
network: { default: { bandwidth: 1GB/s } }
nodes:
  - { gpu: A100-40G, region: r1 }
  - { gpu: L4, region: r9 }
`);
    expect([coord(d, 'a100-40g'), coord(d, 'l4')]).toEqual([
      { capacity: 2e8, sink: 2e8, latency: 0.003 },
      { capacity: 2e8, sink: 2e8, latency: 0.003 },
    ]);
  });

  it('the coordinator may sit in a region without nodes, and figures may name it', () => {
    const d = load(`coordinator: { region: hq }
network:
  between: [{ regions: [hq, r1], bandwidth: 50MB/s }]
  regions: { r1: { bandwidth: 1GB/s } }
nodes:
  - { gpu: L4, count: 2, region: r1 }
`);
    expect(coord(d, 'l4-1').capacity).toBe(2.5e7);
    expect(at(d, 'l4-1', 'l4-2').bandwidth).toBe(1e9);
  });

  it('no figure at all means no link', () => {
    const d = load(`coordinator: { bandwidth: 1GB/s }
network: { regions: { r1: { bandwidth: 1GB/s } } }
nodes:
  - { gpu: L4, region: r1 }
  - { gpu: T4, region: r2 }
`);
    expect(at(d, 'l4', 't4').capacity).toBe(0);
    expect(at(d, 't4', 'l4').capacity).toBe(0);
  });
});

describe('jitter', () => {
  const jittered = (seed: number, extraNode = '') =>
    load(`coordinator: { region: a }
network:
  seed: ${seed}
  default: { bandwidth: 12.5MB/s, jitter: 0.2, latency: 50ms, latencyJitter: 10ms }
  regions:
    a: { bandwidth: 1.25GB/s, jitter: 0.1, latency: 1ms }
nodes:
  - { gpu: L4, count: 4, region: a }
  - { gpu: T4, count: 4, region: b }
${extraNode}`);

  it('stays within the stated spreads and is the same both ways', () => {
    const c = jittered(7);
    const n = c.nodes.length;
    const draws = new Set<number>();
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        if (i === j) continue;
        const same = c.nodes[i].region === c.nodes[j].region;
        const bw = c.linkBandwidth[i * n + j];
        const lat = c.linkLatency[i * n + j];
        if (same && c.nodes[i].region === 'a') {
          expect(bw).toBeGreaterThanOrEqual(1.25e9 * 0.9);
          expect(bw).toBeLessThanOrEqual(1.25e9 * 1.1);
          expect(lat).toBe(0.001);
        } else {
          expect(bw).toBeGreaterThanOrEqual(12.5e6 * 0.8);
          expect(bw).toBeLessThanOrEqual(12.5e6 * 1.2);
          expect(lat).toBeGreaterThanOrEqual(0.04);
          expect(lat).toBeLessThanOrEqual(0.06);
        }
        expect(c.linkBandwidth[j * n + i]).toBe(bw);
        expect(c.linkLatency[j * n + i]).toBe(lat);
        draws.add(bw);
      }
    }
    expect(draws.size).toBe((n * (n - 1)) / 2); // every physical link draws its own figures
  });

  it('is reproducible per seed and changes with it', () => {
    const a = jittered(7);
    expect(Array.from(jittered(7).linkBandwidth)).toEqual(Array.from(a.linkBandwidth));
    expect(Array.from(jittered(7).linkLatency)).toEqual(Array.from(a.linkLatency));
    expect(jittered(7).inputHash).toBe(a.inputHash);
    expect(Array.from(jittered(8).linkBandwidth)).not.toEqual(Array.from(a.linkBandwidth));
  });

  it('adding a node leaves the other links as they were', () => {
    const a = jittered(7);
    const b = jittered(7, '  - { name: extra, gpu: A100-40G, region: b }\n');
    const n = a.nodes.length;
    const m = b.nodes.length;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) expect(b.linkBandwidth[i * m + j]).toBe(a.linkBandwidth[i * n + j]);
  });

  // Specs written for earlier versions must keep their links: the draw is mulberry32 seeded by
  // the network seed xor FNV-1a of the two end names (the smaller first, a NUL between).
  it('draws each link from FNV-1a of its end names, as specs written before expect', () => {
    const fnv = (s: string) => {
      let h = 2166136261;
      for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
      return h >>> 0;
    };
    const mulberry = (seed: number) => {
      let state = seed >>> 0 || 0x9e3779b9;
      return () => {
        state = (state + 0x6d2b79f5) >>> 0;
        let t = state;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
      };
    };
    const c = jittered(7);
    const n = c.nodes.length;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        if (i === j) continue;
        const [a, b] = [c.nodes[i].name, c.nodes[j].name].sort();
        const next = mulberry((7 ^ fnv(`${a}\u0000${b}`)) >>> 0);
        const inA = c.nodes[i].region === 'a' && c.nodes[j].region === 'a';
        const [bw, jitter, lat, latJitter] = inA ? [1.25e9, 0.1, 0.001, 0] : [12.5e6, 0.2, 0.05, 0.01];
        expect(c.linkBandwidth[i * n + j]).toBe(bw * (1 + jitter * (2 * next() - 1)));
        expect(c.linkLatency[i * n + j]).toBe(Math.max(0, lat + latJitter * (2 * next() - 1)));
      }
    }
  });
});
