// Full JSON Schema validation (Ajv, draft 2020-12) of what helix reads and writes: the bundled
// inputs against their schemas, and plans of every kind the CLI writes against the plan schema.
// CI jobs check plans with a schema validator, so a key the schema does not declare (with
// additionalProperties: false) or a wrong type there is a broken contract, not a style issue.

import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { helix, repoRoot } from '../fixtures/cli.js';

const schema = (name: string) => JSON.parse(readFileSync(join(repoRoot, 'schemas', `${name}.schema.json`), 'utf8'));

function validator(name: string) {
  const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
  const validate = ajv.compile(schema(name));
  return (data: unknown): string[] => (validate(data) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '(top)'} ${e.message} ${JSON.stringify(e.params)}`));
}

describe('bundled inputs validate against their schemas', () => {
  it('every cluster', () => {
    const check = validator('cluster');
    for (const f of readdirSync(join(repoRoot, 'clusters'))) {
      expect(check(parse(readFileSync(join(repoRoot, 'clusters', f), 'utf8'))), f).toEqual([]);
    }
  });

  it('every profile and model card', () => {
    const profile = validator('profile');
    const model = validator('model');
    const profiles = join(repoRoot, 'profiles');
    for (const set of readdirSync(profiles).filter((d) => d.startsWith('helix-set-'))) {
      for (const m of readdirSync(join(profiles, set))) {
        for (const f of readdirSync(join(profiles, set, m))) expect(profile(parse(readFileSync(join(profiles, set, m, f), 'utf8'))), f).toEqual([]);
      }
    }
    for (const f of readdirSync(join(profiles, 'models'))) expect(model(parse(readFileSync(join(profiles, 'models', f), 'utf8'))), f).toEqual([]);
  });
});

describe('plans the CLI writes validate against the plan schema', () => {
  const check = validator('plan');
  const tiny = join(repoRoot, 'clusters', 'tiny.yaml');
  const dir = mkdtempSync(join(tmpdir(), 'helix-schema-'));
  const planned = (name: string, args: string[]): unknown => {
    const out = join(dir, `${name}.json`);
    const r = helix([...args, '-o', out, '-q']);
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(readFileSync(out, 'utf8'));
  };

  it('the default (delivered) plan, with its prediction and routing', () => {
    const plan = planned('delivered', ['plan', tiny, '-t', '3']) as Record<string, unknown>;
    expect(plan).toHaveProperty('delivered');
    expect(plan).toHaveProperty('routing');
    expect(check(plan)).toEqual([]);
  });

  it('a max-flow plan, a baseline placement and a replanned one', () => {
    const maxflow = planned('maxflow', ['plan', tiny, '-t', '3', '--objective', 'maxflow']);
    expect(check(maxflow)).toEqual([]);
    expect(check(planned('petals', ['plan', tiny, '-m', 'petals']))).toEqual([]);
    // tiny needs every node, so the replan is a join: one more L4.
    const bigger = join(dir, 'tiny-plus.yaml');
    writeFileSync(bigger, readFileSync(tiny, 'utf8').replace('../profiles', join(repoRoot, 'profiles')).replace('- { name: l4, gpu: L4, region: lab }', '- { name: l4, gpu: L4, region: lab }\n  - { name: l4b, gpu: L4, region: lab }'));
    expect(check(planned('replan', ['replan', join(dir, 'maxflow.json'), '-c', tiny, '--add-from', bigger, '-t', '3']))).toEqual([]);
  });

  it('the schema rejects what the plan reader rejects: an unknown key and a wrong type', () => {
    const plan = JSON.parse(readFileSync(join(dir, 'maxflow.json'), 'utf8'));
    expect(check({ ...plan, surprise: 1 })).not.toEqual([]);
    expect(check({ ...plan, throughput: 'fast' })).not.toEqual([]);
  });
});
