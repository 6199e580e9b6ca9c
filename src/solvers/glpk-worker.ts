// One GLPK instance in a worker thread (see glpk.ts): a solve blocks the thread it runs on until
// its time limit, so here it leaves the caller's thread free to stop it on Ctrl-C.

import { parentPort } from 'node:worker_threads';
import GLPKFactory, { type LP } from 'glpk.js/node';

export type GlpkWorkerReply = { readonly status: number; readonly z: number; readonly vars: Record<string, number> } | { readonly error: string };

const port = parentPort!;
const g = await GLPKFactory();
port.on('message', (lp: LP) => {
  try {
    const out = g.solve(lp);
    port.postMessage({ status: out.result.status, z: out.result.z, vars: out.result.vars } satisfies GlpkWorkerReply);
  } catch (e) {
    // A WASM abort leaves this instance unusable: say why and end, and the caller starts another.
    port.postMessage({ error: e instanceof Error ? e.message : String(e) } satisfies GlpkWorkerReply);
    port.close();
  }
});
