// Model cards: YAML files <dir>/<id>.yaml (bundled under profiles/models).

import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { inputError, type ErrorDetails } from '../errors.js';
import { makeModelCard } from './build.js';
import { Fields } from './fields.js';
import type { ModelCard } from './types.js';
import { readYamlSpec } from './yaml-file.js';

/**
 * Most transformer layers a model card may give. The deepest models served today have 61-126;
 * the searches' work grows with layers x machines, and a card with thousands (a typo, or a
 * file made by a script) would make `--time-limit` meaningless.
 */
export const MAX_LAYERS = 1024;

const KEYS = ['id', 'name', 'layers', 'hiddenSize', 'bytesPerParam', 'bytesPerActivation', 'paramsPerLayer', 'kvBytesPerTokenPerLayer', 'tokenBytes', 'contextLength'];

export function loadModelCard(file: string): ModelCard {
  const { data, lineOf } = readYamlSpec(file);
  const f = Fields.root(data, file, lineOf).onlyKeys(KEYS);
  const id = f.str('id');
  // Specs find cards by file name; a card whose id says otherwise would make plans name the wrong model.
  const stem = basename(file).replace(/\.ya?ml$/, '');
  if (id !== stem) f.fail('id', `"${stem}" (the file name)`, 'model id does not match its file name');
  return makeModelCard({
    id,
    name: f.optStr('name') ?? id,
    layers: f.num('layers', { min: 1, max: MAX_LAYERS, int: true }),
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

/**
 * Finds `<id>.yaml` in the given folders, first match wins. `where` names the place that asked
 * for the model (e.g. a cluster spec's `model` field) for the error when none is found.
 */
export function findModelCard(id: string, folders: readonly string[], where: Pick<ErrorDetails, 'file' | 'field'> = {}): ModelCard {
  // The id becomes a file name: no path tricks.
  if (/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(id)) {
    for (const dir of folders) {
      const file = join(dir, `${id}.yaml`);
      if (existsSync(file)) return loadModelCard(file);
    }
  }
  // The bundled folder is often reached two ways (beside the profiles and as the fallback).
  const distinct = [...new Set(folders.map((d) => resolve(d)))];
  const known = [...new Set(distinct.flatMap((d) => (existsSync(d) && statSync(d).isDirectory() ? readdirSync(d).filter((f) => f.endsWith('.yaml')).map((f) => f.slice(0, -5)) : [])))].sort();
  throw inputError('unknown-model', `unknown model "${id}"${known.length > 0 ? ` (known: ${known.join(', ')})` : ''}`, {
    ...where,
    expected: `a model card ${id}.yaml in ${distinct.join(' or ')}`,
  });
}

/** The model card for `id` from the first of `searchDirs` that has one. */
export function findModel(id: string, searchDirs: readonly string[]): ModelCard {
  return findModelCard(id, searchDirs);
}
