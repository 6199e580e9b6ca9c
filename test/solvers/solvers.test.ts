import { describe, expect, it } from 'vitest';
import { getSolver, solverNames } from '../../src/solvers/index.js';
import { boundWithinGap } from '../../src/solvers/types.js';
import { toLpFormat } from '../../src/milp/lp-format.js';
import { modelSize, type MilpModel, type Row, type Variable } from '../../src/milp/model.js';
import { createRng } from '../../src/search/rng.js';
import { renderError, type HelixError } from '../../src/errors.js';

const upTo = (name: string, terms: Row['terms'], ub: number): Row => ({ name, terms, lb: -Infinity, ub });
const atLeast = (name: string, terms: Row['terms'], lb: number): Row => ({ name, terms, lb, ub: Infinity });

// max 3x + 2y  s.t.  x + y <= 4.5,  x - y >= -1,  y <= 3,  x integer in [0, 10], y >= 0.
// The LP optimum is x = 4.5, y = 0; with x integer: x = 4, y = 0.5, objective 12 + 1 = 13.
const tiny: MilpModel = {
  name: 'tiny',
  sense: 'max',
  objective: [{ name: 'x', coef: 3 }, { name: 'y', coef: 2 }],
  variables: [
    { name: 'x', kind: 'integer', lb: 0, ub: 10 },
    { name: 'y', kind: 'continuous', lb: 0, ub: Infinity },
  ],
  rows: [
    upTo('a', [{ name: 'x', coef: 1 }, { name: 'y', coef: 1 }], 4.5),
    atLeast('b', [{ name: 'x', coef: 1 }, { name: 'y', coef: -1 }], -1),
    upTo('c', [{ name: 'y', coef: 1 }], 3),
  ],
  steps: [],
};

/** A 0-1 knapsack with several weight rows: small, but not solved at the first incumbent. */
function knapsack(items: number, dims: number, seed: number): MilpModel {
  const rng = createRng(seed);
  const variables: Variable[] = Array.from({ length: items }, (_, i) => ({ name: `x${i}`, kind: 'binary', lb: 0, ub: 1 }));
  const rows = Array.from({ length: dims }, (_, d) => {
    const terms = variables.map((v) => ({ name: v.name, coef: Math.round(10 + rng.next() * 90) }));
    return upTo(`w${d}`, terms, terms.reduce((s, t) => s + t.coef, 0) / 2);
  });
  return { name: 'knapsack', sense: 'max', objective: variables.map((v) => ({ name: v.name, coef: Math.round(10 + rng.next() * 90) })), variables, rows, steps: [] };
}

describe.each(solverNames())('%s backend', (name) => {
  const solver = getSolver(name);

  it('solves a hand-worked MILP', async () => {
    const r = await solver.solve(tiny, { timeLimitSec: 5 });
    expect(r.status).toBe('optimal');
    expect(r.objective).toBeCloseTo(13, 6);
    expect(r.values.get('x')).toBeCloseTo(4, 6);
    expect(r.values.get('y')).toBeCloseTo(0.5, 6);
    expect(r.bound).toBeCloseTo(13, 6);
  });

  it('minimises too, and merges repeated terms of a row', async () => {
    // min x + y  s.t.  x + x + y >= 3 (written with x twice),  x <= 1:  x = 1, y = 1.
    const model: MilpModel = {
      ...tiny,
      sense: 'min',
      objective: [{ name: 'x', coef: 1 }, { name: 'y', coef: 1 }],
      rows: [atLeast('a', [{ name: 'x', coef: 1 }, { name: 'x', coef: 1 }, { name: 'y', coef: 1 }], 3), upTo('b', [{ name: 'x', coef: 1 }], 1)],
    };
    const r = await solver.solve(model, { timeLimitSec: 5 });
    expect(r.status).toBe('optimal');
    expect(r.objective).toBeCloseTo(2, 6);
  });

  it('reports infeasible and unbounded as statuses, not exceptions', async () => {
    const infeasible = { ...tiny, rows: [...tiny.rows, atLeast('d', [{ name: 'x', coef: 1 }], 20)] };
    const bad = await solver.solve(infeasible, { timeLimitSec: 5 });
    expect(bad.status).toBe('infeasible');
    expect(bad.objective).toBeNull();
    expect(bad.values.size).toBe(0);
    // max 3x + 2y with only y <= x: both grow without limit.
    const unbounded: MilpModel = {
      ...tiny,
      variables: [{ name: 'x', kind: 'continuous', lb: 0, ub: Infinity }, { name: 'y', kind: 'continuous', lb: 0, ub: Infinity }],
      rows: [atLeast('a', [{ name: 'x', coef: 1 }, { name: 'y', coef: -1 }], 0)],
    };
    expect((await solver.solve(unbounded, { timeLimitSec: 5 })).status).toBe('unbounded');
  });

  it('keeps a binary fixed by its bounds', async () => {
    const model: MilpModel = {
      name: 'fixed', sense: 'max',
      objective: [{ name: 'a', coef: 1 }, { name: 'b', coef: 2 }],
      variables: [{ name: 'a', kind: 'binary', lb: 0, ub: 1 }, { name: 'b', kind: 'binary', lb: 0, ub: 0 }],
      rows: [upTo('r', [{ name: 'a', coef: 1 }, { name: 'b', coef: 1 }], 2)],
      steps: [],
    };
    const r = await solver.solve(model, { timeLimitSec: 5 });
    expect(r.objective).toBeCloseTo(1, 6);
    expect(r.values.get('b')).toBeCloseTo(0, 6);
  });

  it('answers a model without variables without calling the backend', async () => {
    const empty: MilpModel = { name: 'empty', sense: 'max', objective: [], variables: [], rows: [], steps: [] };
    const r = await solver.solve(empty, { timeLimitSec: 1 });
    expect(r).toMatchObject({ status: 'optimal', objective: 0 });
  });

  it('returns without solving when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const r = await solver.solve(tiny, { timeLimitSec: 5, signal: controller.signal });
    expect(r.status).toBe('no-solution');
    expect(r.message).toBe('interrupted');
  });

  it('agrees with the other backend on a knapsack', async () => {
    const model = knapsack(18, 3, 11);
    const here = await solver.solve(model, { timeLimitSec: 10 });
    const glpk = await getSolver('glpk').solve(model, { timeLimitSec: 10 });
    expect(here.status).toBe('optimal');
    expect(here.objective).toBeCloseTo(glpk.objective!, 6);
    // Every reported value satisfies every row.
    for (const row of model.rows) {
      const lhs = row.terms.reduce((s, t) => s + t.coef * here.values.get(t.name)!, 0);
      expect(lhs).toBeLessThanOrEqual(row.ub + 1e-6);
    }
  });
});

