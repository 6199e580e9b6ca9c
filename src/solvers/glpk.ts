// GLPK (glpk.js, WASM) backend. Its Node build solves synchronously and reports no dual bound and
// takes no MIP start, so the planner passes incumbents as objective floors instead.

import GLPKFactory, { type LP } from 'glpk.js/node';
import type { MilpModel } from '../milp/model.js';
import type { Solver, SolveOptions, SolveResult, SolveStatus } from './types.js';

type Glpk = Awaited<ReturnType<typeof GLPKFactory>>;
let instance: Promise<Glpk> | null = null;
const glpk = () => (instance ??= GLPKFactory());

function bounds(g: Glpk, lb: number, ub: number): { type: number; lb: number; ub: number } {
  const hasLb = Number.isFinite(lb);
  const hasUb = Number.isFinite(ub);
  if (hasLb && hasUb) return { type: lb === ub ? g.GLP_FX : g.GLP_DB, lb, ub };
  if (hasLb) return { type: g.GLP_LO, lb, ub: 0 };
  if (hasUb) return { type: g.GLP_UP, lb: 0, ub };
  return { type: g.GLP_FR, lb: 0, ub: 0 };
}

export function toGlpk(g: Glpk, model: MilpModel, options: SolveOptions): LP {
  return {
    name: model.name,
    objective: {
      direction: model.sense === 'max' ? g.GLP_MAX : g.GLP_MIN,
      name: 'objective',
      vars: model.objective.map((t) => ({ name: t.name, coef: t.coef })),
    },
    subjectTo: model.rows.map((r) => ({ name: r.name, vars: r.terms.map((t) => ({ name: t.name, coef: t.coef })), bnds: bounds(g, r.lb, r.ub) })),
    bounds: model.variables.filter((v) => v.kind !== 'binary').map((v) => ({ name: v.name, ...bounds(g, v.lb, v.ub) })),
    binaries: model.variables.filter((v) => v.kind === 'binary').map((v) => v.name),
    generals: model.variables.filter((v) => v.kind === 'integer').map((v) => v.name),
    options: {
      tmlim: Math.max(1, options.timeLimitSec),
      mipgap: options.mipGap ?? 0,
      msglev: g.GLP_MSG_OFF,
      presol: true,
    },
  };
}

function statusOf(g: Glpk, code: number): SolveStatus {
  switch (code) {
    case g.GLP_OPT:
      return 'optimal';
    case g.GLP_FEAS:
      return 'feasible';
    case g.GLP_NOFEAS:
    case g.GLP_INFEAS:
      return 'infeasible';
    case g.GLP_UNBND:
      return 'unbounded';
    default:
      return 'no-solution';
  }
}

export const glpkSolver: Solver = {
  name: 'glpk',
  acceptsStart: false,
  async solve(model: MilpModel, options: SolveOptions): Promise<SolveResult> {
    const t0 = performance.now();
    if (options.signal?.aborted) return { status: 'no-solution', objective: null, bound: null, values: new Map(), timeSec: 0, message: 'interrupted' };
    const g = await glpk();
    try {
      const out = g.solve(toGlpk(g, model, options));
      const status = statusOf(g, out.result.status);
      const has = status === 'optimal' || status === 'feasible';
      return {
        status,
        objective: has ? out.result.z : null,
        bound: status === 'optimal' ? out.result.z : null,
        values: new Map(has ? Object.entries(out.result.vars) : []),
        timeSec: (performance.now() - t0) / 1000,
      };
    } catch (e) {
      return { status: 'error', objective: null, bound: null, values: new Map(), timeSec: (performance.now() - t0) / 1000, message: String(e) };
    }
  },
};
