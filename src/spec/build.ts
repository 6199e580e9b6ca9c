// Builds a planning-ready Cluster from resolved values (no units, no YAML). The YAML loader and
// tests both go through here, so capacities and the input hash are computed one way only.

import { createHash } from 'node:crypto';
import type { Cluster, ClusterNode, ModelCard, ProfileSource } from './types.js';

export interface NodeInit {
  readonly name: string;
  readonly gpu: string;
  readonly region: string;
  readonly vramBytes: number;
  readonly maxLayers: number;
  readonly nicBytesPerSec: number;
  /** Profile throughput, tokens/s for k = 1.. layers (may be longer than maxLayers). */
  readonly throughput: readonly number[];
  readonly profileSource: ProfileSource;
}

export interface LinkInit {
  /** bytes/s; 0 means no link. */
  readonly bandwidth: number;
  /** seconds. */
  readonly latency: number;
}

export interface ClusterInit {
  readonly name: string;
  readonly file?: string;
  readonly model: ModelCard;
  readonly nodes: readonly NodeInit[];
  readonly coordinatorRegion: string;
  /** Link from node i to node j (i != j); null when there is none. */
  readonly link: (i: number, j: number) => LinkInit | null;
  /** Coordinator <-> node i link (same both ways); null when the coordinator cannot reach it. */
  readonly coordinatorLink: (i: number) => LinkInit | null;
  /** Per-layer timing folders before the bundled ones (Cluster.layerTimeDirs). */
  readonly layerTimeDirs?: readonly string[];
}

/** Link capacities are capped at this multiple of the fastest node's tokens/s (see buildCluster). */
export const LINK_CAP_OVER_NODES = 1e6;

export function buildCluster(init: ClusterInit): Cluster {
  const { model } = init;
  const n = init.nodes.length;
  const nodes: ClusterNode[] = init.nodes.map((node, index) => {
    // A NIC moves activations in and out; the node cannot process tokens faster than they arrive.
    const nicCap = node.nicBytesPerSec > 0 ? node.nicBytesPerSec / model.activationBytesPerToken : Infinity;
    const k = Math.min(node.maxLayers, node.throughput.length, model.layers);
    const capacity = node.throughput.slice(0, k).map((t) => Math.min(t, nicCap));
    return {
      index,
      name: node.name,
      gpu: node.gpu,
      region: node.region,
      vramBytes: node.vramBytes,
      maxLayers: k,
      nicBytesPerSec: node.nicBytesPerSec,
      capacity,
      profileSource: node.profileSource,
    };
  });

  // A link never carries more than the nodes at its ends can process, so capacities far above
  // any node's are capped: the max flow is the same, and Dinic's sums and the verifier's
  // conservation check stay exact in doubles (a 1e12 GB/s link once failed verification by a
  // token/s). The cap is far above any real link (10 Gbps is 76,000 tokens/s of 70B activations).
  const fastestNode = Math.max(1, ...nodes.map((node) => Math.max(0, ...node.capacity)));
  const capped = (tokensPerSec: number) => Math.min(tokensPerSec, LINK_CAP_OVER_NODES * fastestNode);
  const linkCapacity = new Float64Array(n * n);
  const linkBandwidth = new Float64Array(n * n);
  const linkLatency = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (i === j) continue;
      const l = init.link(i, j);
      if (!l || l.bandwidth <= 0) continue;
      linkBandwidth[i * n + j] = l.bandwidth;
      linkLatency[i * n + j] = l.latency;
      linkCapacity[i * n + j] = capped(l.bandwidth / model.activationBytesPerToken);
    }
  }

  const sourceCapacity = new Float64Array(n);
  const sinkCapacity = new Float64Array(n);
  const sourceLatency = new Float64Array(n);
  const sinkLatency = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const l = init.coordinatorLink(i);
    if (!l || l.bandwidth <= 0) continue;
    sourceCapacity[i] = sinkCapacity[i] = capped(l.bandwidth / model.tokenBytes);
    sourceLatency[i] = sinkLatency[i] = l.latency;
  }

  const hash = createHash('sha256');
  hash.update(JSON.stringify({ model: { ...model, file: undefined }, nodes, coordinator: init.coordinatorRegion }));
  for (const a of [linkBandwidth, linkLatency, sourceCapacity, sinkCapacity, sourceLatency]) {
    hash.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  }

  return {
    name: init.name,
    file: init.file ?? '<inline>',
    model,
    nodes,
    linkCapacity,
    linkBandwidth,
    linkLatency,
    sourceCapacity,
    sinkCapacity,
    sourceLatency,
    sinkLatency,
    coordinatorRegion: init.coordinatorRegion,
    inputHash: `sha256:${hash.digest('hex')}`,
    ...(init.layerTimeDirs && init.layerTimeDirs.length > 0 ? { layerTimeDirs: init.layerTimeDirs } : {}),
  };
}

/** A model card from its defining numbers, with the derived fields filled in. */
export function makeModelCard(fields: Omit<ModelCard, 'activationBytesPerToken' | 'weightBytesPerLayer'>): ModelCard {
  return {
    ...fields,
    activationBytesPerToken: fields.hiddenSize * fields.bytesPerActivation,
    weightBytesPerLayer: fields.paramsPerLayer * fields.bytesPerParam,
  };
}
