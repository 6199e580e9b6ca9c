// KV-cache room per node: how many tokens of context a node can keep for the requests routed
// through it. Uses the same memory accounting as profile derivation (src/profiles/memory.ts), so
// the simulated cache matches the one the throughput tables assumed.

import { HELIX_KV_FILL } from '../profiles/derive.js';
import { kvTokensPerLayer, usableMemoryBytes } from '../profiles/memory.js';
import { bundledGpuCatalog } from '../spec/bundled.js';
import { loadGpuCatalogs } from '../spec/gpus.js';
import type { Cluster } from '../spec/types.js';

/**
 * Share of a node's KV slots that admission may reserve. Helix's scheduler keeps a high-water
 * mark well below a full cache (room for the paging a real engine needs); its throughput tables
 * were derived with the same share, so the default keeps simulation and profiles consistent.
 */
export const DEFAULT_KV_FILL = HELIX_KV_FILL;

let catalogGpus: Map<string, number> | null = null;

/** GPUs per machine type from the bundled catalog (1 for types it does not list). */
export function bundledGpusPerMachine(gpu: string): number {
  catalogGpus ??= new Map([...loadGpuCatalogs([bundledGpuCatalog])].map(([name, t]) => [name, t.gpus]));
  return catalogGpus.get(gpu) ?? 1;
}

/**
 * Tokens node `i` can hold in its KV cache when it holds `layers` layers: the memory a serving
 * engine may use, less the weights, over the KV bytes one token takes in all those layers.
 */
export function kvTokenSlots(cluster: Cluster, i: number, layers: number, gpusPerMachine: (gpu: string) => number = bundledGpusPerMachine): number {
  if (layers < 1) return 0;
  const node = cluster.nodes[i];
  return kvTokensPerLayer(usableMemoryBytes(node.vramBytes, gpusPerMachine(node.gpu)), cluster.model, layers);
}
