import { describe, expect, it } from 'vitest';
import { Chalk } from 'chalk';
import { formatExplanation } from '../../src/report/explain-text.js';

const plain = { color: new Chalk({ level: 0 }) };
const suggestion = { change: 'add one T4 in lab', throughput: 758, gain: 758, over: 379 };

describe('formatExplanation', () => {
  it('gives each gain as a share of what it is counted over', () => {
    const text = formatExplanation({ throughput: 379, bottlenecks: [], suggestions: [suggestion] }, plain);
    expect(text).toMatch(/\+758\s+tokens\/s \(200\.0%\)  add one T4 in lab/);
    // A new machine's gain counts over the re-placement of the same machines (500), not over the
    // plan as it is (379): the share must use the same base as the gain.
    const replaced = formatExplanation({ throughput: 379, bottlenecks: [], suggestions: [{ ...suggestion, gain: 250, over: 500 }] }, plain);
    // ... and names that base, since it is not the figure printed above.
    expect(replaced).toMatch(/\+250\s+tokens\/s \(50\.0% of 500\)  add one T4 in lab/);
  });

  it('gives no share for a plan that carries nothing (a share of zero means nothing)', () => {
    const text = formatExplanation({ throughput: 0, bottlenecks: [], suggestions: [{ ...suggestion, over: 0 }] }, plain);
    expect(text).toMatch(/\+758\s+tokens\/s  add one T4 in lab/);
    expect(text).not.toMatch(/%/);
    // No cut to show: it says why nothing flows instead of an empty list.
    expect(text).toMatch(/0 tokens\/s: no path from the coordinator runs through every layer/);
    expect(text).not.toMatch(/minimum cut/);
  });
});
