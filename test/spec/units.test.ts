import { describe, expect, it } from 'vitest';
import { parseBandwidth, parseBytes, parseDuration } from '../../src/spec/units.js';
import { HelixError } from '../../src/errors.js';

describe('parseBytes', () => {
  it.each([
    ['40GB', 40e9],
    ['40GiB', 40 * 2 ** 30],
    ['1.53 GB', 1.53e9],
    ['512MiB', 512 * 2 ** 20],
    ['16kB', 16e3],
    [1024, 1024],
  ])('%s', (input, bytes) => expect(parseBytes(input)).toBeCloseTo(bytes, 3));

  it.each(['40', '-1GB', '40GX', 'GB', '', 'forty GB', '4 0GB', null])('rejects %s', (input) => {
    if (input === '40') expect(parseBytes(input)).toBe(40);
    else expect(() => parseBytes(input, { file: 'c.yaml', field: 'vram' })).toThrow(HelixError);
  });
});

describe('parseBandwidth', () => {
  it.each([
    ['10Gbps', 1.25e9],
    ['10 Gbit/s', 1.25e9],
    ['1.25 GB/s', 1.25e9],
    ['12.5MB/s', 12.5e6],
    ['100 Mbit/s', 12.5e6],
    ['1GBps', 1e9],
    ['0', 0],
  ])('%s', (input, bytesPerSec) => expect(parseBandwidth(input)).toBeCloseTo(bytesPerSec, 3));

  it('names the field and what was expected', () => {
    try {
      parseBandwidth('fast', { file: 'c.yaml', field: 'network.default.bandwidth' });
      expect.unreachable();
    } catch (e) {
      const d = (e as HelixError).details;
      expect(d.file).toBe('c.yaml');
      expect(d.field).toBe('network.default.bandwidth');
      expect(d.expected).toMatch(/10Gbps/);
    }
  });

  it.each(['-5Gbps', '10 Gb', '10GB', '1 GB/min'])('rejects %s', (input) => expect(() => parseBandwidth(input)).toThrow(HelixError));
});

describe('parseDuration', () => {
  it.each([
    ['5ms', 0.005],
    ['50us', 50e-6],
    ['1 s', 1],
    ['0.5s', 0.5],
    ['2min', 120],
    [3, 3],
  ])('%s', (input, s) => expect(parseDuration(input)).toBeCloseTo(s, 9));

  it.each(['5 msec', '-1ms', 'soon'])('rejects %s', (input) => expect(() => parseDuration(input)).toThrow(HelixError));
});
