import { describe, expect, it } from 'vitest';
import { parseBandwidth, parseBytes, parseDuration } from '../../src/spec/units.js';
import { failure } from './spec-files.js';

const where = { file: 'c.yaml', field: 'gpus.T4.vram' };

describe('parseBytes', () => {
  it.each([
    ['40GB', 40e9],
    ['40GiB', 40 * 2 ** 30],
    ['1.53 GB', 1.53e9],
    ['512MiB', 512 * 2 ** 20],
    ['16kB', 16e3],
    ['2TB', 2e12],
    ['1e3 MB', 1e9],
    ['512B', 512],
    [0, 0],
    ['0', 0],
  ])('%s = %d bytes', (input, bytes) => expect(parseBytes(input)).toBeCloseTo(bytes, 3));

  it.each([['-1GB'], ['40GX'], ['GB'], [''], ['   '], ['forty GB'], ['4 0GB'], ['40 Gb'], ['40GiBs'], [null], [-5], [Number.NaN], [Infinity], [true], ['1e400GB'], ['1e300TiB']])(
    'rejects %s, naming file and field',
    (input) => {
      const e = failure(() => parseBytes(input, where));
      expect(e.code).toBe('bad-unit');
      expect(e.kind).toBe('input');
      expect(e.details).toMatchObject({ ...where, expected: expect.stringMatching(/40GB/) });
    },
  );
});

describe('parseBandwidth (bytes/s)', () => {
  it.each([
    ['10Gbps', 1.25e9],
    ['10 Gbit/s', 1.25e9],
    ['10Gb/s', 1.25e9],
    ['100 Mbit/s', 12.5e6],
    ['1.25 GB/s', 1.25e9],
    ['12.5MB/s', 12.5e6],
    ['1GBps', 1e9],
    ['1 GiB/s', 2 ** 30],
    ['8kbps', 1000],
    ['0', 0],
    [0, 0],
  ])('%s = %d B/s', (input, bytesPerSec) => expect(parseBandwidth(input)).toBeCloseTo(bytesPerSec, 3));

  // '1e400GB/s' reads as Infinity and '1e300TB/s' overflows to it: both once reached the planner.
  it.each([['-5Gbps'], ['10 Gb'], ['10GB'], ['1 GB/min'], ['fast'], [''], ['Gbps'], [Number.NaN], [-1], [{}], ['1e400GB/s'], ['1e300TB/s'], ['1e308Tbps']])('rejects %s', (input) => {
    const e = failure(() => parseBandwidth(input, { file: 'c.yaml', field: 'network.default.bandwidth' }));
    expect(e.details.file).toBe('c.yaml');
    expect(e.details.field).toBe('network.default.bandwidth');
    expect(e.details.expected).toMatch(/10Gbps/);
  });
});

describe('parseDuration (seconds)', () => {
  it.each([
    ['5ms', 0.005],
    ['50us', 50e-6],
    ['50µs', 50e-6],
    ['1 s', 1],
    ['0.5s', 0.5],
    ['2min', 120],
    ['0', 0],
    [0, 0],
  ])('%s = %d s', (input, s) => expect(parseDuration(input)).toBeCloseTo(s, 12));

  it.each([['5 msec'], ['-1ms'], ['soon'], [''], ['ms'], ['1h'], [Number.NaN], [-0.5], ['1e400s'], ['1e307min']])('rejects %s', (input) => {
    const e = failure(() => parseDuration(input, { file: 'c.yaml', field: 'network.default.latency' }));
    expect(e.details.field).toBe('network.default.latency');
    expect(e.details.expected).toMatch(/5ms/);
  });
});

describe('a number without a unit', () => {
  // `latency: 1` read as a second once planned a cluster at 5 tokens/s that serves 154 with 1ms.
  it.each([
    ['size', parseBytes, '40'],
    ['size', parseBytes, 1024],
    ['bandwidth', parseBandwidth, '1000'],
    ['bandwidth', parseBandwidth, 5e8],
    ['duration', parseDuration, '7'],
    ['duration', parseDuration, 1],
    ['duration', parseDuration, '0e0'],
    ['bandwidth', parseBandwidth, '1e-400'],
  ] as const)('is refused for a %s (%s), saying a unit is missing; only 0 needs none', (_, parse, input) => {
    const e = failure(() => parse(input, where));
    expect(e.code).toBe('bad-unit');
    expect(e.message).toBe(`${JSON.stringify(input)} has no unit`);
    expect(e.details).toMatchObject({ ...where, expected: expect.stringMatching(/only 0 may be written without one/) });
  });
});
