import { describe, expect, it } from 'vitest';
import { mkdtempSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_INPUT_BYTES, readText, readYamlFile } from '../../src/spec/yaml-file.js';
import { HelixError } from '../../src/errors.js';
import { Fields } from '../../src/spec/fields.js';

const dir = mkdtempSync(join(tmpdir(), 'helix-yaml-file-'));

describe('readText', () => {
  it('refuses an input past the size cap with an error naming the file, not an out-of-memory', () => {
    const big = join(dir, 'big.yaml');
    writeFileSync(big, '');
    truncateSync(big, MAX_INPUT_BYTES + 1);
    expect(() => readText(big)).toThrow(HelixError);
    expect(() => readText(big)).toThrow(/larger than 64 MiB/);
    // At the cap itself it is read.
    truncateSync(big, MAX_INPUT_BYTES);
    expect(readText(big).length).toBe(MAX_INPUT_BYTES);
  });

  it('quotes no more than a few characters of a huge value in a message', () => {
    const nul = join(dir, 'nul.yaml');
    writeFileSync(nul, Buffer.alloc(4_000_000));
    let error: HelixError | undefined;
    try {
      Fields.root(readYamlFile(nul), nul);
    } catch (e) {
      error = e as HelixError;
    }
    expect(error?.message).toMatch(/^the file must hold a YAML mapping/);
    expect(error?.details.found).toMatch(/^"\\u0000/);
    expect(error!.details.found!.length).toBeLessThanOrEqual(40);
  });
});
