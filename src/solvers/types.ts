// One interface for every MILP backend. Infeasible, unbounded and out-of-time are results with a
// status, not exceptions: callers check the status before reading values.

import type { MilpModel } from '../milp/model.js';

export type SolveStatus = 'optimal' | 'feasible' | 'infeasible' | 'unbounded' | 'no-solution' | 'error';

export interface SolveOptions {
  readonly timeLimitSec: number;
  /** Relative MIP gap at which the solver may stop. */
  readonly mipGap?: number;
  /** Variable values of a known solution, for backends that accept a MIP start. */
  readonly start?: ReadonlyMap<string, number>;
  /** Checked before the solve starts; WASM backends cannot be stopped mid-solve. */
  readonly signal?: AbortSignal;
}

export interface SolveResult {
  readonly status: SolveStatus;
  readonly objective: number | null;
  /** Best dual bound the backend reports, when it reports one. */
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
