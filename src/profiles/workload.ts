// The "typical request" a throughput table is derived for: mean prompt and output lengths.
// A profile is only meaningful for a workload; the same GPU serves long prompts at a very
// different token rate than short chats, so every derived profile records which one it assumed.

import { HelixError, inputError, usageError } from '../errors.js';
import { readText } from '../spec/yaml-file.js';

export interface Workload {
  /** Mean prompt length, tokens. */
  readonly meanInput: number;
  /** Mean generated length, tokens. */
  readonly meanOutput: number;
  /** Where the figures came from, for the profile's provenance line. */
  readonly source: string;
  /** The lengths file read, where they came from one. */
  readonly file?: string;
}

/**
 * The lengths Helix derived its published tables for (a rounded Azure conversation trace:
 * 750 prompt tokens, 240 output tokens). Re-deriving the published tables needs exactly these.
 */
export const HELIX_WORKLOAD: Workload = { meanInput: 750, meanOutput: 240, source: 'Helix typical request (750 in, 240 out)' };

/** Mean context a decoding sequence attends over: the prompt plus, on average, half its output. */
export function meanDecodeContext(w: Workload): number {
  return w.meanInput + w.meanOutput / 2;
}

/**
 * Means of a request-length CSV (`input_tokens,output_tokens` per line, a header line allowed).
 * A header that names the columns is followed: the other way round (swapped columns turn a chat
 * trace into code completion), or among other columns (the Azure traces' own
 * `TIMESTAMP,ContextTokens,GeneratedTokens`). Without one, exactly two columns.
 */
export function workloadFromLengthsCsv(text: string, file: string): Workload {
  let n = 0;
  let sumIn = 0;
  let sumOut = 0;
  let first = true;
  // Column indices of the input and output lengths, and how many columns a line has.
  let at = { input: 0, output: 1, columns: 2 };
  text.split(/\r?\n/).forEach((line, i) => {
    const t = line.trim();
    if (t === '' || t.startsWith('#')) return;
    const header = first;
    first = false;
    const cells = t.split(/\s*[,;\t]\s*/);
    const a = Number(cells[at.input]);
    const b = Number(cells[at.output]);
    // As many columns as the header named (two without one): another count is more likely a file
    // of another shape than data to ignore.
    if (cells.length !== at.columns || cells.some((c) => c === '') || !Number.isFinite(a) || !Number.isFinite(b)) {
      if (header) {
        // A header line, after any comments (the bundled files have both).
        const roles = cells.map(columnRole);
        const input = roles.indexOf('input');
        const output = roles.indexOf('output');
        if (cells.length === 2 && roles[0] !== null && roles[0] === roles[1]) {
          throw inputError('bad-workload', `both columns read as ${roles[0]} lengths`, { file, field: `line ${i + 1}`, expected: 'input_tokens,output_tokens', found: JSON.stringify(t) });
        }
        if (input >= 0 && output >= 0) at = { input, output, columns: cells.length };
        else if (cells.length === 2 && (roles[0] === 'output' || roles[1] === 'input')) at = { input: 1, output: 0, columns: 2 };
        return;
      }
      throw inputError('bad-workload', 'not a request-length line', { file, field: `line ${i + 1}`, expected: at.columns === 2 ? 'input_tokens,output_tokens' : `${at.columns} columns, as the header names them`, found: JSON.stringify(t) });
    }
    if (a < 0 || b < 0) throw inputError('bad-workload', 'negative length', { file, field: `line ${i + 1}`, found: t });
    n++;
    sumIn += a;
    sumOut += b;
  });
  if (n === 0 || sumIn <= 0 || sumOut <= 0) {
    throw inputError('bad-workload', 'no requests with positive lengths', { file, expected: 'input_tokens,output_tokens lines' });
  }
  return { meanInput: sumIn / n, meanOutput: sumOut / n, source: `${file} (${n} requests)` };
}

/**
 * Which length a header cell names, by the words traces use (the Azure traces' ContextTokens and
 * GeneratedTokens, isl/osl, prompt/completion...); null when it names neither.
 */
function columnRole(cell: string): 'input' | 'output' | null {
  const c = cell.toLowerCase();
  if (/out|gen|complet|respon|decode|new|osl|answer/.test(c)) return 'output';
  if (/in|prompt|context|ctx|request|prefill|isl|query/.test(c)) return 'input';
  return null;
}

/** `--workload`: either `IN:OUT` mean lengths, or a request-length CSV file. */
export function parseWorkloadArg(value: string, readFile?: (path: string) => string): Workload {
  const m = /^\s*(\d+(?:\.\d+)?)\s*:\s*(\d+(?:\.\d+)?)\s*$/.exec(value);
  if (m) {
    const meanInput = Number(m[1]);
    const meanOutput = Number(m[2]);
    if (meanInput <= 0 || meanOutput <= 0) {
      throw usageError('bad-option', '--workload lengths must be positive', { expected: 'IN:OUT such as 750:240', found: JSON.stringify(value) });
    }
    return { meanInput, meanOutput, source: `mean ${meanInput} in, ${meanOutput} out` };
  }
  let text: string;
  try {
    // As every input: UTF-8, or an error naming the first byte that is not.
    text = readFile ? readFile(value) : readText(value);
  } catch (e) {
    if (e instanceof HelixError && (e.code === 'not-utf8' || e.code === 'too-large')) throw e;
    throw usageError('bad-option', '--workload is neither IN:OUT nor a readable file', { expected: 'IN:OUT such as 750:240, or a CSV of input_tokens,output_tokens', found: JSON.stringify(value) });
  }
  return { ...workloadFromLengthsCsv(text, value), file: value };
}
