// The error a command gives for a plan that fails verification before it can use it. Where the
// spec or profiles changed since the plan was made, the problems are usually that change (a
// bandwidth edited: every recorded capacity differs), so the error says so and names the way on.

import { HelixError } from '../errors.js';
import { formatProblems } from '../report/problems.js';
import type { Plan } from '../plan/types.js';
import type { Cluster } from '../spec/types.js';
import type { Io } from './io.js';
import { INPUTS_CHANGED, verifyPlan, type VerifyReport } from '../verify/verify.js';

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
 * A plan checked before a command acts on it (simulate, schedule, explain): the error above when
 * it fails, and each of validate's warnings on stderr, unless quiet, when it checks out (made for
 * other inputs, a latency edited: the plan is valid, and serves far less; or for a cluster of
 * another name).
 */
export function checkPlanForUse(file: string, plan: Plan, cluster: Cluster, io: Pick<Io, 'err'>, quiet = false): void {
  const check = verifyPlan(plan, cluster, { planFile: file });
  if (!check.valid) throw invalidPlanError(file, check, { spec: cluster.file });
  if (!quiet) for (const w of check.warnings) io.err(`warning: ${file}: ${w}\n`);
}
