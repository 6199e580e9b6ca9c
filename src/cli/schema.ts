// `helix schema cluster|plan|profile|model`: the JSON Schemas, for editors and other tools.

import { readFileSync } from 'node:fs';
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
    // dist/src/cli/schema.js and src/cli/schema.ts are both three levels below the repo root's schemas/.
    const candidates = ['../../../schemas/', '../../schemas/'].map((p) => new URL(`${p}${which}.schema.json`, import.meta.url));
    for (const url of candidates) {
      try {
        io.out(readFileSync(url, 'utf8'));
        return 0;
      } catch {
        // try the next layout
      }
    }
    throw usageError('schema-missing', `schema file for "${which}" is not installed`);
  },
};
