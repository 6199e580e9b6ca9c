// Cluster specs (YAML) -> Cluster. Resolves groups into named nodes, the network into per-pair
// links (explicit link > region-pair > region > default), and profiles into capacity tables.

import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inputError } from '../errors.js';
import { createRng } from '../search/rng.js';
import { buildCluster, type LinkInit, type NodeInit } from './build.js';
import { Fields } from './fields.js';
import { loadGpuCatalog, type GpuType } from './gpus.js';
import { findModelCard } from './model-card.js';
import { loadProfile, profileFiles } from './profile.js';
import type { Cluster, GpuProfile } from './types.js';
import { readYamlFile } from './yaml-file.js';
import { checkServable } from '../graph/servable.js';

function bundledProfilesDir(): string {
  // dist/src/spec/cluster.js and src/spec/cluster.ts sit at different depths below the repo root.
  const here = dirname(fileURLToPath(import.meta.url));
  for (const up of ['../../profiles', '../../../profiles']) {
    const p = resolve(here, up);
    if (p.endsWith('/profiles') && !p.includes('/dist/')) {
      try {
        readYamlFile(join(p, 'gpus.yaml'));
        return p;
      } catch {
        // keep looking
      }
    }
  }
  return resolve(here, '../../profiles');
}

export interface LoadOptions {
  /** Overrides the spec's `profiles:` folder (the CLI's --profiles). */
  readonly profilesDir?: string;
  /** Overrides the spec's `kvReserve`. */
  readonly kvReserve?: number;
}

interface LinkSpec {
  readonly bandwidth: number;
  readonly latency: number;
  /** Relative +- spread of bandwidth, drawn per link from the network seed. */
  readonly jitter: number;
  /** Absolute +- spread of latency, seconds. */
  readonly latencyJitter: number;
}

const TOP_KEYS = ['name', 'description', 'model', 'profiles', 'kvReserve', 'coordinator', 'network', 'nodes'];

function linkSpec(f: Fields): LinkSpec {
  f.onlyKeys(['bandwidth', 'latency', 'jitter', 'latencyJitter', 'regions', 'from', 'to', 'bidirectional']);
  return {
    bandwidth: f.bandwidth('bandwidth', true),
    latency: f.has('latency') ? f.duration('latency') : 0,
    jitter: f.optNum('jitter', { min: 0 }) ?? 0,
    latencyJitter: f.has('latencyJitter') ? f.duration('latencyJitter') : 0,
  };
}

