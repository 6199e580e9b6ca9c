// One simulator of the pool in sim-pool.ts: runs the confirming simulation on each plan it is sent.

import { parentPort, workerData } from 'node:worker_threads';
import { confirmRun } from './objective.js';
import type { SimWorkerData, SimWorkerReply, SimWorkerRequest } from './sim-pool.js';

const port = parentPort!;
const { cluster, count, lengths } = workerData as SimWorkerData;
port.on('message', (m: SimWorkerRequest) => {
  port.postMessage({ id: m.id, report: confirmRun(cluster, m.plan, count, { lengths }) } satisfies SimWorkerReply);
});
