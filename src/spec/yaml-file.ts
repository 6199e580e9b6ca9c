// Reads a YAML file into plain data, turning every failure into an input error naming the file
// (and the line, for syntax errors).

import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { inputError } from '../errors.js';

export function readYamlFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a folder, not a file' : `cannot read file (${code ?? 'error'})`;
    throw inputError('unreadable', why, { file });
  }
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const err = doc.errors[0];
    const line = err.linePos?.[0]?.line;
    throw inputError('bad-yaml', `malformed YAML${line ? ` at line ${line}` : ''}: ${err.message.split('\n')[0]}`, { file });
  }
  return doc.toJS();
}
