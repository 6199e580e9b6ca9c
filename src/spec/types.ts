// The resolved inputs every later stage works from. Loaders in src/spec turn YAML files into these;
// nothing downstream reads YAML or parses units again.

/** A model card: the facts about a model that placement and simulation need. */
export interface ModelCard {
  /** Identifier used in cluster specs and profile folders, e.g. `llama2-70b`. */
  readonly id: string;
  /** Human name, e.g. `LLaMA-2-70B`. */
  readonly name: string;
  readonly layers: number;
  readonly hiddenSize: number;
  readonly bytesPerParam: number;
  readonly bytesPerActivation: number;
  readonly paramsPerLayer: number;
  /** Key + value cache bytes for one token in one layer. */
  readonly kvBytesPerTokenPerLayer: number;
  /** Bytes per token on coordinator links (token ids in, token ids out). */
  readonly tokenBytes: number;
  /** Derived: hiddenSize * bytesPerActivation, the bytes one token's activations take between stages. */
  readonly activationBytesPerToken: number;
  /** Derived: paramsPerLayer * bytesPerParam. */
  readonly weightBytesPerLayer: number;
  /** Longest context a request may have (input + output tokens); used for KV sizing. */
  readonly contextLength: number;
  /** File the card was read from (for error messages and plan identity). */
  readonly file: string;
}

export type ProfileSource = 'measured' | 'imported' | 'estimated';

/** One GPU type's profile for one model: throughput when holding k layers. */
export interface GpuProfile {
  readonly gpu: string;
  readonly model: string;
  readonly vramBytes: number;
  /** Most layers this GPU type may hold (weights within its weight budget). */
  readonly maxLayers: number;
  /** throughput[k - 1] = tokens/s when holding k layers, k = 1..maxLayers. Measured data: not always monotone. */
  readonly throughput: readonly number[];
  readonly source: ProfileSource;
  /** NIC speed in bytes/s, in and out (caps the node's token rate). */
  readonly nicBytesPerSec: number;
  readonly file: string;
  /**
   * The pipeline a derived table assumed (`helix profile import/estimate` record it in
   * `derivedFrom`: "homogeneous", or the --pipeline given); absent on tables that do not say.
   */
  readonly pipeline?: string;
}

/** A compute node: one machine, its GPUs acting as one pipeline stage. */
export interface ClusterNode {
  readonly index: number;
  readonly name: string;
  readonly gpu: string;
  readonly region: string;
  readonly vramBytes: number;
  readonly maxLayers: number;
  readonly nicBytesPerSec: number;
  /** capacity[k - 1] = tokens/s when holding k layers: the profile, capped by the NIC. */
  readonly capacity: readonly number[];
  readonly profileSource: ProfileSource;
}

/**
 * A cluster ready for planning. Link arrays are dense, row-major n*n (i -> j at i*n + j);
 * capacity 0 means no link. Capacities are in tokens/s, bandwidth in bytes/s, latency in seconds.
 */
export interface Cluster {
  readonly name: string;
  /** Spec file path, or '<inline>' for clusters built in code. */
  readonly file: string;
  readonly model: ModelCard;
  readonly nodes: readonly ClusterNode[];
  readonly linkCapacity: Float64Array;
  readonly linkBandwidth: Float64Array;
  readonly linkLatency: Float64Array;
  /** coordinator -> node i, tokens/s (0 = no link). */
  readonly sourceCapacity: Float64Array;
  /** node i -> coordinator, tokens/s (0 = no link). */
  readonly sinkCapacity: Float64Array;
  readonly sourceLatency: Float64Array;
  readonly sinkLatency: Float64Array;
  readonly coordinatorRegion: string;
  /** sha256 over the resolved inputs: a plan names the inputs it was made for. */
  readonly inputHash: string;
  /** The spec gives no `name:` (the name is its file's, or `stdin`). */
  readonly unnamed?: true;
  /** What the tool should say about the inputs whenever it plans on them (profiles of unlike derivations). */
  readonly inputNotes?: readonly string[];
  /**
   * Folders of per-layer timing tables that come before the bundled ones (the profile folder's
   * own `layer-time/`, then its parent's, as model cards are found); absent: the bundled only.
   */
  readonly layerTimeDirs?: readonly string[];
}

/** A half-open layer range [start, end). */
export interface LayerRange {
  readonly start: number;
  readonly end: number;
}

/** Placement: per node index, its layer range, or null when the node is unused. */
export type Placement = readonly (LayerRange | null)[];