describe('highs specifics', () => {
  it('reports progress and stops at an interrupt point when the handler aborts', async () => {
    const controller = new AbortController();
    const seen: { incumbent: number | null; bound: number | null }[] = [];
    const r = await getSolver('highs').solve(knapsack(60, 6, 3), {
      timeLimitSec: 30,
      signal: controller.signal,
      onProgress: (p) => {
        seen.push(p);
        if (p.incumbent !== null) controller.abort();
      },
    });
    expect(seen.length).toBeGreaterThan(0);
    expect(r.status).toBe('feasible');
    expect(r.message).toBe('interrupted');
    // Stopped early: the proved bound is still above the incumbent.
    expect(r.bound!).toBeGreaterThan(r.objective!);
  });

  it('uses a MIP start: the first incumbent it reports is at least the start', async () => {
    const model = knapsack(40, 4, 5);
    const best = await getSolver('glpk').solve(model, { timeLimitSec: 10 });
    const incumbents: number[] = [];
    const r = await getSolver('highs').solve(model, {
      timeLimitSec: 10,
      start: best.values,
      onProgress: (p) => void (p.incumbent !== null && incumbents.push(p.incumbent)),
    });
    expect(getSolver('highs').acceptsStart).toBe(true);
    expect(r.objective).toBeCloseTo(best.objective!, 6);
    expect(incumbents[0]).toBeCloseTo(best.objective!, 6);
  });
});

describe('solver support', () => {
  it('rejects an unknown backend with the known names', () => {
    try {
      getSolver('gurobi');
      expect.unreachable();
    } catch (e) {
      expect(renderError(e as HelixError)).toMatch(/unknown solver "gurobi" \(expected glpk, highs\)/);
    }
  });

  it('widens an incumbent by the relative gap in the direction of the objective', () => {
    expect(boundWithinGap('max', 100, 0.01)).toBeCloseTo(101, 9);
    expect(boundWithinGap('min', 100, 0.01)).toBeCloseTo(99, 9);
    expect(boundWithinGap('max', -50, 0.1)).toBeCloseTo(-45, 9);
    expect(boundWithinGap('max', 100, 0)).toBe(100);
  });

  it('writes fixed binaries as bounded integers in LP format, and sizes models', () => {
    const model: MilpModel = {
      name: 'lp', sense: 'max',
      objective: [{ name: 'a', coef: 1 }],
      variables: [{ name: 'a', kind: 'binary', lb: 0, ub: 1 }, { name: 'b', kind: 'binary', lb: 1, ub: 1 }],
      rows: [{ name: 'r', terms: [{ name: 'a', coef: 1 }, { name: 'b', coef: 1 }], lb: 1, ub: 2 }],
      steps: [],
    };
    const text = toLpFormat(model);
    expect(text).toContain(' 1 <= b <= 1');
    expect(text).toMatch(/General\n b\nBinary\n a\n/);
    expect(text).toMatch(/ r_lo: +1 a\n +\+ 1 b >= 1\n r_hi: +1 a\n +\+ 1 b <= 2/);
    expect(modelSize(model)).toEqual({ variables: 2, integers: 2, rows: 1, nonzeros: 2 });
  });
});

describe('glpk in its worker thread (the built module: the worker script exists only in dist/)', () => {
  it('solves as in the caller\'s thread, two solves at once each get their own answer, and an abort ends a solve at once', async () => {
    const built = await import(new URL('../../dist/src/solvers/glpk.js', import.meta.url).href);
    const solver = built.glpkSolver as ReturnType<typeof getSolver>;
    const a = knapsack(30, 3, 1);
    const b = knapsack(30, 3, 2);
    const inThread = await Promise.all([solver.solve(a, { timeLimitSec: 20 }), solver.solve(b, { timeLimitSec: 20 })]);
    expect(inThread[0].objective).not.toBe(inThread[1].objective);
    // With a signal the solves go to the one worker, in turn: its replies once went to whichever asked first.
    const signal = new AbortController().signal;
    const viaWorker = await Promise.all([solver.solve(a, { timeLimitSec: 20, signal }), solver.solve(b, { timeLimitSec: 20, signal })]);
    expect(viaWorker.map((r) => r.objective)).toEqual(inThread.map((r) => r.objective));
    const stop = new AbortController();
    const big = knapsack(400, 12, 3);
    const started = performance.now();
    const pending = solver.solve(big, { timeLimitSec: 60, signal: stop.signal });
    setTimeout(() => stop.abort(), 300);
    const r = await pending;
    expect(r.status).toBe('no-solution');
    expect(performance.now() - started).toBeLessThan(20_000);
    // The next solve starts a fresh worker.
    expect((await solver.solve(a, { timeLimitSec: 20, signal })).objective).toBe(inThread[0].objective);
  }, 60_000);
});
