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
    expect(() => readText(big)).toThrow(/larger than 256 MiB/);
    // Below it, read whole (a file of several reads' worth of chunks).
    truncateSync(big, 3 * 1024 * 1024 + 5);
    expect(readText(big).length).toBe(3 * 1024 * 1024 + 5);
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

  it('reads a key that is a list without a raw Node warning (the unknown field is reported instead)', async () => {
    const file = join(dir, 'complex-key.yaml');
    writeFileSync(file, '? [a, b]\n: v\nname: x\n');
    const warnings: unknown[] = [];
    const listener = (w: unknown) => warnings.push(w);
    process.on('warning', listener);
    try {
      expect(readYamlFile(file)).toMatchObject({ name: 'x' });
      // Node emits warnings on a later tick.
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', listener);
    }
    expect(warnings).toEqual([]);
  });

  it('says YAML is nested too deeply rather than quoting a stack overflow', () => {
    const file = join(dir, 'deep.yaml');
    let text = '';
    for (let i = 0; i < 1000; i++) text += `${'  '.repeat(i)}k${i}:\n`;
    writeFileSync(file, `${text}${'  '.repeat(1000)}v: 1\n`);
    expect(() => readYamlFile(file)).toThrow(/malformed YAML at line \d+: nested too deeply to read/);
  });
});
