// Solver registry: adding a backend touches its own file and this list.

import { usageError } from '../errors.js';
import { glpkSolver } from './glpk.js';
import { highsSolver } from './highs.js';
import type { Solver } from './types.js';

const solvers: readonly Solver[] = [glpkSolver, highsSolver];

export function solverNames(): string[] {
  return solvers.map((s) => s.name);
}

export function getSolver(name: string): Solver {
  const s = solvers.find((x) => x.name === name);
  if (!s) throw usageError('unknown-solver', `unknown solver "${name}"`, { expected: solverNames().join(', ') });
  return s;
}
