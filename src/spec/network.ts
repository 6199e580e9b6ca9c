// The `network:` and `coordinator:` sections of a cluster spec -> one link per ordered node pair
// and one coordinator link per node. Resolution, most specific first: an explicit link, the
// figures between two regions, the figures inside a region, the default; no match = no link.

import { createRng } from '../search/rng.js';
import type { LinkInit } from './build.js';
import type { Fields } from './fields.js';

/** Link figures as written, before the per-link jitter draw. */
export interface LinkSpec {
  /** bytes/s; 0 = no link. */
  readonly bandwidth: number;
  /** seconds. */
  readonly latency: number;
  /** Relative +- spread of bandwidth, drawn once per physical link. */
  readonly jitter: number;
  /** Absolute +- spread of latency, seconds. */
  readonly latencyJitter: number;
}

const LINK_KEYS = ['bandwidth', 'latency', 'jitter', 'latencyJitter'];

/**
 * Longest latency a link may have. Every decode step crosses every hop, so a link slower than
 * this serves nothing; a larger figure is a unit slip (10000 meant as microseconds), and left in
 * it made the simulator's clock run to 1e33 s.
 */
export const MAX_LINK_LATENCY_SEC = 10;

/** Link figures as written: a latency left out is taken from the entry this one refines. */
export interface WrittenLink {
  readonly bandwidth: number;
  readonly jitter: number;
  readonly latency?: number;
  readonly latencyJitter?: number;
}

/** Reads link figures; `extraKeys` are the other keys allowed beside them in that place. */
export function readWrittenLink(f: Fields, extraKeys: readonly string[] = [], allowZero = true): WrittenLink {
  f.onlyKeys([...LINK_KEYS, ...extraKeys]);
  return {
    bandwidth: f.bandwidth('bandwidth', allowZero),
    // Below 1, so a draw can never make a bandwidth zero or negative.
    jitter: f.optNum('jitter', { min: 0, below: 1 }) ?? 0,
    ...(f.has('latency') ? { latency: f.duration('latency', MAX_LINK_LATENCY_SEC) } : {}),
    ...(f.has('latencyJitter') ? { latencyJitter: f.duration('latencyJitter', MAX_LINK_LATENCY_SEC) } : {}),
  };
}

/**
 * The figures of a written entry over the entry it refines (a link over its regions' figures, a
 * region's over the default): bandwidth is always written, with its own jitter; a latency left
 * out is the refined entry's, with that entry's jitter unless one is written. Without a refined
 * entry a missing latency is 0. (A link override that gave only a bandwidth once dropped a 2 s
 * cross-region latency to 0.)
 */
export function refine(written: WrittenLink, base: LinkSpec | undefined): LinkSpec {
  const inherited = written.latency === undefined;
  return {
    bandwidth: written.bandwidth,
    jitter: written.jitter,
    latency: written.latency ?? base?.latency ?? 0,
    latencyJitter: written.latencyJitter ?? (inherited ? (base?.latencyJitter ?? 0) : 0),
  };
}

/** Reads link figures that refine nothing (missing latency: 0). */
export function readLinkSpec(f: Fields, extraKeys: readonly string[] = [], allowZero = true): LinkSpec {
  return refine(readWrittenLink(f, extraKeys, allowZero), undefined);
}

const FNV_OFFSET = 2166136261;

/** FNV-1a of `s` continued from state `h`, so a hash of `a\0b` can start from a stored hash of `a\0`. */
function foldString(h: number, s: string): number {
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h;
}

/** FNV-1a state after `name` and the separator: the first half of a link key (see realiseLink). */
const keyPrefix = (name: string): number => Math.imul(foldString(FNV_OFFSET, name) ^ 0, 16777619);

/** Draws a link's figures from its key's hash (both directions share the key, so they agree). */
function drawLink(spec: LinkSpec, seed: number, keyHash: number): LinkInit {
  const rng = createRng((seed ^ (keyHash >>> 0)) >>> 0);
  const bandwidth = spec.bandwidth * (1 + spec.jitter * (2 * rng.next() - 1));
  const latency = Math.max(0, spec.latency + spec.latencyJitter * (2 * rng.next() - 1));
  return { bandwidth, latency };
}

