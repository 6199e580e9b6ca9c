// HiGHS (npm `highs`, WASM) backend through its persistent-model API: the model is passed as
// arrays (no text to parse), a known solution goes in as a MIP start, and the MIP callbacks give
// progress, the proved dual bound and an interrupt point. The solve is synchronous. Large models
// can exhaust the WASM heap and throw; that comes back as status 'error' so the planner falls
// back to its search.

import * as highsModule from 'highs';
import type { Highs, HighsCallbackMap, Model, ModelData } from 'highs';
import { mergedTerms, type MilpModel } from '../milp/model.js';
import { boundWithinGap, emptyResult, solveWithoutVariables, type Solver, type SolveOptions, type SolveResult, type SolveStatus } from './types.js';

// The package is CommonJS-typed but ships an ESM build whose default export is the loader.
const highsLoader = ((highsModule as unknown as { default?: unknown }).default ?? highsModule) as () => Promise<Highs>;
let runtime: Promise<Highs> | null = null;

/** The model as HiGHS arrays: columns in declaration order, rows in CSR. */
export function toHighsModel(h: Highs, model: MilpModel): { data: ModelData; columns: ReadonlyMap<string, number> } {
  const columns = new Map<string, number>();
  model.variables.forEach((v, j) => columns.set(v.name, j));
  const column = (name: string): number => {
    const j = columns.get(name);
    if (j === undefined) throw new Error(`model ${model.name} uses undeclared variable ${name}`);
    return j;
  };
  const inf = (x: number) => (x === Infinity ? h.infinity : x === -Infinity ? -h.infinity : x);

  const colCost = new Float64Array(model.variables.length);
  for (const t of model.objective) colCost[column(t.name)] += t.coef;

  const starts = [0];
  const indices: number[] = [];
  const values: number[] = [];
  for (const row of model.rows) {
    for (const t of mergedTerms(row.terms)) {
      indices.push(column(t.name));
      values.push(t.coef);
    }
    starts.push(indices.length);
  }

  const { variableType, objectiveSense } = h.constants;
  return {
    columns,
    data: {
      numCols: model.variables.length,
      numRows: model.rows.length,
      sense: model.sense === 'max' ? objectiveSense.maximize : objectiveSense.minimize,
      colCost,
      colLower: model.variables.map((v) => inf(v.lb)),
      colUpper: model.variables.map((v) => inf(v.ub)),
      rowLower: model.rows.map((r) => inf(r.lb)),
      rowUpper: model.rows.map((r) => inf(r.ub)),
      matrix: { format: 'csr', numRows: model.rows.length, numCols: model.variables.length, starts, indices, values },
      integrality: model.variables.map((v) => (v.kind === 'continuous' ? variableType.continuous : variableType.integer)),
    },
  };
}

function statusOf(h: Highs, code: number, hasSolution: boolean): SolveStatus {
  const s = h.constants.modelStatus;
  switch (code) {
    case s.optimal:
      return 'optimal';
    case s.infeasible:
      return 'infeasible';
    case s.unbounded:
      return 'unbounded';
    case s.loadError:
    case s.modelError:
    case s.presolveError:
    case s.solveError:
    case s.postsolveError:
      return 'error';
    default:
      // Time, iteration or solution limits, interruption: a result with or without an incumbent.
      return hasSolution ? 'feasible' : 'no-solution';
  }
}

function callbacks(h: Highs, options: SolveOptions): HighsCallbackMap {
  const type = h.constants.callbackType;
  const map: { -readonly [K in keyof HighsCallbackMap]: HighsCallbackMap[K] } = {};
  const progress = options.onProgress;
  if (progress) {
    const finite = (x: number | undefined) => (x !== undefined && Number.isFinite(x) ? x : null);
    const send = (data: { running_time?: number; mip_primal_bound?: number; mip_dual_bound?: number }) =>
      progress({ elapsedSec: data.running_time ?? 0, incumbent: finite(data.mip_primal_bound), bound: finite(data.mip_dual_bound) });
    map[type.mipImprovingSolution] = (e) => void send(e.data);
    map[type.mipLogging] = (e) => void send(e.data);
  }
  // Event-driven aborts wait for the solve to return, but an onProgress handler that aborts the
  // signal ("good enough, stop") is seen at the next interrupt point.
  const signal = options.signal;
  if (signal) map[type.mipInterrupt] = (e) => void (signal.aborted && e.interrupt());
  return map;
}

function run(h: Highs, model: MilpModel, options: SolveOptions, presolve: 'choose' | 'off', seconds: number): SolveResult {
  const t0 = performance.now();
  const { data, columns } = toHighsModel(h, model);
  const m: Model = h.createModel(data);
  try {
    m.options.set({ output_flag: false, time_limit: Math.max(0.01, seconds), mip_rel_gap: options.mipGap ?? 0, presolve });
    if (options.start && options.start.size > 0) {
      const indices: number[] = [];
      const values: number[] = [];
      for (const [name, value] of options.start) {
        const j = columns.get(name);
        if (j === undefined) continue;
        indices.push(j);
        values.push(value);
      }
      // HiGHS checks the start itself and ignores one that is infeasible.
      if (indices.length > 0) m.setSolution({ indices, values });
    }
    const { modelStatus } = m.run(callbacks(h, options));
    const hasSolution = Number(m.info.get('primal_solution_status')) === h.constants.solutionStatus.feasible;
    const status = statusOf(h, modelStatus, hasSolution);
    const has = status === 'optimal' || status === 'feasible';
    const objective = has ? m.getObjectiveValue() : null;
    const values = new Map<string, number>();
    if (has) {
      const x = m.getSolution().colValue;
      model.variables.forEach((v, j) => values.set(v.name, x[j]));
    }
    const isMip = model.variables.some((v) => v.kind !== 'continuous');
    const dual = isMip ? Number(m.info.get('mip_dual_bound')) : NaN;
    const bound =
      Number.isFinite(dual) ? dual : status === 'optimal' && objective !== null ? boundWithinGap(model.sense, objective, isMip ? (options.mipGap ?? 0) : 0) : null;
    const name = Object.entries(h.constants.modelStatus).find(([, code]) => code === modelStatus)?.[0] ?? String(modelStatus);
    return { status, objective, bound, values, timeSec: (performance.now() - t0) / 1000, message: name };
  } finally {
    m.dispose();
  }
}

export const highsSolver: Solver = {
  name: 'highs',
  acceptsStart: true,
  async solve(model: MilpModel, options: SolveOptions): Promise<SolveResult> {
    const t0 = performance.now();
    const elapsed = () => (performance.now() - t0) / 1000;
    if (options.signal?.aborted) return emptyResult('no-solution', 0, 'interrupted');
    const trivial = solveWithoutVariables(model);
    if (trivial) return trivial;
    try {
      runtime ??= highsLoader();
      const h = await runtime;
      let result = run(h, model, options, 'choose', options.timeLimitSec);
      // Presolve may stop at "infeasible or unbounded"; without it HiGHS tells the two apart.
      if (result.message === 'unboundedOrInfeasible') {
        result = run(h, model, options, 'off', Math.max(0.01, options.timeLimitSec - elapsed()));
      }
      return { ...result, timeSec: elapsed() };
    } catch (e) {
      // A WASM abort poisons the runtime it happened in: the next solve loads a fresh one.
      runtime = null;
      return emptyResult('error', elapsed(), e instanceof Error ? e.message : String(e));
    }
  },
};
