// Where per-layer timings come from: a profiling folder (prompt_bs2time.csv + decode_bs2time.csv,
// the Helix artifact's layout), one project layer-time YAML file, or the bundled files.

import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { inputError } from '../errors.js';
import { loadLayerTimeFile, loadLayerTimes, parseLayerTimeCsv } from '../spec/layer-time.js';
import { readText } from '../spec/yaml-file.js';
import type { PhaseTimes } from './derive.js';

export interface Timings {
  readonly times: PhaseTimes;
  /** Where they came from, for provenance lines. */
  readonly from: string;
  /** What a layer-time YAML file says it measured (CSV folders do not say). */
  readonly measured?: { readonly gpu: string; readonly model: string };
}

const PROMPT_CSV = 'prompt_bs2time.csv';
const DECODE_CSV = 'decode_bs2time.csv';

function readCsv(file: string) {
  if (!existsSync(file)) throw inputError('unreadable', 'file not found', { file, expected: `a CSV of batch tokens, ms per layer` });
  // As every input: UTF-8, or an error naming the first byte that is not.
  return parseLayerTimeCsv(readText(file), file);
}

/** Timings at `path`: a folder holding the two CSVs, or a project layer-time YAML file. */
export function readTimings(path: string): Timings {
  if (!existsSync(path)) throw inputError('unreadable', 'file or folder not found', { file: path, expected: `a folder with ${PROMPT_CSV} and ${DECODE_CSV}, or a layer-time .yaml` });
  if (statSync(path).isDirectory()) {
    return { times: { prompt: readCsv(join(path, PROMPT_CSV)), decode: readCsv(join(path, DECODE_CSV)) }, from: path };
  }
  if (/\.(csv|tsv|txt)$/i.test(path)) {
    throw inputError('bad-timings-path', 'a single CSV is half the timings: the prompt and decode tables go together', {
      file: path,
      expected: `the folder holding ${PROMPT_CSV} and ${DECODE_CSV}, or a layer-time .yaml`,
    });
  }
  const t = loadLayerTimeFile(path);
  return { times: { prompt: t.prompt, decode: t.decode }, from: path, measured: { gpu: t.gpu, model: t.model } };
}

/** Bundled or given layer-time folder: GPU -> timings for the model. */
export function timingsForModel(layerTimeDir: string, modelId: string): Map<string, Timings> {
  const out = new Map<string, Timings>();
  for (const [gpu, t] of loadLayerTimes(layerTimeDir, modelId)) out.set(gpu, { times: { prompt: t.prompt, decode: t.decode }, from: t.file });
  return out;
}
