// Cluster specs (YAML) -> Cluster. Expands node groups into named nodes, resolves the network
// into per-pair links (src/spec/network.ts) and profiles into capacity tables, then checks that
// the cluster can serve its model at all.

import { existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { HelixError, inputError, usageError } from '../errors.js';
import { bundledProfilesDir, catalogFilesFor, defaultProfileSet, modelDirsFor, overlayRoots } from './bundled.js';
import { buildCluster, type NodeInit } from './build.js';
import { Fields } from './fields.js';
import { loadGpuCatalogs, type GpuType } from './gpus.js';
import { findModelCard } from './model-card.js';
import { readNetwork } from './network.js';
import { DEFAULT_KV_RESERVE, loadProfile, mixedDerivationNote, profileFiles } from './profile.js';
import { checkServable } from './servable.js';
import type { Cluster, GpuProfile, ModelCard } from './types.js';
import { readYamlSpec } from './yaml-file.js';
import { STDIN_FILE } from '../stdin.js';

export interface LoadOptions {
  /** Overrides the spec's `profiles:` folder (the CLI's --profiles). */
  readonly profilesDir?: string;
  /** Overrides the spec's `kvReserve`. */
  readonly kvReserve?: number;
  /** Skip the structural servability check (for tools that inspect clusters which cannot serve). */
  readonly skipServableCheck?: boolean;
}

const TOP_KEYS = ['name', 'description', 'model', 'profiles', 'kvReserve', 'coordinator', 'network', 'nodes'];
const NODE_KEYS = ['name', 'gpu', 'region', 'count'];
const DEFAULT_REGION = 'default';
/** Names plans and routing tables use for their own vertices (the coordinator's two ends). */
const RESERVED_NAMES = new Set(['coordinator', 'source', 'sink']);

interface ProfileContext {
  readonly dir: string;
  readonly model: ModelCard;
  readonly catalog: ReadonlyMap<string, GpuType>;
  readonly catalogFiles: readonly string[];
  readonly files: ReadonlyMap<string, string>;
  readonly kvReserve: number;
}

function readKvReserve(root: Fields, override: number | undefined): number {
  if (override !== undefined) {
    if (!Number.isFinite(override) || override < 0 || override >= 1) {
      throw usageError('bad-option', 'invalid KV-cache reserve', { field: 'kvReserve', expected: 'a fraction of VRAM in [0, 1)', found: String(override) });
    }
    return override;
  }
  return root.optNum('kvReserve', { min: 0, below: 1 }) ?? DEFAULT_KV_RESERVE;
}

function profileContext(root: Fields, file: string, options: LoadOptions): ProfileContext {
  const specDir = dirname(resolve(file));
  const dir = options.profilesDir ? resolve(options.profilesDir) : root.has('profiles') ? resolve(specDir, root.str('profiles')) : defaultProfileSet;
  const kvReserve = readKvReserve(root, options.kvReserve);
  if (!existsSync(dir)) {
    if (options.profilesDir) throw usageError('no-profiles', `profile folder not found: ${dir}`, { field: '--profiles', expected: 'an existing folder' });
    root.fail('profiles', `a profile folder, relative to ${file === STDIN_FILE ? 'the working folder (the spec came on standard input)' : 'this file'}`, `profile folder not found: ${dir}`, 'no-profiles');
  }
  // Cards next to the profiles (or one level up, as in the bundled layout) win over the bundled ones.
  const model = findModelCard(root.str('model'), modelDirsFor(dir), { file, field: 'model' });
  const catalogFiles = catalogFilesFor(dir);
  const files = profileFiles(dir, model.id);
  if (files.size === 0) {
    const expected = `a folder ${model.id}/ of <GPU>.yaml profiles in ${dir}`;
    if (options.profilesDir) throw usageError('no-profiles', `no profiles for model ${model.id} in ${dir}`, { field: '--profiles', expected });
    if (root.has('profiles')) root.fail('profiles', expected, `no profiles for model ${model.id}`, 'no-profiles');
    root.fail('model', expected, `no bundled profiles for model ${model.id}; name a profile folder`, 'no-profiles');
  }
  return { dir, model, catalog: loadGpuCatalogs(catalogFiles), catalogFiles, files, kvReserve };
}

/**
 * Per-layer timing folders of the user's profiles, searched before the bundled tables as model
 * cards are: `<profiles>/layer-time`, then one level up (the bundled layout keeps layer-time/
 * beside the profile sets). The bundled folder itself is left to the loaders' fallback.
 */
function userLayerTimeDirs(dir: string): string[] {
  const bundled = resolve(bundledProfilesDir, 'layer-time');
  return overlayRoots(dir)
    .map((r) => join(r, 'layer-time'))
    .filter((d) => d !== bundled && existsSync(d));
}

/**
 * Most nodes a cluster may have. Link tables are nodes x nodes: 4,096 nodes plan in about 25 s
 * and 1.2 GB (`-t 10`, maxflow), while 20,000 exhausted the heap after a minute.
 */
export const MAX_NODES = 4096;

/** Nodes one by one or as groups {gpu, count, name?} -> name-1 .. name-count; names unique. */
function readNodes(root: Fields, ctx: ProfileContext, skipServableCheck = false): { nodes: NodeInit[]; profiles: ReadonlyMap<string, GpuProfile> } {
  const nodes: NodeInit[] = [];
  const profiles = new Map<string, GpuProfile>();
  const seen = new Set<string>();
  const entries = root.list('nodes');
  if (entries.length === 0) root.fail('nodes', 'at least one node', 'the cluster has no nodes');
  for (const entry of entries) {
    entry.onlyKeys(NODE_KEYS);
    const gpu = entry.str('gpu');
    const type = ctx.catalog.get(gpu) ?? entry.fail('gpu', `a machine type from ${ctx.catalogFiles.join(' + ')}: ${[...ctx.catalog.keys()].join(', ')}`, `unknown GPU type "${gpu}"`, 'unknown-gpu');
    let profile = profiles.get(gpu);
    if (!profile) {
      const pf =
        ctx.files.get(gpu) ??
        entry.fail('gpu', `a profile ${ctx.model.id}/${gpu}.yaml in ${ctx.dir} (there: ${[...ctx.files.keys()].join(', ')})`, `no profile for ${gpu} serving ${ctx.model.id}`, 'no-profile');
      profile = loadProfile(pf, ctx.model, type, ctx.kvReserve);
      profiles.set(gpu, profile);
    }
    if (profile.maxLayers < 1) {
      // Too little memory, as the README's exit codes have it (1), not a malformed file: the
      // spec is right about the machine, which cannot serve this model.
      const gb = (ctx.model.weightBytesPerLayer / 1e9).toFixed(2);
      const why = ctx.model.weightBytesPerLayer > type.vramBytes ? `${gb} GB each, more than its ${(type.vramBytes / 1e9).toFixed(1)} GB); leave it out of the spec` : `${gb} GB each, kvReserve ${ctx.kvReserve}); leave it out of the spec, or lower kvReserve`;
      const e = entry.error('gpu', `${gpu} cannot hold a single layer of ${ctx.model.id} (${why}`, { expected: `a machine that can hold at least one layer of ${ctx.model.id}`, found: gpu }, 'no-layer-fits');
      // validate judges every plan on the spec, and reads a spec it cannot load as bad input (2).
      throw skipServableCheck ? e : new HelixError(e.code, 'infeasible', e.message, e.details);
    }
    const region = entry.optName('region') ?? DEFAULT_REGION;
    const count = entry.optNum('count', { min: 1, max: MAX_NODES, int: true });
    const base = entry.optName('name') ?? gpu.toLowerCase();
    if (nodes.length + (count ?? 1) > MAX_NODES) {
      // The count, not the node list, is what is wrong: quoting the list says nothing.
      throw root.error('nodes', `the cluster has more than ${MAX_NODES} nodes`, { expected: `at most ${MAX_NODES} nodes in all (planning keeps tables of nodes x nodes links)`, found: `at least ${nodes.length + (count ?? 1)} nodes` }, 'too-many-nodes');
    }
    const names = count === undefined ? [base] : Array.from({ length: count }, (_, k) => `${base}-${k + 1}`);
    for (const name of names) {
      if (RESERVED_NAMES.has(name)) entry.fail('name', 'a node name other than "coordinator", "source" and "sink"', `"${name}" is reserved`);
      if (seen.has(name)) entry.fail('name', 'unique node names', `duplicate node name "${name}"`, 'duplicate-node');
      seen.add(name);
      nodes.push({
        name,
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
  return { nodes, profiles };
}

export function loadCluster(file: string, options: LoadOptions = {}): Cluster {
  const { data, lineOf } = readYamlSpec(file);
  const root = Fields.root(data, file, lineOf).onlyKeys(TOP_KEYS);
  const given = root.optName('name');
  const name = given ?? (file === STDIN_FILE ? 'stdin' : basename(file).replace(/\.ya?ml$/, ''));
  const ctx = profileContext(root, file, options);
  const { nodes, profiles } = readNodes(root, ctx, options.skipServableCheck);
  const mixed = mixedDerivationNote(profiles.values());
  const network = readNetwork(root, nodes);

  const cluster = buildCluster({
    name,
    file,
    model: ctx.model,
    nodes,
    coordinatorRegion: network.coordinatorRegion,
    link: network.link,
    coordinatorLink: network.coordinatorLink,
    layerTimeDirs: userLayerTimeDirs(ctx.dir),
  });
  const withNotes = { ...cluster, ...(mixed ? { inputNotes: [mixed] } : {}), ...(given === undefined ? { unnamed: true as const } : {}) };
  // A coordinator that reaches nobody is a gap in the file (no figures apply), not a property of the hardware.
  if (!cluster.sourceCapacity.some((c) => c > 0)) {
    throw inputError('no-coordinator-link', 'the coordinator is linked to no node', {
      file,
      field: root.has('coordinator') ? 'coordinator' : 'network',
      expected: `coordinator.bandwidth, or network figures (default, regions.${network.coordinatorRegion} or between) that cover the coordinator's region`,
    });
  }
  if (!options.skipServableCheck) checkServable(cluster);
  return withNotes;
}
