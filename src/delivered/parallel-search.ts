// The delivered-model search on several CPU cores: independent annealing searches from the same
// starting layouts, each with its own random stream, in worker threads beside the caller's own,
// merged into one list of best layouts. The search finds better layouts the longer it runs (on
// hetero42 a search given three times as long served 2.7% more), and a planning minute is wall
// time, so the cores a machine has are search time it would otherwise leave unused.

import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Cluster } from '../spec/types.js';
import { searchObjective, type ObjectiveSearchOptions, type ObjectiveSearchResult, type ScoredPlacement } from '../search/delivered-search.js';
import { layoutOf, sameLayout } from '../search/layout.js';
import { deliveredScore } from './layout-score.js';
import type { Workload } from './model.js';
import { workerScript } from './worker-script.js';

/** Searches at once by default: more rarely pays on the bundled clusters, and each holds its own tables. */
export const MAX_DEFAULT_THREADS = 4;
/** Most searches a user may ask for: each thread holds a copy of the cluster (megabytes at 1,000 nodes). */
export const MAX_THREADS = 64;

/** What a worker is sent: all plain data (the cluster is typed arrays and plain objects). */
export interface WorkerRequest {
  readonly cluster: Cluster;
  readonly options: Omit<ObjectiveSearchOptions, 'objective' | 'signal' | 'onTick'>;
  /** Date.now() at which the search must end. */
  readonly deadline: number;
  /** The requests the model predicts for (default azure-conv). */
  readonly workload?: Workload;
}

export type WorkerMessage = { readonly tick: number } | { readonly result: ObjectiveSearchResult };

export type ParallelSearchOptions = Omit<ObjectiveSearchOptions, 'objective'>;

/** Threads for the search when the user does not say: one per core, at most MAX_DEFAULT_THREADS. */
export function defaultThreads(): number {
  return Math.max(1, Math.min(MAX_DEFAULT_THREADS, availableParallelism()));
}

const SCRIPT = 'search-worker.js';

/** Whether `threads` > 1 can use worker threads here. */
export function workersAvailable(): boolean {
  return workerScript(SCRIPT) !== null;
}

/**
 * Runs `threads` searches (the caller's thread is one of them) of the model's prediction for
 * `workload`, and merges them. Falls back to a single search where worker threads cannot run.
 */
export async function searchDeliveredParallel(cluster: Cluster, o: ParallelSearchOptions, threads: number, workload?: Workload): Promise<ObjectiveSearchResult & { readonly threads: number }> {
  const objective = deliveredScore(cluster, { partialInference: o.partialInference, workload });
  const script = threads > 1 ? workerScript(SCRIPT) : null;
  if (!script) return { ...(await searchObjective(cluster, { ...o, objective })), threads: 1 };

  const deadline = Date.now() + o.timeLimitSec * 1000;
  const { signal, onTick, ...data } = o;
  let best = 0;
  const tick = (score: number) => {
    if (score > best) best = score;
    onTick?.(best);
  };
  const workers: Worker[] = [];
  const runs: Promise<ObjectiveSearchResult | null>[] = [];
  for (let k = 1; k < threads; k++) {
    // Streams far apart, so no two searches walk the same moves.
    const request: WorkerRequest = { cluster, options: { ...data, seed: (o.seed + k * 0x9e3779b1) >>> 0 }, deadline, workload };
    const worker = new Worker(script, { workerData: request });
    workers.push(worker);
    runs.push(
      new Promise((resolve) => {
        let result: ObjectiveSearchResult | null = null;
        worker.on('message', (m: WorkerMessage) => {
          if ('tick' in m) tick(m.tick);
          else result = m.result;
        });
        // A thread that fails (out of memory, say) costs its share of the search, not the plan.
        worker.on('error', () => resolve(null));
        worker.on('exit', () => resolve(result));
      }),
    );
  }
  const abort = () => workers.forEach((w) => w.postMessage({ abort: true }));
  signal?.addEventListener('abort', abort, { once: true });
  try {
    const own = searchObjective(cluster, { ...o, objective, onTick: tick });
    const results = (await Promise.all([own, ...runs])).filter((r): r is ObjectiveSearchResult => r !== null);
    return { ...mergeSearches(results, o.keep ?? 3), threads };
  } finally {
    signal?.removeEventListener('abort', abort);
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

/**
 * One result from several searches: their best layouts, best first, one per starting point and
 * no layout twice (as a single search keeps them), at most `keep`.
 */
export function mergeSearches(results: readonly ObjectiveSearchResult[], keep: number): ObjectiveSearchResult {
  const all = results.flatMap((r) => r.best).sort((a, b) => b.score - a.score);
  const best: ScoredPlacement[] = [];
  for (const p of all) {
    if (best.length >= keep) break;
    if (best.some((q) => q.from === p.from || sameLayout(layoutOf(q.placement), layoutOf(p.placement)))) continue;
    best.push(p);
  }
  return {
    best,
    evaluations: results.reduce((s, r) => s + r.evaluations, 0),
    runs: results.reduce((s, r) => s + r.runs, 0),
    stalled: results.length > 0 && results.every((r) => r.stalled),
  };
}
