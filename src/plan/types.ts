// The plan: what every command after `plan` reads. Serialised by src/plan/io.ts with a format
// version and a fixed key order so saved plans diff cleanly.

export const PLAN_FORMAT_VERSION = 1;

export const PLAN_STATUSES = [
  'optimal', // proved optimal (gap within tolerance of a valid bound)
  'gap-reached', // within the requested --gap of the bound
  'stalled', // no improvement for --stall seconds
  'time-limit', // --time-limit ended the search
  'interrupted', // SIGINT ended the search
  'heuristic', // a fixed placement method (baselines); no search
  'no-flow', // nothing positive found
] as const;
export type PlanStatus = (typeof PLAN_STATUSES)[number];

export type PlanMethod = 'milp' | 'swarm' | 'petals' | 'separate' | 'homogeneous' | 'replan' | 'given';

/**
 * What a searched plan was made for: `maxflow` (Helix's objective: the most tokens/s the graph
 * carries) or `delivered` (the most tokens/s served once KV-cache room and per-stage latency
 * count; docs/delivered.md). Absent on baseline placements and on plans written before it was.
 */
export const PLAN_OBJECTIVES = ['maxflow', 'delivered'] as const;
export type PlanObjective = (typeof PLAN_OBJECTIVES)[number];

export interface PlanSettings {
  readonly method: PlanMethod;
  readonly solver: string;
  readonly timeLimitSec: number;
  readonly gap: number;
  readonly seed: number;
  readonly partialInference: boolean;
  readonly minLayers: number | null;
  readonly maxStages: number | null;
  readonly keepLinks: number | null;
  readonly objective?: PlanObjective;
  /** How a `separate` placement grouped the nodes (absent on other plans and on older ones: gpu). */
  readonly by?: 'gpu' | 'region';
  /**
   * The requests the plan's delivered prediction assumed (and a delivered plan's search planned
   * for): a bundled trace (`azure-conv`, `azure-code`) or `IN:OUT` fixed lengths. Absent on plans
   * written before it was: azure-conv.
   */
  readonly workload?: string;
}

export interface PlanNode {
  readonly name: string;
  readonly gpu: string;
  readonly region: string;
  /** [start, end) or null when the node holds no layers. */
  readonly start: number | null;
  readonly end: number | null;
  /** Tokens/s capacity at its layer count (0 when unused). */
  readonly capacity: number;
  /** Tokens/s through the node in the verified max flow. */
  readonly flow: number;
  readonly weightBytes: number;
  readonly vramBytes: number;
  readonly profileSource: string;
}

export interface PlanFlow {
  /** Node name, or `source` / `sink` for the coordinator. */
  readonly from: string;
  readonly to: string;
  readonly flow: number;
  readonly capacity: number;
}

export interface PlanBound {
  /** Tightest valid upper bound on max-flow throughput, tokens/s. */
  readonly value: number;
  /** Which argument gave it: `compute` (capped compute bound U), `role`, `solver`, `link-cut`. */
  readonly source: string;
  /** Every bound computed, by name. */
  readonly all: Readonly<Record<string, number>>;
}

/** What the delivered-throughput model (src/delivered/model.ts) predicts the plan serves. */
export interface PlanDelivered {
  /** Prompt + generated tokens/s, capped by max flow rescaled to these requests (docs/delivered.md, "Other workloads"). */
  readonly throughput: number;
  /** Generated tokens/s. */
  readonly decodeThroughput: number;
  /** Mean seconds to the first token, without queueing for admission. */
  readonly ttftSec: number;
  /** Mean seconds per generated token. */
  readonly tpotSec: number;
  /** Requests in flight the KV caches admit. */
  readonly inflight: number;
  /** What caps it: max flow, KV-cache room, or link latency. */
  readonly limitedBy: 'maxflow' | 'kv' | 'latency';
  /** Mean request lengths it was predicted for. */
  readonly workload: { readonly input: number; readonly output: number };
  /**
   * The confirming simulation that chose a delivered plan (absent where none ran: baselines,
   * --objective maxflow, clusters too large to simulate, streams the finalists ran dry).
   */
  readonly simulated?: PlanSimulated;
}

/** A delivered plan's confirming run: `requests` offline requests, measured over `window`. */
export interface PlanSimulated {
  /** Prompt + generated tokens/s over the window. */
  readonly throughput: number;
  /** p95 seconds per generated token (null: no request timed a token in the window). */
  readonly tpotP95Sec: number | null;
  readonly requests: number;
  readonly window: { readonly startSec: number; readonly endSec: number };
}

export interface Plan {
  readonly formatVersion: number;
  readonly tool: { readonly name: 'helix'; readonly version: string };
  readonly cluster: {
    readonly name: string;
    readonly model: string;
    readonly layers: number;
    readonly nodes: number;
    readonly inputHash: string;
  };
  readonly settings: PlanSettings;
  readonly status: PlanStatus;
  /** Verified max-flow throughput, tokens/s. */
  readonly throughput: number;
  readonly bound: PlanBound;
  /** (bound - throughput) / bound, 0..1. */
  readonly gap: number;
  /** Stages on the longest source-to-sink path carrying flow. */
  readonly depth: number;
  readonly nodes: readonly PlanNode[];
  readonly flows: readonly PlanFlow[];
  /** Next hops per vertex with IWRR weights proportional to flow (helix schedule gives the full cycles). */
  readonly routing?: readonly { readonly from: string; readonly hops: readonly { readonly to: string; readonly weight: number }[] }[];
  /** Predicted delivered throughput and latencies (absent in plans made before it existed). */
  readonly delivered?: PlanDelivered;
  readonly stats: {
    readonly wallTimeSec: number;
    readonly timeToFirstSec: number | null;
    readonly timeToBestSec: number | null;
    readonly linksDropped: number;
    readonly notes: readonly string[];
  };
}
