// `helix schema cluster|plan|profile|model`: the JSON Schemas, for editors and other tools.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundledSchemasDir } from '../spec/bundled.js';
import type { CommandSpec } from './command.js';
import { usageError } from '../errors.js';

const NAMES = ['cluster', 'plan', 'profile', 'model'] as const;

export const schemaCommand: CommandSpec = {
  name: 'schema',
  summary: `print a JSON Schema (${NAMES.join(', ')})`,
  args: [{ name: 'which', description: NAMES.join(' | '), required: true, word: true }],
  options: [],
  examples: ['helix schema cluster > cluster.schema.json', 'helix schema plan'],
  async run(args, _options, io) {
    const which = args[0] as (typeof NAMES)[number];
    if (!NAMES.includes(which)) throw usageError('bad-schema', `no schema named "${args[0]}"`, { expected: NAMES.join(', ') });
    let text: string;
    try {
      text = readFileSync(join(bundledSchemasDir, `${which}.schema.json`), 'utf8');
    } catch {
      throw usageError('schema-missing', `schema file for "${which}" is not installed`, { file: join(bundledSchemasDir, `${which}.schema.json`) });
    }
    io.out(text);
    return 0;
  },
};
