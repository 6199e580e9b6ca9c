import { describe, expect, it } from 'vitest';
import { Chalk } from 'chalk';
import { formatExplanation } from '../../src/report/explain-text.js';

const plain = { color: new Chalk({ level: 0 }) };
const suggestion = { change: 'add one T4 in lab', throughput: 758, gain: 758, over: 379 };

describe('formatExplanation', () => {
  it('gives each gain as a share of what it is counted over', () => {
    const text = formatExplanation({ throughput: 379, bottlenecks: [], fewestSearchEvaluations: null, secondsPerTry: 1, suggestions: [suggestion] }, plain);
    expect(text).toMatch(/\+758\s+tokens\/s \(200\.0%\)  add one T4 in lab/);
    // A new machine's gain counts over the re-placement of the same machines (500), not over the
    // plan as it is (379): the share must use the same base as the gain.
    const replaced = formatExplanation({ throughput: 379, bottlenecks: [], fewestSearchEvaluations: null, secondsPerTry: 1, suggestions: [{ ...suggestion, gain: 250, over: 500 }] }, plain);
    // ... and names that base, since it is not the figure printed above.
    expect(replaced).toMatch(/\+250\s+tokens\/s \(50\.0% of 500\)  add one T4 in lab/);
  });

  it('gives no share for a plan that carries nothing (a share of zero means nothing)', () => {
    const text = formatExplanation({ throughput: 0, bottlenecks: [], fewestSearchEvaluations: null, secondsPerTry: 1, suggestions: [{ ...suggestion, over: 0 }] }, plain);
    expect(text).toMatch(/\+758\s+tokens\/s  add one T4 in lab/);
    expect(text).not.toMatch(/%/);
    // No cut to show: it says why nothing flows instead of an empty list.
    expect(text).toMatch(/0 tokens\/s: no path from the coordinator runs through every layer/);
    expect(text).not.toMatch(/minimum cut/);
  });

  it('says when the what-if searches scored too few placements for their +0 to mean no gain', () => {
    // 4,000 nodes, --try-time 1: every what-if read +0, while 5 s re-placed the layers for +56%.
    const thin = formatExplanation({ throughput: 379, bottlenecks: [], fewestSearchEvaluations: 7, secondsPerTry: 1, suggestions: [{ ...suggestion, gain: 0 }] }, plain);
    expect(thin).toMatch(/a what-if search scored only 7 placements in its 1 s: too few .* a larger --try-time measures them/);
    const enough = formatExplanation({ throughput: 379, bottlenecks: [], fewestSearchEvaluations: 50_000, secondsPerTry: 1, suggestions: [{ ...suggestion, gain: 0 }] }, plain);
    expect(enough).not.toMatch(/--try-time/);
  });
});
