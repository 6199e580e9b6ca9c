// Helpers for spec tests: throwaway spec files in a temp folder, and catching the HelixError a
// loader throws so tests can assert on its code, kind, file and field.

import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { HelixError } from '../../src/errors.js';
import { repoRoot } from '../fixtures/cli.js';

export const bundledProfiles = join(repoRoot, 'profiles');
export const setA = join(bundledProfiles, 'helix-set-a');
export const setB = join(bundledProfiles, 'helix-set-b');

const dir = mkdtempSync(join(tmpdir(), 'helix-spec-test-'));
let counter = 0;

/** Writes `text` to a fresh file (optionally at a relative path) and returns its path. */
export function writeTemp(text: string, relative = `spec-${++counter}.yaml`): string {
  const file = join(dir, relative);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
  return file;
}

export function tempDir(name: string): string {
  const d = join(dir, name);
  mkdirSync(d, { recursive: true });
  return d;
}

export function failure(fn: () => unknown): HelixError {
  try {
    fn();
  } catch (e) {
    if (e instanceof HelixError) return e;
    throw e;
  }
  throw new Error('expected a HelixError, but nothing was thrown');
}

/** A spec for llama2-70b on set A with the given node lines (YAML list items) and extra top-level YAML. */
export function spec70b(nodes: string, extra = ''): string {
  return `name: t\nmodel: llama2-70b\nprofiles: ${setA}\n${extra}nodes:\n${nodes}`;
}

/** Seven A100s hold 84 layers: enough for llama2-70b. */
export const ENOUGH = '  - { gpu: A100-40G, count: 7, region: r }\n';
export const LINKED = 'network:\n  default: { bandwidth: 1GB/s, latency: 1ms }\n';
