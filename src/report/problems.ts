// Verification problems, one per line, field first: what CI logs show.

import type { Problem } from '../verify/verify.js';

export function formatProblems(problems: readonly Problem[]): string {
  return problems.map((p) => `  - ${p.field}: ${p.message}`).join('\n');
}
