import { describe, expect, it } from 'vitest';
import { pickFinalist } from '../../src/delivered/objective.js';

const c = (label: string, simulated: number | null, simulatedTpotP95: number | null) => ({ label, simulated, simulatedTpotP95 });

describe('pickFinalist', () => {
  it('keeps the most simulated throughput among plans no slower per token (p95) than the max-flow plan', () => {
    const maxFlow = c('max flow', 300, 2.0);
    const fastButSlowTokens = c('search 1', 450, 2.2);
    const good = c('search 2', 420, 1.2);
    expect(pickFinalist([fastButSlowTokens, good, maxFlow], maxFlow).label).toBe('search 2');
    // Equal p95 TPOT qualifies.
    expect(pickFinalist([c('search 1', 450, 2.0), maxFlow], maxFlow).label).toBe('search 1');
  });

  it('falls back to the max-flow plan when every other finalist is slower per token', () => {
    const maxFlow = c('max flow', 300, 1.0);
    expect(pickFinalist([c('search 1', 450, 1.5), c('petals', 400, 1.1), maxFlow], maxFlow).label).toBe('max flow');
  });

  it('without a max-flow finalist ranks by throughput alone; with a missing simulation keeps the model\'s first choice', () => {
    expect(pickFinalist([c('a', 300, 9), c('b', 310, 99)], undefined).label).toBe('b');
    expect(pickFinalist([c('a', 300, 1), c('b', null, null)], undefined).label).toBe('a');
  });
});
