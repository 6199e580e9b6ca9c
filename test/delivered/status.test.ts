import { describe, expect, it } from 'vitest';
import { deliveredStatus } from '../../src/delivered/status.js';

describe('deliveredStatus', () => {
  it("is the run's: stalled when its searches stopped well inside the limit, else time-limit", () => {
    // The winning candidate's own `optimal` (a max-flow proof) or `time-limit` does not carry over.
    expect(deliveredStatus('optimal', false, 3, 60)).toBe('stalled');
    expect(deliveredStatus('time-limit', false, 3, 60)).toBe('stalled');
    expect(deliveredStatus('optimal', false, 59.5, 60)).toBe('time-limit');
    expect(deliveredStatus('time-limit', false, 61, 60)).toBe('time-limit');
  });

  it('keeps an interruption and a plan without flow', () => {
    expect(deliveredStatus('optimal', true, 3, 60)).toBe('interrupted');
    expect(deliveredStatus('no-flow', false, 3, 60)).toBe('no-flow');
  });
});
