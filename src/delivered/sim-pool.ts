// Confirming runs on several CPU cores at once, for the simulation-scored search (polish.ts). A
// run takes 0.1-0.3 s on the bundled clusters, so the climb scores only some 50 layouts in its
// share of a planning minute; by then the model search is over and the other cores are idle. Each
// worker thread holds the cluster and runs `confirmRun` on the plans it is sent; the caller's own
// thread runs one plan of every batch itself, so a pool of k threads has k - 1 workers.

import { Worker } from 'node:worker_threads';
import type { Plan } from '../plan/types.js';
import type { LengthSpec } from '../sim/requests.js';
import type { SimReport } from '../sim/simulate.js';
import type { Cluster } from '../spec/types.js';
import { workerScript } from './worker-script.js';

/** What a simulation worker is started with. */
export interface SimWorkerData {
  readonly cluster: Cluster;
  /** Offline requests of each run (see confirmCount). */
  readonly count: number;
  /** Their lengths (the workload planned for). */
  readonly lengths?: LengthSpec;
}

export interface SimWorkerRequest {
  readonly id: number;
  readonly plan: Plan;
}

export interface SimWorkerReply {
  readonly id: number;
  readonly report: SimReport | null;
}

export interface SimPool {
  /** Worker threads beside the caller's (0 where none could start). */
  readonly workers: number;
  /** One run on the caller's thread (the pool's own confirming run). */
  readonly run: (plan: Plan) => SimReport | null;
  /** Runs every plan, the first on the caller's thread, the others on workers; reports in order. */
  runMany(plans: readonly Plan[]): Promise<(SimReport | null)[]>;
  close(): Promise<void>;
}

/**
 * A pool of `threads` simulators (the caller's thread included) for runs of `count` requests of
 * `lengths`; `run` is the caller's own (the same confirming run). Where worker threads cannot run (the
 * TypeScript sources under a test runner) the pool has no workers and runs everything in turn.
 */
export function createSimPool(cluster: Cluster, count: number, threads: number, run: (plan: Plan) => SimReport | null, lengths?: LengthSpec): SimPool {
  const script = threads > 1 ? workerScript('sim-worker.js') : null;
  const workers: Worker[] = [];
  const pending = new Map<number, (report: SimReport | null) => void>();
  let nextId = 0;
  if (script) {
    for (let k = 1; k < threads; k++) {
      const worker = new Worker(script, { workerData: { cluster, count, lengths } satisfies SimWorkerData });
      worker.on('message', (m: SimWorkerReply) => {
        pending.get(m.id)?.(m.report);
        pending.delete(m.id);
      });
      workers.push(worker);
    }
  }
  // A worker that fails or exits takes its runs with it: they come back as null (no score), not as
  // an error, and later runs stay on this thread.
  let broken = false;
  const fail = () => {
    broken = true;
    for (const resolve of pending.values()) resolve(null);
    pending.clear();
  };
  for (const w of workers) {
    w.on('error', fail);
    w.on('exit', fail);
  }

  const remote = (worker: Worker, plan: Plan): Promise<SimReport | null> => {
    if (broken) return Promise.resolve(run(plan));
    const id = nextId++;
    return new Promise((resolve) => {
      pending.set(id, resolve);
      worker.postMessage({ id, plan } satisfies SimWorkerRequest);
    });
  };

  return {
    workers: workers.length,
    run,
    async runMany(plans) {
      if (plans.length === 0) return [];
      // Workers first, so they run while this thread simulates its own.
      const others = plans.slice(1).map((plan, k) => (k < workers.length ? remote(workers[k], plan) : null));
      const own = run(plans[0]);
      const rest: (SimReport | null)[] = [];
      for (let k = 0; k < others.length; k++) rest.push(others[k] === null ? run(plans[k + 1]) : await others[k]!);
      return [own, ...rest];
    },
    async close() {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
