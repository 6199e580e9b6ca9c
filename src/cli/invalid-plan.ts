// The error a command gives for a plan that fails verification before it can use it. Where the
// spec or profiles changed since the plan was made, the problems are usually that change (a
// bandwidth edited: every recorded capacity differs), so the error says so and names the way on.

import { HelixError } from '../errors.js';
import { formatProblems } from '../report/problems.js';
import { INPUTS_CHANGED, type VerifyReport } from '../verify/verify.js';

export function invalidPlanError(file: string, check: VerifyReport, o: { subject?: string; spec?: string } = {}): HelixError {
  const subject = o.subject ?? 'the plan';
  const changed = check.warnings.includes(INPUTS_CHANGED);
  const head = changed
    ? `${subject} is invalid for the inputs as they are now; the spec or profiles changed since it was made (its input hash differs), which the problems below may only reflect`
    : `${subject} is invalid`;
  // The hash covers the spec and the profiles alike; replan carries a plan over a changed spec,
  // but loads both specs with the same profiles, so a profile change needs a fresh plan.
  const hint = changed
    ? `\nif the spec changed, carry the plan over: helix replan ${file} -c <the spec it was made for> --add-from ${o.spec ?? '<the changed spec>'}; if the profiles changed, plan afresh (helix plan) or check it with the profiles it was made with (-p)`
    : '';
  return new HelixError('invalid-plan', 'invalid-plan', `${head}:\n${formatProblems(check.problems)}${hint}`, { file });
}

/**
 * The line a command prints when a plan that still checks out was made for other inputs (a
 * latency edited: the plan is valid, and serves far less): validate says it, and so must the
 * commands that act on the plan. Null when the inputs are the plan's own.
 */
export function inputsChangedWarning(file: string, check: VerifyReport): string | null {
  return check.warnings.includes(INPUTS_CHANGED) ? `warning: ${file}: ${INPUTS_CHANGED}\n` : null;
}
