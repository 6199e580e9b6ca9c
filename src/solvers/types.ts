// One interface for every MILP backend. Infeasible, unbounded and out-of-time are results with a
// status, not exceptions: callers check the status before reading values.

import type { MilpModel } from '../milp/model.js';

export type SolveStatus = 'optimal' | 'feasible' | 'infeasible' | 'unbounded' | 'no-solution' | 'error';

/** A snapshot while a backend works; only backends that can report mid-solve send these. */
export interface SolveProgress {
  readonly elapsedSec: number;
  /** Objective of the best solution found so far. */
  readonly incumbent: number | null;
  /** Best proved bound so far (upper when maximising). */
  readonly bound: number | null;
}

export interface SolveOptions {
  readonly timeLimitSec: number;
  /** Relative MIP gap at which the solver may stop. */
  readonly mipGap?: number;
  /** Variable values of a known solution, for backends that accept a MIP start (`acceptsStart`). */
  readonly start?: ReadonlyMap<string, number>;
  /**
   * Checked before the solve starts and at the backend's interrupt points. The WASM backends run
   * synchronously, so an abort raised by an event (Ctrl-C) is only seen once the solve returns.
   */
  readonly signal?: AbortSignal;
  /** Called synchronously from inside the solve; keep it cheap. */
  readonly onProgress?: (progress: SolveProgress) => void;
}

export interface SolveResult {
  readonly status: SolveStatus;
  readonly objective: number | null;
  /** Best dual bound the backend proves (upper when maximising), or null when it reports none. */
  readonly bound: number | null;
  readonly values: ReadonlyMap<string, number>;
  readonly timeSec: number;
  readonly message?: string;
}

export interface Solver {
  readonly name: string;
  /** Whether `start` is used as a MIP start (otherwise callers add an objective floor instead). */
  readonly acceptsStart: boolean;
  solve(model: MilpModel, options: SolveOptions): Promise<SolveResult>;
}

/**
 * What "optimal within a relative gap" proves: both backends stop when
 * |incumbent - bound| <= gap * |incumbent|, so the bound lies at most that far past the incumbent.
 */
export function boundWithinGap(sense: 'max' | 'min', objective: number, gap: number): number {
  const slack = Math.max(0, gap) * Math.abs(objective);
  return sense === 'max' ? objective + slack : objective - slack;
}

/** A result carrying no solution (interrupted before it started, or a backend failure). */
export function emptyResult(status: 'no-solution' | 'error', timeSec: number, message: string): SolveResult {
  return { status, objective: null, bound: null, values: new Map(), timeSec, message };
}

/**
 * The answer for a model without variables, which WASM backends reject (GLPK aborts): optimal at
 * objective 0 when every row admits 0, infeasible otherwise. Null when the model has variables.
 */
export function solveWithoutVariables(model: MilpModel): SolveResult | null {
  if (model.variables.length > 0) return null;
  const feasible = model.rows.every((r) => r.lb <= 0 && 0 <= r.ub);
  return feasible
    ? { status: 'optimal', objective: 0, bound: 0, values: new Map(), timeSec: 0, message: 'no variables' }
    : { status: 'infeasible', objective: null, bound: null, values: new Map(), timeSec: 0, message: 'no variables' };
}
