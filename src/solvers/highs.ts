// HiGHS (npm `highs`, WASM) backend, fed the model in LP format. Large models can exhaust the
// WASM heap and throw; that comes back as status 'error' so the planner falls back to its search.

import * as highsModule from 'highs';
import type { MilpModel } from '../milp/model.js';
import { toLpFormat } from '../milp/lp-format.js';
import type { Solver, SolveOptions, SolveResult, SolveStatus } from './types.js';

type LegacySolve = (problem: string, options: object) => { Status: string; ObjectiveValue: number; Columns: Record<string, { Primal?: number }> };
type Highs = { solve: LegacySolve };
// The package is CommonJS-typed but ships an ESM build whose default export is the loader.
const highsLoader = ((highsModule as unknown as { default?: unknown }).default ?? highsModule) as () => Promise<Highs>;
let instance: Promise<Highs> | null = null;

function statusOf(s: string, hasSolution: boolean): SolveStatus {
  if (s === 'Optimal') return 'optimal';
  if (s === 'Infeasible') return 'infeasible';
  if (s === 'Unbounded' || s === 'Primal infeasible or unbounded') return 'unbounded';
  if (/limit|reached/i.test(s)) return hasSolution ? 'feasible' : 'no-solution';
  if (/error/i.test(s)) return 'error';
  return hasSolution ? 'feasible' : 'no-solution';
}

export const highsSolver: Solver = {
  name: 'highs',
  acceptsStart: false,
  async solve(model: MilpModel, options: SolveOptions): Promise<SolveResult> {
    const t0 = performance.now();
    const elapsed = () => (performance.now() - t0) / 1000;
    if (options.signal?.aborted) return { status: 'no-solution', objective: null, bound: null, values: new Map(), timeSec: 0, message: 'interrupted' };
    try {
      // A fresh runtime per solve: a WASM abort poisons the instance it happened in.
      instance ??= highsLoader();
      const highs = await instance;
      const out = highs.solve(
        toLpFormat(model),
        { time_limit: Math.max(1, options.timeLimitSec), mip_rel_gap: options.mipGap ?? 0, output_flag: false, presolve: 'on' },
      );
      const values = new Map<string, number>();
      for (const [name, col] of Object.entries(out.Columns ?? {})) if (typeof col.Primal === 'number') values.set(name, col.Primal);
      const status = statusOf(out.Status, values.size > 0);
      const has = status === 'optimal' || status === 'feasible';
      return {
        status,
        objective: has ? out.ObjectiveValue : null,
        bound: status === 'optimal' ? out.ObjectiveValue : null,
        values: has ? values : new Map(),
        timeSec: elapsed(),
        message: out.Status,
      };
    } catch (e) {
      instance = null;
      return { status: 'error', objective: null, bound: null, values: new Map(), timeSec: elapsed(), message: e instanceof Error ? e.message : String(e) };
    }
  },
};
