// The delivered-model search on several CPU cores: independent annealing searches from the same
// starting layouts, each with its own random stream, in worker threads beside the caller's own,
// merged into one list of best layouts. The search finds better layouts the longer it runs (on
// hetero42 a search given three times as long served 2.7% more), and a planning minute is wall
// time, so the cores a machine has are search time it would otherwise leave unused.

import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Cluster, Placement } from '../spec/types.js';
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
  return (await searchDeliveredModels(cluster, o, [{ workload, threads }]))[0];
}

/** One model to search on, and how many searches (threads) it gets. */
export interface ModelSearch {
  /** The requests the model predicts for (default azure-conv). */
  readonly workload?: Workload;
  readonly threads: number;
  /** Searches on another cluster than the caller's (a group of its nodes: split-search.ts), from these seeds. */
  readonly on?: { readonly cluster: Cluster; readonly seeds: readonly Placement[] };
}

/** Random streams far apart, so no two searches walk the same moves (0: the caller's own seed). */
const streamSeed = (seed: number, k: number): number => (k === 0 ? seed : (seed + k * 0x9e3779b1) >>> 0);

/**
 * Searches on several models at once (the same starting layouts), each model's searches merged on
 * their own: scores of different models are not comparable. The caller's thread runs the first
 * model's first search, worker threads the rest. Where worker threads cannot run, each model gets
 * one search in the caller's thread, interleaved (each yields every 50 ms), as with `inThread`.
 */
export async function searchDeliveredModels(
  cluster: Cluster,
  o: ParallelSearchOptions,
  models: readonly ModelSearch[],
  /** Every model's search in this thread, interleaved (a user who asked for one thread). */
  inThread = false,
): Promise<(ObjectiveSearchResult & { readonly threads: number })[]> {
  const total = models.reduce((sum, m) => sum + Math.max(1, m.threads), 0);
  const script = total > 1 && !inThread ? workerScript(SCRIPT) : null;
  const { signal, onTick, ...data } = o;
  // Progress shows the first model's best (the others' scores are in other units).
  let best = 0;
  const tick = (score: number) => {
    if (score > best) best = score;
    onTick?.(best);
  };
  const clusterOf = (m: ModelSearch) => m.on?.cluster ?? cluster;
  const seedsOf = (m: ModelSearch) => m.on?.seeds ?? o.seeds;
  const objective = (m: ModelSearch) => deliveredScore(clusterOf(m), { partialInference: o.partialInference, workload: m.workload });
  if (!script) {
    const results = await Promise.all(models.map((m, i) => searchObjective(clusterOf(m), { ...o, seeds: seedsOf(m), seed: streamSeed(o.seed, i), objective: objective(m), onTick: i === 0 ? tick : undefined })));
    return results.map((r) => ({ ...r, threads: 1 }));
  }

  const deadline = Date.now() + o.timeLimitSec * 1000;
  const workers: Worker[] = [];
  const runs: Promise<ObjectiveSearchResult | null>[][] = models.map(() => []);
  let k = 0;
  models.forEach((m, i) => {
    for (let j = 0; j < Math.max(1, m.threads); j++, k++) {
      if (k === 0) continue; // the caller's own search, below
      const request: WorkerRequest = { cluster: clusterOf(m), options: { ...data, seeds: seedsOf(m), seed: streamSeed(o.seed, k) }, deadline, workload: m.workload };
      const worker = new Worker(script, { workerData: request });
      workers.push(worker);
      runs[i].push(
        new Promise((resolve) => {
          let result: ObjectiveSearchResult | null = null;
          worker.on('message', (msg: WorkerMessage) => {
            if ('tick' in msg) {
              if (i === 0) tick(msg.tick);
            } else result = msg.result;
          });
          // A thread that fails (out of memory, say) costs its share of the search, not the plan.
          worker.on('error', () => resolve(null));
          worker.on('exit', () => resolve(result));
        }),
      );
    }
  });
  const abort = () => workers.forEach((w) => w.postMessage({ abort: true }));
  signal?.addEventListener('abort', abort, { once: true });
  try {
    runs[0].unshift(searchObjective(clusterOf(models[0]), { ...o, seeds: seedsOf(models[0]), objective: objective(models[0]), onTick: tick }));
    const results = await Promise.all(runs.map((r) => Promise.all(r)));
    return results.map((r, i) => ({ ...mergeSearches(r.filter((x): x is ObjectiveSearchResult => x !== null), o.keep ?? 3), threads: Math.max(1, models[i].threads) }));
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
