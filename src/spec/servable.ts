// A quick structural test of a loaded cluster: can any placement at all carry tokens from the
// coordinator through every layer and back? It relaxes "one range per node" (a node may appear
// at several layer boundaries), so a "no" is certain while a "yes" leaves the real answer to the
// planner. A "no" is not a typo in the file but a cluster that cannot serve the model, hence
// kind 'infeasible' (exit code 1), not an input error.

import { HelixError } from '../errors.js';
import type { Cluster } from './types.js';
import { plural } from '../report/format.js';

export interface ServabilityProblem {
  readonly code: 'no-coordinator-link' | 'too-little-memory' | 'no-path';
  readonly why: string;
  readonly expected: string;
}

/** What makes the cluster unable to serve its model at all, or null when some chain may exist. */
export function servabilityProblem(cluster: Cluster): ServabilityProblem | null {
  const n = cluster.nodes.length;
  const L = cluster.model.layers;
  if (n === 0) {
    return { code: 'too-little-memory', why: 'no nodes are left', expected: `nodes whose GPU memory holds all ${L} layers` };
  }
  if (!cluster.sourceCapacity.some((c) => c > 0)) {
    return { code: 'no-coordinator-link', why: 'the coordinator reaches no node', expected: 'at least one node linked to the coordinator' };
  }
  const totalLayers = cluster.nodes.reduce((s, node) => s + node.maxLayers, 0);
  if (totalLayers < L) {
    // Per type, so a profile whose table stops short (maxLayers 3 on a 48 GB card) shows.
    const byType = new Map<string, { count: number; layers: number; weightGb: number; vramGb: number }>();
    for (const node of cluster.nodes) {
      const t = byType.get(node.gpu) ?? { count: 0, layers: node.maxLayers, weightGb: (node.maxLayers * cluster.model.weightBytesPerLayer) / 1e9, vramGb: node.vramBytes / 1e9 };
      t.count++;
      byType.set(node.gpu, t);
    }
    const parts = [...byType].map(([gpu, t]) => `${t.count} x ${gpu} at ${plural(t.layers, 'layer')} (${t.weightGb.toFixed(1)} GB of ${t.vramGb.toFixed(0)} GB)`);
    return {
      code: 'too-little-memory',
      why: `the nodes hold at most ${totalLayers} of ${L} layers together: ${parts.join(', ')}`,
      expected: `GPU memory for all ${L} layers (a profile's maxLayers, or its throughput list where it has none, sets a node's layers)`,
    };
  }

  // endsAt[b * n + i] = 1 when node i can be the last of a linked chain covering layers [0, b).
  const endsAt = new Uint8Array((L + 1) * n);
  const reach = (i: number, from: number): void => {
    for (let k = 1; k <= cluster.nodes[i].maxLayers && from + k <= L; k++) endsAt[(from + k) * n + i] = 1;
  };
  for (let i = 0; i < n; i++) if (cluster.sourceCapacity[i] > 0) reach(i, 0);
  // Nodes not yet known to start at boundary b, kept compact: on a well-linked cluster the first
  // node that ends at b reaches them all, so a boundary costs O(n), not O(n^2) (4,000 nodes: 2.6 s).
  const unmarked = new Int32Array(n);
  for (let b = 1; b < L; b++) {
    let left = 0;
    for (let j = 0; j < n; j++) unmarked[left++] = j;
    for (let i = 0; i < n && left > 0; i++) {
      if (!endsAt[b * n + i]) continue;
      let kept = 0;
      for (let k = 0; k < left; k++) {
        const j = unmarked[k];
        if (cluster.linkCapacity[i * n + j] > 0) reach(j, b);
        else unmarked[kept++] = j;
      }
      left = kept;
    }
  }
  for (let i = 0; i < n; i++) if (endsAt[L * n + i] && cluster.sinkCapacity[i] > 0) return null;
  return {
    code: 'no-path',
    why: 'no chain of linked nodes covers every layer from the coordinator and back',
    expected: 'links (and coordinator links) that let layer ranges connect',
  };
}

/**
 * Throws an infeasible-kind HelixError when no placement can carry any flow. `of` names the
 * cluster in the message (replan: "the changed cluster", with `without` the nodes it lost), and
 * `file` the spec to blame where it is not the cluster's own.
 */
export function checkServable(cluster: Cluster, o: { of?: string; without?: readonly string[]; file?: string } = {}): void {
  const problem = servabilityProblem(cluster);
  if (!problem) return;
  const without = o.without && o.without.length > 0 ? ` (without ${o.without.join(', ')})` : '';
  throw new HelixError(problem.code, 'infeasible', `no placement${o.of ? ` of ${o.of}` : ''} can serve ${cluster.model.id}${without}: ${problem.why}`, {
    file: o.file ?? cluster.file,
    field: 'nodes',
    expected: problem.expected,
  });
}
