import { describe, expect, it } from 'vitest';
import { checkWorkloadFits, planningWorkload } from '../../src/delivered/workload.js';
import { testModel } from '../fixtures/clusters.js';

describe('checkWorkloadFits', () => {
  it('refuses fixed lengths past the context, and a trace most of whose requests are', () => {
    const short = { ...testModel(8), contextLength: 512 };
    expect(() => checkWorkloadFits(planningWorkload('600:100'), short)).toThrow(/700 tokens a request, more than test-8's context of 512/);
    // azure-conv: mean 763 in, 232 out; most requests do not fit 512 tokens.
    expect(() => checkWorkloadFits(planningWorkload('azure-conv'), short)).toThrow(/\d+% of azure-conv's requests are longer than test-8's context of 512 tokens, and would be rejected/);
    // At 4,096 the few longer ones are the simulator's to reject.
    expect(() => checkWorkloadFits(planningWorkload('azure-conv'), testModel(8))).not.toThrow();
    expect(() => checkWorkloadFits(planningWorkload('400:100'), short)).not.toThrow();
  });

  it('says what share of a trace the context rejects, where it is more than 1% and less than half', () => {
    // azure-code on a 2,048-token model (LLaMA-30B): about a quarter of its requests are longer.
    const note = checkWorkloadFits(planningWorkload('azure-code'), { ...testModel(8), contextLength: 2048 });
    expect(note).toMatch(/^(2\d|3\d)% of azure-code's requests are longer than test-8's context of 2048 tokens: the simulator rejects them/);
    expect(checkWorkloadFits(planningWorkload('azure-conv'), testModel(8))).toBeNull();
    expect(checkWorkloadFits(planningWorkload('400:100'), testModel(8))).toBeNull();
  });
});