function hashString(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** One draw per physical link (both directions share it), reproducible from the seed. */
function realise(spec: LinkSpec, seed: number, a: string, b: string): LinkInit {
  if (spec.jitter === 0 && spec.latencyJitter === 0) return { bandwidth: spec.bandwidth, latency: spec.latency };
  const key = a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`;
  const rng = createRng(seed ^ hashString(key));
  const bw = spec.bandwidth * (1 + spec.jitter * (2 * rng.next() - 1));
  const lat = Math.max(0, spec.latency + spec.latencyJitter * (2 * rng.next() - 1));
  return { bandwidth: bw, latency: lat };
}

export function loadCluster(file: string, options: LoadOptions = {}): Cluster {
  const root = Fields.root(readYamlFile(file), file).onlyKeys(TOP_KEYS);
  const specDir = dirname(resolve(file));
  const bundled = bundledProfilesDir();
  const name = root.str('name');

  const kvReserve = options.kvReserve ?? root.optNum('kvReserve', { min: 0 }) ?? 0.5;
  if (kvReserve >= 1) root.fail('kvReserve', 'a fraction of VRAM in [0, 1)');

  const profilesDir = options.profilesDir
    ? resolve(options.profilesDir)
    : root.has('profiles')
      ? resolve(specDir, root.str('profiles'))
      : join(bundled, 'helix-set-b');
  const profileWhere = options.profilesDir ? { file: '--profiles', field: '' } : { file, field: 'profiles' };

  const model = findModelCard(root.str('model'), [join(profilesDir, 'models'), join(bundled, 'models')], { file, field: 'model' });
  const catalogFile = [join(profilesDir, 'gpus.yaml'), join(bundled, 'gpus.yaml')].find((p) => {
    try {
      readYamlFile(p);
      return true;
    } catch {
      return false;
    }
  })!;
  const catalog = loadGpuCatalog(catalogFile);
  const files = profileFiles(profilesDir, model.id);
  if (files.size === 0) {
    throw inputError('no-profiles', `no profiles for model ${model.id} in ${profilesDir}`, {
      ...profileWhere,
      expected: `a folder with ${model.id}/<GPU>.yaml files`,
    });
  }

  // Nodes: single entries or groups with a count; names must be unique.
  const nodes: NodeInit[] = [];
  const profiles = new Map<string, GpuProfile>();
  const seen = new Set<string>();
  for (const entry of root.list('nodes')) {
    entry.onlyKeys(['name', 'gpu', 'region', 'count']);
    const gpu = entry.str('gpu');
    const type: GpuType =
      catalog.get(gpu) ?? entry.fail('gpu', `a GPU type from ${catalogFile}: ${[...catalog.keys()].join(', ')}`, `unknown GPU type "${gpu}"`);
    if (!profiles.has(gpu)) {
      const pf =
        files.get(gpu) ??
        entry.fail('gpu', `a profile ${model.id}/${gpu}.yaml in ${profilesDir} (have: ${[...files.keys()].join(', ')})`, `no profile for ${gpu} serving ${model.id}`);
      profiles.set(gpu, loadProfile(pf, model, type, kvReserve));
    }
    const profile = profiles.get(gpu)!;
    if (profile.maxLayers < 1) {
      entry.fail('gpu', `a GPU that can hold at least one layer of ${model.id}`, `${gpu} cannot hold a single layer (${(model.weightBytesPerLayer / 1e9).toFixed(2)} GB each)`);
    }
    const region = entry.optStr('region') ?? 'default';
    const count = entry.optNum('count', { min: 1, int: true });
    const base = entry.optStr('name') ?? gpu.toLowerCase();
    const names = count === undefined ? [base] : Array.from({ length: count }, (_, k) => `${base}-${k + 1}`);
    for (const n of names) {
      if (seen.has(n)) entry.fail('name', 'unique node names', `duplicate node name "${n}"`);
      seen.add(n);
      nodes.push({
        name: n,
        gpu,
        region,
        vramBytes: type.vramBytes,
        maxLayers: profile.maxLayers,
        nicBytesPerSec: type.nicBytesPerSec,
        throughput: profile.throughput,
        profileSource: profile.source,
      });
    }
  }
  if (nodes.length === 0) root.fail('nodes', 'at least one node', 'the cluster has no nodes');
  const regions = new Set(nodes.map((n) => n.region));

  // Network.
  const net = root.optObj('network');
  net?.onlyKeys(['default', 'regions', 'between', 'links', 'seed']);
  const seed = net?.optNum('seed', { int: true, min: 0 }) ?? 1;
  const fallback = net?.has('default') ? linkSpec(net.obj('default')) : undefined;
  const intra = new Map<string, LinkSpec>();
  const regionsField = net?.optObj('regions');
  for (const r of Object.keys(regionsField?.data ?? {})) {
    if (!regions.has(r)) regionsField!.fail(r, `a region of some node: ${[...regions].join(', ')}`, `unknown region "${r}"`);
    intra.set(r, linkSpec(regionsField!.obj(r)));
  }
  const inter = new Map<string, LinkSpec>();
  const pairKey = (a: string, b: string) => (a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`);
  for (const b of net?.has('between') ? net.list('between') : []) {
    const raw = b.data.regions;
    const pair: string[] =
      Array.isArray(raw) && raw.length === 2 && raw.every((r) => typeof r === 'string')
        ? (raw as string[])
        : b.fail('regions', 'two region names, e.g. [us-west, us-east]');
    for (const r of pair) if (!regions.has(r)) b.fail('regions', `regions of some node: ${[...regions].join(', ')}`, `unknown region "${r}"`);
    inter.set(pairKey(pair[0], pair[1]), linkSpec(b));
  }
  const index = new Map(nodes.map((n, i) => [n.name, i]));
  const overrides = new Map<string, LinkSpec>();
  const coordOverrides = new Map<number, LinkSpec>();
  for (const l of net?.has('links') ? net.list('links') : []) {
    const spec = linkSpec(l);
    const from = l.str('from');
    const to = l.str('to');
    const ends = [from, to].map((n, k): number => {
      if (n === 'coordinator') return -1;
      return index.get(n) ?? l.fail(k === 0 ? 'from' : 'to', 'a node name or "coordinator"', `unknown node "${n}"`);
    });
    if (ends[0] === -1 && ends[1] === -1) l.fail('to', 'a node name', 'a link needs at least one node');
    if (ends[0] === -1 || ends[1] === -1) coordOverrides.set(ends[0] === -1 ? ends[1] : ends[0], spec);
    else {
      overrides.set(`${ends[0]}:${ends[1]}`, spec);
      if (l.bool('bidirectional', true)) overrides.set(`${ends[1]}:${ends[0]}`, spec);
    }
  }
  const between = (ra: string, rb: string): LinkSpec | undefined =>
    ra === rb ? (intra.get(ra) ?? fallback) : (inter.get(pairKey(ra, rb)) ?? fallback);

  // Coordinator: its own link figures if given, else the network between its region and the node's.
  const coord = root.optObj('coordinator');
  coord?.onlyKeys(['region', 'bandwidth', 'latency', 'jitter', 'latencyJitter']);
  const coordRegion = coord?.optStr('region') ?? nodes[0].region;
  const { region: _region, ...coordLink } = coord?.data ?? {};
  const coordSpec = coord?.has('bandwidth') ? linkSpec(new Fields(coordLink, file, 'coordinator')) : undefined;

  const cluster = buildCluster({
    name,
    file,
    model,
    nodes,
    coordinatorRegion: coordRegion,
    link: (i, j) => {
      const spec = overrides.get(`${i}:${j}`) ?? between(nodes[i].region, nodes[j].region);
      return spec ? realise(spec, seed, nodes[i].name, nodes[j].name) : null;
    },
    coordinatorLink: (i) => {
      const spec = coordOverrides.get(i) ?? coordSpec ?? between(coordRegion, nodes[i].region);
      return spec ? realise(spec, seed, 'coordinator', nodes[i].name) : null;
    },
  });
  checkServable(cluster);
  return cluster;
}
