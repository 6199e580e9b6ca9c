import { describe, expect, it } from 'vitest';
import { article, millis, plural, tokens } from '../../src/report/format.js';

describe('tokens', () => {
  it('groups thousands, keeps one decimal below 100, and two significant digits for tiny rates', () => {
    expect(tokens(1234.5)).toBe('1,235');
    expect(tokens(99.94)).toBe('99.9');
    expect(tokens(0)).toBe('0.0');
    // A cluster behind 8 bit/s links: not "0.0" everywhere.
    expect(tokens(0.0042)).toBe('0.0042');
    expect(tokens(0.0123)).toBe('0.012');
    expect(tokens(0.072)).toBe('0.072');
    expect(tokens(Infinity)).toBe('Infinity');
  });
});

describe('plural and article', () => {
  it('count nouns and read GPU names aloud', () => {
    expect(plural(1, 'stage')).toBe('1 stage');
    expect(plural(3, 'stage')).toBe('3 stages');
    expect(plural(0, 'node')).toBe('0 nodes');
    expect(['A100-40G', 'L4', 'H100', 'RTX4090', 'MI300X', 'L40S'].map(article)).toEqual(['an', 'an', 'an', 'an', 'an', 'an']);
    expect(['T4', 'V100', 'Gaudi2', 'unit'].map(article)).toEqual(['a', 'a', 'a', 'a']);
    expect(article('Instinct')).toBe('an');
  });
});

describe('duration (simulation tables)', () => {
  it('keeps three significant digits without exponents, moving up a unit where rounding reaches it', async () => {
    const { duration } = await import('../../src/report/sim-table.js');
    expect(duration(0.9995)).toBe('1.00 s');
    expect(duration(0.99949)).toBe('999 ms');
    expect(duration(0.5)).toBe('500 ms');
    expect(duration(99.95)).toBe('100 s');
    expect(duration(99.94)).toBe('99.9 s');
    expect(duration(0)).toBe('0 s');
  });

  it('millis: whole milliseconds, grouped like the other figures', () => {
    expect(millis(1.3339)).toBe('1,334 ms');
    expect(millis(0.19)).toBe('190 ms');
    expect(millis(0)).toBe('0 ms');
  });
});
