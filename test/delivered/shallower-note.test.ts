// The note a delivered plan carries when a shallower finalist traded a little throughput for a
// much shorter token.
import { describe, expect, it } from 'vitest';
import { SHALLOWER_MAX_LOSS, SHALLOWER_MIN_GAIN, shallowerAlternative, shallowerNote } from '../../src/delivered/shallower-note.js';

const finalist = (label: string, depth: number, simulated: number | null, tpotMs: number | null) => ({
  label,
  plan: { depth },
  simulated,
  simulatedTpotP95: tpotMs === null ? null : tpotMs / 1000,
});

// One geo3 planning run with seed 2 (2026-12-01): the chosen 15-stage plan and the confirming
// runs' other finalists.
const chosen = finalist('simulation search', 15, 472, 1452);
const finalists = [
  finalist('delivered search 1', 15, 469, 1475),
  finalist('delivered search 2', 12, 401, 1302),
  finalist('delivered search 3', 19, 426, 1636),
  finalist('delivered search 4', 11, 385, 1088),
  finalist('max flow', 21, 336, 2005),
  chosen,
];

describe('shallowerAlternative', () => {
  it('finds the shallower finalist that gave up at most the allowed share for a shorter enough token', () => {
    // search 2 is 15% below at a 10% shorter token (not enough); search 4 is 18% below at 25% shorter.
    expect(shallowerAlternative(chosen, finalists)?.label).toBe('delivered search 4');
  });

  it('prefers the one that served most among those that qualify', () => {
    const better = finalist('delivered search 5', 13, 420, 1100);
    expect(shallowerAlternative(chosen, [...finalists, better])?.label).toBe('delivered search 5');
  });

  it('holds to both limits, and to depth', () => {
    const atLoss = (1 - SHALLOWER_MAX_LOSS) * 472;
    const atGain = (1 - SHALLOWER_MIN_GAIN) * 1452;
    expect(shallowerAlternative(chosen, [chosen, finalist('a', 11, atLoss - 1, 900)])).toBeNull();
    expect(shallowerAlternative(chosen, [chosen, finalist('b', 11, 460, atGain + 1)])).toBeNull();
    expect(shallowerAlternative(chosen, [chosen, finalist('c', 15, 460, 900)])).toBeNull();
    expect(shallowerAlternative(chosen, [chosen, finalist('d', 14, atLoss + 1, atGain - 1)])?.label).toBe('d');
  });

  it('leaves out a shallower finalist that served more (the model chose where a run had no figure)', () => {
    expect(shallowerAlternative(chosen, [chosen, finalist('more', 11, 480, 900)])).toBeNull();
  });

  it('says nothing without simulated figures', () => {
    expect(shallowerAlternative(finalist('model only', 15, null, null), finalists)).toBeNull();
    expect(shallowerAlternative(chosen, [chosen, finalist('unsimulated', 11, null, null)])).toBeNull();
  });
});

describe('shallowerNote', () => {
  it('names the candidate, both depths, both plans\' figures, and the flag, as a new search', () => {
    const note = shallowerNote(chosen, finalists[3]);
    expect(note).toContain('delivered search 4, a shallower candidate (11 stages against 15)');
    expect(note).toContain("served 385 tokens/s offline in the confirming simulation (18% less than the chosen plan's 472) at a p95 TPOT of 1088 ms against 1452 ms (25% lower)");
    expect(note).toMatch(/plan again with --max-stages 11 \(a new search, whose plan may differ\)$/);
  });
});
