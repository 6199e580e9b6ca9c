// GLPK (glpk.js, WASM) backend. Its Node build solves synchronously, reports no dual bound, takes
// no MIP start (callers pass incumbents as objective floors instead) and calls back only during
// LP solves, so it sends no progress. A solve with an abort signal runs in a worker thread
// (glpk-worker.ts) that an abort terminates: in the caller's thread Ctrl-C waited for the solve's
// whole time limit (28 s in a replan of single24).

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import GLPKFactory, { type LP } from 'glpk.js/node';
import type { GlpkWorkerReply } from './glpk-worker.js';
import { isPlainBinary, mergedTerms, type MilpModel } from '../milp/model.js';
import { boundWithinGap, emptyResult, solveWithoutVariables, type Solver, type SolveOptions, type SolveResult, type SolveStatus } from './types.js';

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
      vars: mergedTerms(model.objective),
    },
    subjectTo: model.rows.map((r) => ({ name: r.name, vars: mergedTerms(r.terms), bnds: bounds(g, r.lb, r.ub) })),
    // GLPK's binary kind resets bounds to [0, 1]; a fixed binary goes in as a bounded integer.
    bounds: model.variables.filter((v) => !isPlainBinary(v)).map((v) => ({ name: v.name, ...bounds(g, v.lb, v.ub) })),
    binaries: model.variables.filter(isPlainBinary).map((v) => v.name),
    generals: model.variables.filter((v) => v.kind !== 'continuous' && !isPlainBinary(v)).map((v) => v.name),
    options: {
      tmlim: Math.max(0.01, options.timeLimitSec),
      mipgap: options.mipGap ?? 0,
      msglev: g.GLP_MSG_OFF,
      // GLPK's LP presolver reports an unbounded LP only as "undefined"; without it the simplex
      // says unbounded. The MIP presolver is kept: it is what makes GLPK fast on our models.
      presol: model.variables.some((v) => v.kind !== 'continuous'),
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
    if (options.signal?.aborted) return emptyResult('no-solution', 0, 'interrupted');
    const trivial = solveWithoutVariables(model);
    if (trivial) return trivial;
    const g = await glpk();
    const lp = toGlpk(g, model, options);
    let out: { status: number; z: number; vars: Record<string, number> };
    const script = options.signal ? workerScript() : null;
    if (script && options.signal) {
      const reply = await solveInWorker(script, lp, options.signal);
      if (reply === 'aborted') return emptyResult('no-solution', (performance.now() - t0) / 1000, 'interrupted');
      if ('error' in reply) return emptyResult('error', (performance.now() - t0) / 1000, reply.error);
      out = reply;
    } else {
      try {
        const r = g.solve(lp).result;
        out = { status: r.status, z: r.z, vars: r.vars };
      } catch (e) {
        // A WASM abort leaves the runtime unusable: the next solve loads a fresh one.
        instance = null;
        return emptyResult('error', (performance.now() - t0) / 1000, e instanceof Error ? e.message : String(e));
      }
    }
    const status = statusOf(g, out.status);
    const has = status === 'optimal' || status === 'feasible';
    return {
      status,
      objective: has ? out.z : null,
      // Only a finished solve proves anything: the incumbent, widened by the gap it stopped at.
      bound: status === 'optimal' ? boundWithinGap(model.sense, out.z, options.mipGap ?? 0) : null,
      values: new Map(has ? Object.entries(out.vars) : []),
      timeSec: (performance.now() - t0) / 1000,
    };
  },
};

/** The compiled worker beside this module; none under a test runner that loads the sources. */
function workerScript(): URL | null {
  const url = new URL('./glpk-worker.js', import.meta.url);
  return url.protocol === 'file:' && existsSync(fileURLToPath(url)) ? url : null;
}

/** One worker kept between solves (GLPK loads once); an abort or a WASM failure ends it. */
let worker: Worker | null = null;
/** Solves take turns on the one worker: its replies carry no request id. */
let queue: Promise<unknown> = Promise.resolve();

function solveInWorker(script: URL, lp: LP, signal: AbortSignal): Promise<GlpkWorkerReply | 'aborted'> {
  const turn = queue.then(() => solveOnWorker(script, lp, signal));
  queue = turn.catch(() => undefined);
  return turn;
}

function startWorker(script: URL): Worker {
  const w = new Worker(script);
  // Between solves nobody listens: a worker that fails or ends then is forgotten, not reused
  // (and its error does not end the process).
  const forget = () => {
    if (worker === w) worker = null;
  };
  w.on('error', forget);
  w.on('exit', forget);
  w.unref();
  return w;
}

function solveOnWorker(script: URL, lp: LP, signal: AbortSignal): Promise<GlpkWorkerReply | 'aborted'> {
  const w = (worker ??= startWorker(script));
  // Held open only while it solves, so an idle worker never keeps the process alive.
  w.ref();
  return new Promise((resolve) => {
    const done = (reply: GlpkWorkerReply | 'aborted') => {
      w.off('message', onMessage);
      w.off('error', onError);
      w.off('exit', onExit);
      signal.removeEventListener('abort', onAbort);
      if (reply === 'aborted' || 'error' in reply) {
        if (worker === w) worker = null;
        void w.terminate();
      } else w.unref();
      resolve(reply);
    };
    const onMessage = (reply: GlpkWorkerReply) => done(reply);
    const onError = (e: Error) => done({ error: e.message });
    const onExit = () => done({ error: 'the GLPK worker ended' });
    const onAbort = () => done('aborted');
    w.on('message', onMessage);
    w.on('error', onError);
    w.on('exit', onExit);
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    w.postMessage(lp);
  });
}
