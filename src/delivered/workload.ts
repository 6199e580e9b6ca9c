// The requests `--objective delivered` plans for. What a plan serves depends on them: long prompts
// with short answers (code completion) fill KV caches differently and spend their time in other
// phases than chat, so the model's prediction and the confirming simulations both take the same
// workload, and the plan records its name (`settings.workload`) so that later checks
// (`validate --fresh`, `replan`, `simulate`) judge it on what it was made for.

import { usageError } from '../errors.js';
import type { Plan } from '../plan/types.js';
import type { ModelCard } from '../spec/types.js';
import type { LengthSpec } from '../sim/requests.js';
import { loadLengths } from '../sim/traces.js';
import { BUNDLED_TRACES, canonicalWorkloadName, DEFAULT_WORKLOAD, fixedLengths } from '../spec/workload-name.js';
import { workloadOf, type Workload } from './model.js';

export { DEFAULT_WORKLOAD };

export interface PlanningWorkload {
  /** As the plan records it: a bundled trace's name, or `IN:OUT` for fixed lengths. */
  readonly name: string;
  /** Request lengths for the simulator. */
  readonly lengths: LengthSpec;
  /** Mean lengths (and the resident context) for the delivered model. */
  readonly model: Workload;
}

/** The canonical name of a `--workload` value; a usage error naming what is accepted otherwise. */
export function parseWorkloadName(value: string): string {
  const name = canonicalWorkloadName(value);
  if (name === null && /^\s*\d+\s*:\s*\d+\s*$/.test(value)) {
    throw usageError('bad-option', `--workload ${value.trim()}: a request has at least 1 token in and 1 out`, { expected: 'IN:OUT with both at least 1, such as 1500:100' });
  }
  if (name === null) {
    throw usageError('bad-option', `unknown workload ${JSON.stringify(value)}`, {
      expected: `${BUNDLED_TRACES.join(' or ')} (lengths sampled from that trace), or IN:OUT such as 1500:100 (every request that long)`,
    });
  }
  return name;
}

const cache = new Map<string, PlanningWorkload>();

/** The workload of a name `parseWorkloadName` accepts (default: azure-conv). */
export function planningWorkload(name: string = DEFAULT_WORKLOAD): PlanningWorkload {
  const key = parseWorkloadName(name);
  let w = cache.get(key);
  if (!w) {
    const fixed = fixedLengths(key);
    if (fixed) {
      w = { name: key, lengths: { kind: 'fixed', ...fixed }, model: { ...fixed, residentContext: fixed.input + fixed.output } };
    } else {
      const samples = loadLengths(key);
      w = { name: key, lengths: { kind: 'sampled', samples }, model: workloadOf(samples.input, samples.output) };
    }
    cache.set(key, w);
  }
  return w;
}

/** The workload a saved plan was made for (plans from before `--workload`: azure-conv). */
export function workloadOfPlan(plan: Pick<Plan, 'settings'>): PlanningWorkload {
  return planningWorkload(plan.settings.workload ?? DEFAULT_WORKLOAD);
}

/**
 * Refuses fixed lengths no request of the model can have: the simulator rejects every such
 * request, so a plan made for them would record a prediction that nothing can serve; and a trace
 * most of whose requests are too long. Returns a note when some of a trace's requests are (the
 * simulator rejects those alone, and the prediction, made on the trace's means, counts them).
 */
export function checkWorkloadFits(workload: PlanningWorkload, model: ModelCard): string | null {
  const fixed = fixedLengths(workload.name);
  if (fixed && fixed.input + fixed.output > model.contextLength) {
    throw usageError('workload-too-long', `${workload.name} is ${fixed.input + fixed.output} tokens a request, more than ${model.id}'s context of ${model.contextLength}`, {
      field: '--workload',
      expected: `IN + OUT <= ${model.contextLength}`,
    });
  }
  // A trace most of whose requests are longer than the context (azure-conv for a model of 512
  // tokens: a prediction of 10,261 tokens/s where the simulator rejects 60% of the requests).
  if (workload.lengths.kind === 'sampled') {
    const { input, output } = workload.lengths.samples;
    let over = 0;
    for (let k = 0; k < input.length; k++) if (input[k] + output[k] > model.contextLength) over++;
    if (over * 2 > input.length) {
      throw usageError('workload-too-long', `${(100 * over / input.length).toFixed(0)}% of ${workload.name}'s requests are longer than ${model.id}'s context of ${model.contextLength} tokens, and would be rejected`, {
        field: '--workload',
        expected: `requests that fit the context: IN:OUT with IN + OUT <= ${model.contextLength}`,
      });
    }
    if (over * 100 > input.length) {
      return `${(100 * over / input.length).toFixed(0)}% of ${workload.name}'s requests are longer than ${model.id}'s context of ${model.contextLength} tokens: the simulator rejects them, and the delivered prediction, made on the trace's mean lengths, counts them`;
    }
  }
  return null;
}
