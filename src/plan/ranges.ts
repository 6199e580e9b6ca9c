// What a plan's nodes must be before anything is drawn or compared from the plan alone (diff,
// render; validate checks the same against the cluster, problem by problem): each node listed
// once, holding nothing or a range inside the plan's own layer count.

import { inputError } from '../errors.js';
import type { Plan } from './types.js';

/** Throws an input error naming the first node listed twice or holding no range of the plan's layers. */
export function checkRanges(plan: Plan, file: string): void {
  const seen = new Set<string>();
  plan.nodes.forEach((node, i) => {
    // A node listed twice would be diffed by whichever entry came last.
    if (seen.has(node.name)) throw inputError('bad-plan', `node ${node.name} is listed twice`, { file, field: `nodes[${i}].name`, expected: 'each node once' });
    seen.add(node.name);
    const none = node.start === null && node.end === null;
    const inside = node.start !== null && node.end !== null && node.start >= 0 && node.start < node.end && node.end <= plan.cluster.layers;
    if (!none && !inside) {
      throw inputError('bad-plan', `node ${node.name} holds layers [${node.start}, ${node.end}), not a range of the plan's ${plan.cluster.layers} layers`, {
        file,
        field: `nodes[${i}]`,
        expected: `start < end within 0..${plan.cluster.layers}, or both null`,
      });
    }
  });
}
