// One delivered-model search in a worker thread (see parallel-search.ts). The objective is a
// function, so the worker builds it from the cluster it is sent; everything else arrives as data.

import { parentPort, workerData } from 'node:worker_threads';
import { searchObjective } from '../search/delivered-search.js';
import { deliveredScore } from './layout-score.js';
import type { WorkerRequest, WorkerMessage } from './parallel-search.js';

const port = parentPort!;
const request = workerData as WorkerRequest;
const controller = new AbortController();
port.on('message', (m: { abort?: boolean }) => {
  if (m.abort) controller.abort();
});
const { cluster, options, deadline, workload } = request;
const result = await searchObjective(cluster, {
  ...options,
  // The thread took a moment to start: it ends when the caller's search does.
  timeLimitSec: Math.max(0, (deadline - Date.now()) / 1000),
  signal: controller.signal,
  objective: deliveredScore(cluster, { partialInference: options.partialInference, workload }),
  onTick: (best) => port.postMessage({ tick: best } satisfies WorkerMessage),
});
port.postMessage({ result } satisfies WorkerMessage);
port.close();
