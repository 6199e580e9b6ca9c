// Reads a YAML file into plain data, turning every failure into an input error naming the file
// (and the line, for syntax errors). Keeps the parsed document so that later validation errors
// can point at the line of the offending field too.

import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { isNode, LineCounter, parseDocument } from 'yaml';
import { HelixError, inputError } from '../errors.js';
import { STDIN_FILE } from '../stdin.js';

/** A key path into the data, e.g. ['nodes', 3, 'gpu']. */
export type KeyPath = readonly (string | number)[];

/** Line (1-based) where the value at a key path starts, when the file has it. */
export type LineLocator = (path: KeyPath) => number | undefined;

export interface YamlSpec {
  readonly data: unknown;
  readonly lineOf: LineLocator;
}

/**
 * The most bytes an input may have (256 MiB). A plan of the largest cluster helix takes (4,096
 * nodes) is about 3 MB, and plans written before 2026-12-01, which listed every routing hop, tens
 * of MB; without a cap, `/dev/zero` or a runaway pipe as an input would fill memory before any
 * message.
 */
export const MAX_INPUT_BYTES = 256 * 1024 * 1024;

function tooLarge(file: string) {
  return inputError('too-large', `larger than ${MAX_INPUT_BYTES / 1024 / 1024} MiB, far more than any cluster spec, plan, profile or trace helix reads`, { file, expected: `a file of at most ${MAX_INPUT_BYTES / 1024 / 1024} MiB` });
}

/**
 * A file's bytes, at most the cap. A regular file is measured and read whole; anything else (a
 * device, a FIFO, a pipe) in chunks, so that an endless one stops at the cap.
 */
function readBounded(file: string): Buffer {
  // Standard input is fd 0, already open (and not ours to close).
  const fd = file === STDIN_FILE ? 0 : openSync(file, 'r');
  try {
    const stat = fstatSync(fd);
    if (stat.isFile()) {
      if (stat.size > MAX_INPUT_BYTES) throw tooLarge(file);
      return readFileSync(fd);
    }
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(1 << 20);
      const got = readSync(fd, chunk, 0, chunk.length, null);
      if (got === 0) break;
      total += got;
      if (total > MAX_INPUT_BYTES) throw tooLarge(file);
      chunks.push(got === chunk.length ? chunk : chunk.subarray(0, got));
    }
    return Buffer.concat(chunks, total);
  } finally {
    if (fd !== 0) closeSync(fd);
  }
}

/** Standard input can be read once; a second reader of `-` in the same run gets the same bytes. */
let stdinBytes: Buffer | null = null;

/**
 * Bytes as UTF-8, refusing what is not: a lenient decoder would turn a Latin-1 node name into
 * one with U+FFFD in it, and the plan would name a node the spec's author never wrote.
 */
function decodeUtf8(bytes: Buffer, file: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    // The first offending byte, for the message: where the lenient decoding first put a U+FFFD
    // that the file does not hold as the character itself (EF BF BD).
    const lenient = bytes.toString('utf8');
    let at = 0;
    for (let i = lenient.indexOf('\uFFFD'); i >= 0; i = lenient.indexOf('\uFFFD', i + 1)) {
      at = Buffer.byteLength(lenient.slice(0, i), 'utf8');
      if (!(bytes[at] === 0xef && bytes[at + 1] === 0xbf && bytes[at + 2] === 0xbd)) break;
    }
    let line = 1;
    for (let k = 0; k < at; k++) if (bytes[k] === 0x0a) line++;
    const hex = bytes[at].toString(16).toUpperCase().padStart(2, '0');
    throw inputError('not-utf8', `not UTF-8 text: byte 0x${hex} on line ${line} is not part of a UTF-8 character`, { file, expected: 'a file saved as UTF-8' });
  }
}

/**
 * Reads standard input whole, ahead of the synchronous loaders. The CLI calls it when an input
 * is `-`: a synchronous read of a pipe whose writer has not written yet fails with EAGAIN
 * (`helix plan --json | helix validate -`).
 */
export async function readStdinAhead(): Promise<void> {
  if (stdinBytes !== null) return;
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of process.stdin) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    total += bytes.length;
    if (total > MAX_INPUT_BYTES) throw tooLarge(STDIN_FILE);
    chunks.push(bytes);
  }
  stdinBytes = Buffer.concat(chunks);
}

/** A text input file (spec, plan, CSV), with the same words for every way reading it can fail; a UTF-8 byte-order mark is dropped. */
export function readText(file: string): string {
  let bytes: Buffer;
  try {
    bytes = file === STDIN_FILE ? (stdinBytes ??= readBounded(STDIN_FILE)) : readBounded(file);
  } catch (e) {
    if (e instanceof HelixError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a folder, not a file' : `cannot read ${file === STDIN_FILE ? 'standard input' : 'file'} (${code ?? 'error'})`;
    throw inputError('unreadable', why, { file });
  }
  return decodeUtf8(bytes, file).replace(/^\uFEFF/, '');
}

export function readYamlSpec(file: string): YamlSpec {
  const text = readText(file);
  const lines = new LineCounter();
  // logLevel 'error': the parser's warnings (a key that is a list) would reach stderr as a raw
  // Node warning after helix's own message; the unknown field they lead to is reported anyway.
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true, merge: true, lineCounter: lines, logLevel: 'error' });
  if (doc.errors.length > 0) {
    const err = doc.errors[0];
    const line = lines.linePos(err.pos[0]).line;
    // The parser recurses per level of nesting: past the stack, say what that means.
    const why = /Maximum call stack/.test(err.message) ? 'nested too deeply to read' : err.message.split('\n')[0];
    throw inputError('bad-yaml', `malformed YAML at line ${line}: ${why}`, { file, expected: 'valid YAML' });
  }
  const lineOf: LineLocator = (path) => {
    // Walk up to the nearest ancestor present in the file: a missing field is reported at its parent.
    for (let n = path.length; n >= 0; n--) {
      const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
      if (isNode(node) && node.range) return lines.linePos(node.range[0]).line;
    }
    return undefined;
  };
  let data: unknown;
  try {
    data = doc.toJS();
  } catch (e) {
    // The parser accepts the text but refuses to expand it (an alias bomb: aliases of aliases
    // that would expand to millions of nodes).
    throw inputError('bad-yaml', `YAML that cannot be expanded: ${(e as Error).message.split('\n')[0]}`, { file, expected: 'valid YAML without runaway aliases' });
  }
  return { data, lineOf };
}

export function readYamlFile(file: string): unknown {
  return readYamlSpec(file).data;
}
