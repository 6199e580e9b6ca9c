// A quick structural test run on every loaded cluster: can any placement at all carry tokens
// from the coordinator through every layer and back? It relaxes "one range per node" (a node may
// appear at several boundaries), so a "no" here is certain and a "yes" is left to the planner.

import { inputError } from '../errors.js';
import type { Cluster } from '../spec/types.js';

export function checkServable(cluster: Cluster): void {
  const n = cluster.nodes.length;
  const L = cluster.model.layers;
  const fail = (why: string, expected: string): never => {
    throw inputError('no-path', `no placement can serve ${cluster.model.id}: ${why}`, { file: cluster.file, field: 'nodes', expected });
  };
  if (!cluster.sourceCapacity.some((c) => c > 0)) fail('the coordinator reaches no node', 'at least one node linked to the coordinator');
  const totalLayers = cluster.nodes.reduce((s, node) => s + node.maxLayers, 0);
  if (totalLayers < L) fail(`the nodes hold at most ${totalLayers} of ${L} layers together`, 'enough GPU memory for every layer');

  // endsAt[b * n + i] = 1 when node i can end a chain covering layers [0, b).
  const endsAt = new Uint8Array((L + 1) * n);
  for (let i = 0; i < n; i++) {
    if (cluster.sourceCapacity[i] <= 0) continue;
    for (let k = 1; k <= cluster.nodes[i].maxLayers && k <= L; k++) endsAt[k * n + i] = 1;
  }
  for (let b = 1; b < L; b++) {
    const starts = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      if (!endsAt[b * n + i]) continue;
      for (let j = 0; j < n; j++) if (!starts[j] && cluster.linkCapacity[i * n + j] > 0) starts[j] = 1;
    }
    for (let j = 0; j < n; j++) {
      if (!starts[j]) continue;
      for (let k = 1; k <= cluster.nodes[j].maxLayers && b + k <= L; k++) endsAt[(b + k) * n + j] = 1;
    }
  }
  for (let i = 0; i < n; i++) if (endsAt[L * n + i] && cluster.sinkCapacity[i] > 0) return;
  fail('no chain of linked nodes covers every layer from the coordinator and back', 'links (and coordinator links) that let ranges connect');
}
