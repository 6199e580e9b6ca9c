import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { repoRoot } from '../fixtures/cli.js';
import { loadCluster } from '../../src/spec/cluster.js';
import { writeTemp } from './spec-files.js';

const schema = (name: string) => JSON.parse(readFileSync(join(repoRoot, 'schemas', `${name}.schema.json`), 'utf8'));

/** Every key used in the data is declared in the schema (a structural check; units are checked by the loader). */
function undeclared(data: unknown, node: any, root: any, path: string): string[] {
  if (node?.$ref) node = root.$defs[node.$ref.split('/').at(-1)];
  if (node?.allOf) node = { ...node, properties: { ...node.allOf.reduce((a: any, s: any) => ({ ...a, ...(s.$ref ? root.$defs[s.$ref.split('/').at(-1)] : s).properties }), {}), ...node.properties } };
  if (Array.isArray(data)) return data.flatMap((d, i) => undeclared(d, node?.items, root, `${path}[${i}]`));
  if (typeof data !== 'object' || data === null) return [];
  const out: string[] = [];
  for (const [k, v] of Object.entries(data)) {
    const sub = node?.properties?.[k] ?? (typeof node?.additionalProperties === 'object' ? node.additionalProperties : undefined);
    if (!sub) out.push(`${path}.${k}`);
    else out.push(...undeclared(v, sub, root, `${path}.${k}`));
  }
  return out;
}

describe('schemas cover the bundled files', () => {
  it('every bundled cluster', () => {
    for (const f of readdirSync(join(repoRoot, 'clusters'))) {
      const data = parse(readFileSync(join(repoRoot, 'clusters', f), 'utf8'));
      expect(undeclared(data, schema('cluster'), schema('cluster'), f)).toEqual([]);
      for (const key of schema('cluster').required) expect(data).toHaveProperty(key);
    }
  });

  it('every profile and model card', () => {
    const profiles = join(repoRoot, 'profiles');
    for (const set of readdirSync(profiles).filter((d) => d.startsWith('helix-set-'))) {
      for (const model of readdirSync(join(profiles, set))) {
        for (const f of readdirSync(join(profiles, set, model))) {
          const data = parse(readFileSync(join(profiles, set, model, f), 'utf8'));
          expect(undeclared(data, schema('profile'), schema('profile'), f)).toEqual([]);
        }
      }
    }
    for (const f of readdirSync(join(profiles, 'models'))) {
      const data = parse(readFileSync(join(profiles, 'models', f), 'utf8'));
      expect(undeclared(data, schema('model'), schema('model'), f)).toEqual([]);
    }
  });
});

describe('the loader accepts everything the cluster schema declares', () => {
  // One spec using every declared field; the check below fails if the schema gains a field this
  // spec does not use, so schema and loader cannot drift apart unnoticed.
  const everything = `
name: all
description: every field the schema declares
model: llama1-30b
profiles: ${join(repoRoot, 'profiles', 'helix-set-a')}
kvReserve: 0.5
coordinator: { region: lab, bandwidth: 1GB/s, latency: 1ms, jitter: 0.1, latencyJitter: 1ms }
network:
  seed: 4
  default: { bandwidth: 1GB/s, latency: 1ms, jitter: 0.1, latencyJitter: 0.5ms }
  regions:
    lab: { bandwidth: 2GB/s, latency: 1ms, jitter: 0.05, latencyJitter: 0.1ms }
  between:
    - { regions: [lab, annex], bandwidth: 100MB/s, latency: 10ms, jitter: 0.2, latencyJitter: 2ms }
  links:
    - { from: a100-1, to: t4-1, bandwidth: 10Gbps, latency: 1ms, jitter: 0, latencyJitter: 0ms, bidirectional: false }
nodes:
  - { name: a100, gpu: A100-40G, count: 2, region: lab }
  - { name: l4, gpu: L4, region: lab }
  - { gpu: T4, count: 2, region: annex }
`;

  function declaredPaths(node: any, root: any, path: string): string[] {
    if (node?.$ref) node = root.$defs[node.$ref.split('/').at(-1)];
    const parts = [...(node?.allOf ?? []).map((s: any) => (s.$ref ? root.$defs[s.$ref.split('/').at(-1)] : s)), node];
    const out: string[] = [];
    for (const p of parts) {
      for (const [k, sub] of Object.entries<any>(p?.properties ?? {})) out.push(`${path}.${k}`, ...declaredPaths(sub, root, `${path}.${k}`));
      if (p?.items) out.push(...declaredPaths(p.items, root, `${path}[]`));
      if (typeof p?.additionalProperties === 'object') out.push(...declaredPaths(p.additionalProperties, root, `${path}.*`));
    }
    return out;
  }

  function usedPaths(data: unknown, path: string, mapKeys: ReadonlySet<string>): string[] {
    if (Array.isArray(data)) return data.flatMap((d) => usedPaths(d, `${path}[]`, mapKeys));
    if (typeof data !== 'object' || data === null) return [];
    return Object.entries(data).flatMap(([k, v]) => {
      const p = mapKeys.has(path) ? `${path}.*` : `${path}.${k}`;
      return [p, ...usedPaths(v, p, mapKeys)];
    });
  }

  it('loads, and uses every declared field', () => {
    const c = loadCluster(writeTemp(everything));
    expect(c.nodes.map((n) => n.name)).toEqual(['a100-1', 'a100-2', 'l4', 't4-1', 't4-2']);
    const used = new Set(usedPaths(parse(everything), '', new Set(['.network.regions'])));
    const missing = declaredPaths(schema('cluster'), schema('cluster'), '').filter((p) => !used.has(p));
    expect(missing).toEqual([]);
  });
});