const fixed = (spec: LinkSpec): boolean => spec.jitter === 0 && spec.latencyJitter === 0;

/**
 * The link's actual figures: one draw per physical link, keyed by the two end names, so both
 * directions agree and adding or reordering other nodes does not change this link.
 */
export function realiseLink(spec: LinkSpec, seed: number, a: string, b: string): LinkInit {
  if (fixed(spec)) return { bandwidth: spec.bandwidth, latency: spec.latency };
  return drawLink(spec, seed, a < b ? foldString(keyPrefix(a), b) : foldString(keyPrefix(b), a));
}

export interface NetworkNode {
  readonly name: string;
  readonly region: string;
}

/** Resolved link lookups over node indices, ready for buildCluster. */
export interface Network {
  readonly coordinatorRegion: string;
  link(i: number, j: number): LinkInit | null;
  coordinatorLink(i: number): LinkInit | null;
}

const COORDINATOR = 'coordinator';

const pairKey = (a: string, b: string): string => (a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`);

/**
 * Reads `coordinator:` and `network:` (either may be absent) for the given nodes. Region names in
 * the network must be regions of some node or of the coordinator: a misspelt region would
 * otherwise silently leave links at the default.
 */
export function readNetwork(root: Fields, nodes: readonly NetworkNode[]): Network {
  const coord = root.optObj('coordinator');
  coord?.onlyKeys(['region', ...LINK_KEYS]);
  const coordinatorRegion = coord?.optName('region') ?? nodes[0].region;
  // Dedicated coordinator links, when given, apply to every node wherever it is.
  const coordSpec = coord?.has('bandwidth') ? readLinkSpec(coord.without('region'), [], false) : undefined;
  if (coord && !coord.has('bandwidth')) {
    for (const k of LINK_KEYS) if (coord.has(k)) coord.fail(k, 'coordinator bandwidth as well', `${k} needs a coordinator bandwidth`);
  }

  const regions = new Set([...nodes.map((n) => n.region), coordinatorRegion]);
  const known = `one of ${[...regions].join(', ')}`;
  const net = root.optObj('network');
  net?.onlyKeys(['seed', 'default', 'regions', 'between', 'links']);
  // The draws use 32 bits of it: a larger seed would repeat a smaller one's draws.
  const seed = net?.optNum('seed', { int: true, min: 0, max: 2 ** 32 - 1 }) ?? 1;
  const fallback = net?.has('default') ? readLinkSpec(net.obj('default')) : undefined;

  const intra = new Map<string, LinkSpec>();
  const regionsField = net?.optObj('regions');
  for (const r of Object.keys(regionsField?.data ?? {})) {
    if (!regions.has(r)) regionsField!.fail(r, `a region of some node or of the coordinator: ${known}`, `unknown region "${r}"`, 'unknown-region');
    intra.set(r, refine(readWrittenLink(regionsField!.obj(r)), fallback));
  }

  const inter = new Map<string, LinkSpec>();
  for (const b of net?.optList('between') ?? []) {
    const raw = b.data.regions;
    const pair: string[] =
      Array.isArray(raw) && raw.length === 2 && raw.every((r) => typeof r === 'string')
        ? (raw as string[])
        : b.fail('regions', 'two region names, e.g. [us-west, us-east]');
    for (const r of pair) if (!regions.has(r)) b.fail('regions', `regions of nodes or of the coordinator: ${known}`, `unknown region "${r}"`, 'unknown-region');
    if (pair[0] === pair[1]) b.fail('regions', `two different regions (links inside ${pair[0]} go under network.regions)`);
    if (inter.has(pairKey(pair[0], pair[1]))) b.fail('regions', `one entry per pair of regions`, `a second entry for ${pair[0]} <-> ${pair[1]}`, 'duplicate-link');
    inter.set(pairKey(pair[0], pair[1]), refine(readWrittenLink(b, ['regions']), fallback));
  }

  // A coordinator region that no node has and no network entry names is almost always a typo:
  // it would silently put every coordinator link on the default figures.
  const nodeRegions = new Set(nodes.map((n) => n.region));
  const namedByNetwork = intra.has(coordinatorRegion) || [...inter.keys()].some((k) => k.split('\u0000').includes(coordinatorRegion));
  if (coord?.has('region') && !coordSpec && !nodeRegions.has(coordinatorRegion) && !namedByNetwork) {
    coord.fail(
      'region',
      `a region of some node (${[...nodeRegions].join(', ')}), or one that network.regions or network.between names`,
      `unknown region "${coordinatorRegion}"`,
      'unknown-region',
    );
  }

  const index = new Map(nodes.map((n, i) => [n.name, i]));
  const overrides = new Map<number, WrittenLink>();
  const n = nodes.length;
  const coordOverrides = new Map<number, WrittenLink>();
  for (const l of net?.optList('links') ?? []) {
    const spec = readWrittenLink(l, ['from', 'to', 'bidirectional']);
    const ends = (['from', 'to'] as const).map((key): number => {
      const name = l.str(key);
      if (name === COORDINATOR) return -1;
      return index.get(name) ?? l.fail(key, `a node name or "${COORDINATOR}"`, `unknown node "${name}"`, 'unknown-node');
    });
    const [a, b] = ends;
    if (a === b) l.fail('to', 'a different end than `from`', 'a link needs two different ends');
    // Which of two entries for one link would win is an accident of their order: refused.
    const coordinator = a === -1 || b === -1;
    const twice = () =>
      l.fail(
        'to',
        coordinator ? 'one entry per coordinator link (a coordinator link has the same figures both ways)' : 'one entry per link (two one-way entries for different figures each way)',
        `a second entry for the link ${l.str('from')} -> ${l.str('to')}`,
        'duplicate-link',
      );
    if (coordinator) {
      // The coordinator's links are one figure both ways (Cluster.sourceCapacity = sinkCapacity):
      // a one-way entry would be applied both ways without a word.
      if (l.has('bidirectional') && !l.bool('bidirectional', true)) l.fail('bidirectional', 'true, or left out: a coordinator link has the same figures both ways', 'a one-way coordinator link');
      if (coordOverrides.has(a === -1 ? b : a)) twice();
      coordOverrides.set(a === -1 ? b : a, spec);
    } else {
      const both = l.bool('bidirectional', true);
      if (overrides.has(a * n + b) || (both && overrides.has(b * n + a))) twice();
      overrides.set(a * n + b, spec);
      if (both) overrides.set(b * n + a, spec);
    }
  }

  const between = (ra: string, rb: string): LinkSpec | undefined =>
    ra === rb ? (intra.get(ra) ?? fallback) : (inter.get(pairKey(ra, rb)) ?? fallback);

  // buildCluster asks for every ordered pair (16 million at 4,000 nodes), so what depends on one
  // end only is worked out once per node: its region's row of specs and its half of the link key.
  const regionList = [...regions];
  const regionOf = nodes.map((node) => regionList.indexOf(node.region));
  const R = regionList.length;
  const specByRegions = Array.from({ length: R * R }, (_, k) => between(regionList[Math.floor(k / R)], regionList[k % R]));
  const prefix = nodes.map((node) => keyPrefix(node.name));
  const nameRank = new Int32Array(n);
  nodes
    .map((node, i) => i)
    .sort((a, b) => (nodes[a].name < nodes[b].name ? -1 : nodes[a].name > nodes[b].name ? 1 : 0))
    .forEach((i, rank) => (nameRank[i] = rank));

  return {
    coordinatorRegion,
    link(i, j) {
      const general = specByRegions[regionOf[i] * R + regionOf[j]];
      const own = overrides.get(i * n + j);
      const spec = own ? refine(own, general) : general;
      if (!spec) return null;
      if (fixed(spec)) return { bandwidth: spec.bandwidth, latency: spec.latency };
      const first = nameRank[i] < nameRank[j];
      return drawLink(spec, seed, foldString(prefix[first ? i : j], nodes[first ? j : i].name));
    },
    coordinatorLink(i) {
      const general = coordSpec ?? between(coordinatorRegion, nodes[i].region);
      const own = coordOverrides.get(i);
      const spec = own ? refine(own, general) : general;
      return spec ? realiseLink(spec, seed, COORDINATOR, nodes[i].name) : null;
    },
  };
}
