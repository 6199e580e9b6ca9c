// Model cards: YAML files under profiles/models/<id>.yaml.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { inputError } from '../errors.js';
import { makeModelCard } from './build.js';
import { Fields } from './fields.js';
import type { ModelCard } from './types.js';
import { readYamlFile } from './yaml-file.js';

const KEYS = ['id', 'name', 'layers', 'hiddenSize', 'bytesPerParam', 'bytesPerActivation', 'paramsPerLayer', 'kvBytesPerTokenPerLayer', 'tokenBytes', 'contextLength'];

export function loadModelCard(file: string): ModelCard {
  const f = Fields.root(readYamlFile(file), file).onlyKeys(KEYS);
  return makeModelCard({
    id: f.str('id'),
    name: f.optStr('name') ?? f.str('id'),
    layers: f.num('layers', { min: 1, int: true }),
    hiddenSize: f.num('hiddenSize', { min: 1, int: true }),
    bytesPerParam: f.num('bytesPerParam', { above: 0 }),
    bytesPerActivation: f.num('bytesPerActivation', { above: 0 }),
    paramsPerLayer: f.num('paramsPerLayer', { above: 0 }),
    kvBytesPerTokenPerLayer: f.num('kvBytesPerTokenPerLayer', { above: 0 }),
    tokenBytes: f.optNum('tokenBytes', { above: 0 }) ?? 2,
    contextLength: f.optNum('contextLength', { min: 1, int: true }) ?? 4096,
    file,
  });
}

/** Finds `<id>.yaml` in the given folders, first match wins. */
export function findModelCard(id: string, folders: readonly string[], where: { file: string; field: string }): ModelCard {
  for (const dir of folders) {
    const file = join(dir, `${id}.yaml`);
    if (existsSync(file)) return loadModelCard(file);
  }
  throw inputError('unknown-model', `unknown model "${id}"`, {
    ...where,
    expected: `a model card ${id}.yaml in ${folders.join(' or ')}`,
  });
}
