import { describe, expect, it } from 'vitest';
import { loadArrivals, loadLengths, parseArrivals, parseLengths } from '../../src/sim/traces.js';
import { HelixError } from '../../src/errors.js';

describe('bundled Azure traces', () => {
  it('hold the conversation trace as published: 16,657 requests, 763 in / 232 out on average', () => {
    const conv = loadLengths('azure-conv');
    expect(conv.input.length).toBe(16657);
    expect(conv.meanInput).toBeCloseTo(763.08, 1);
    expect(conv.meanOutput).toBeCloseTo(232.45, 1);
    expect(Math.max(...conv.input)).toBe(2047);
  });

  it('hold the code trace: 7,574 requests, long prompts, short answers', () => {
    const code = loadLengths('azure-code');
    expect(code.input.length).toBe(7574);
    expect(code.meanInput).toBeCloseTo(1379, 0);
    expect(code.meanOutput).toBeCloseTo(28, 0);
  });

  it('hold 1,200 three-second arrival counts for each trace', () => {
    for (const name of ['azure-conv', 'azure-code']) {
      const a = loadArrivals(name);
      expect(a.intervalSec).toBe(3);
      expect(a.counts.length).toBe(1200);
    }
  });

  it('refuses an unknown trace name as a usage error', () => {
    expect(() => loadLengths('sharegpt')).toThrow(/unknown trace/);
  });
});

describe('parsers', () => {
  it('skip comments and the header', () => {
    const l = parseLengths('# source\ninput,output\n10,2\n\n30,4\n', 'f.csv', 't');
    expect([...l.input]).toEqual([10, 30]);
    expect(l.meanOutput).toBe(3);
    const a = parseArrivals('# x\nrequests_per_2.5s\n1\n0\n4\n', 'a.csv', 't');
    expect(a.intervalSec).toBe(2.5);
    expect([...a.counts]).toEqual([1, 0, 4]);
  });

  it('name the line of a bad entry', () => {
    try {
      parseLengths('input,output\n10,2\n10,x\n', 'f.csv', 't');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(HelixError);
      expect((e as HelixError).details.field).toBe('line 3');
    }
    expect(() => parseLengths('input,output\n0,2\n', 'f.csv', 't')).toThrow(/request-length/);
    expect(() => parseArrivals('1\n2\n', 'a.csv', 't')).toThrow(/interval header/);
    expect(() => parseArrivals('requests_per_3s\n0\n0\n', 'a.csv', 't')).toThrow(/no arrivals/);
  });
});
