import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { repoRoot } from '../fixtures/cli.js';

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
