// The baseline placement methods the paper compares against, by name, each scored by exact max
// flow. They take milliseconds, so the planner runs them all as its floor and `helix compare`
// shows them beside the MILP.

import type { Cluster, Placement } from '../../spec/types.js';
import { evaluatePlacement, type FlowResult } from '../../graph/placement-flow.js';
import { homogeneous } from './homogeneous.js';
import { petalsPlacement } from './petals.js';
import { separate, separateFlow, type GroupBy } from './separate.js';
import { swarm } from './swarm.js';

export const BASELINE_METHODS = ['swarm', 'petals', 'separate', 'homogeneous'] as const;
export type BaselineMethod = (typeof BASELINE_METHODS)[number];

export interface BaselineOptions {
  /** How `separate` groups nodes: by GPU type (default) or region. */
  readonly by?: GroupBy;
}

export interface BaselineOutcome {
  readonly placement: Placement;
  /** Exact max flow under the method's own rules (for `separate`, no flow crosses groups). */
  readonly flow: FlowResult;
  /** One line on what the method chose, or why it serves nothing. */
  readonly note: string;
}

export interface BaselineEntry {
  readonly summary: string;
  run(cluster: Cluster, options: BaselineOptions): BaselineOutcome;
}

const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;

export const BASELINES: Readonly<Record<BaselineMethod, BaselineEntry>> = {
  swarm: {
    summary: 'equal consecutive stages, nodes dealt to even out stage capacity (best stage count)',
    run(cluster) {
      const r = swarm(cluster);
      const L = cluster.model.layers;
      const note = r.stages > 0 ? `${count(r.stages, 'stage')} of ~${count(Math.round(L / r.stages), 'layer')}` : 'no equal split gives every stage a node that holds it';
      return { placement: r.placement, flow: r.flow, note };
    },
  },
  petals: {
    summary: 'strongest node first, each takes the least-served span its memory allows',
    run(cluster) {
      const placement = petalsPlacement(cluster);
      const flow = evaluatePlacement(cluster, placement);
      return { placement, flow, note: flow.throughput > 0 ? 'greedy, strongest node first' : 'the greedy spans never join up' };
    },
  },
  separate: {
    summary: 'each GPU type (or region) serves on its own; groups too small to hold the model are pooled',
    run(cluster, options) {
      const r = separate(cluster, { by: options.by ?? 'gpu' });
      const flow = separateFlow(cluster, r.placement, r.groups.map((g) => g.nodes));
      const parts = r.groups.map((g) => `${g.label}${g.pooled ? ' (pooled)' : ''}: ${g.throughput > 0 ? count(g.stages, 'stage') : 'idle'}`);
      return { placement: r.placement, flow, note: `by ${options.by ?? 'gpu'}; ${parts.join(', ')}` };
    },
  },
  homogeneous: {
    summary: 'every node holds as many layers as the weakest node can',
    run(cluster) {
      const r = homogeneous(cluster);
      const note = r.served
        ? `${count(r.layersPerNode, 'layer')} per node, ${count(r.stages, 'stage')}`
        : `${count(r.layersPerNode, 'layer')} per node needs ${count(r.stages, 'stage')}: too few nodes`;
      return { placement: r.placement, flow: evaluatePlacement(cluster, r.placement), note };
    },
  },
};

/** The method's placement alone (what the planner offers as a starting point). */
export function runBaseline(method: BaselineMethod, cluster: Cluster, options: BaselineOptions = {}): Placement {
  return BASELINES[method].run(cluster, options).placement;
}

export interface BaselineResult extends BaselineOutcome {
  readonly method: BaselineMethod;
  /** Exact max flow of the placement (for `separate`, with no flow crossing groups). */
  readonly throughput: number;
  /** Time to place and score. */
  readonly timeSec: number;
}

export function runBaselineMethod(method: BaselineMethod, cluster: Cluster, options: BaselineOptions = {}): BaselineResult {
  const t0 = performance.now();
  const outcome = BASELINES[method].run(cluster, options);
  return { method, ...outcome, throughput: outcome.flow.throughput, timeSec: (performance.now() - t0) / 1000 };
}

export function runBaselines(cluster: Cluster, options: BaselineOptions = {}): BaselineResult[] {
  return BASELINE_METHODS.map((method) => runBaselineMethod(method, cluster, options));
}
