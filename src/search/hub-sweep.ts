// Hub sweep: a construction for clusters whose links cannot bind, where flow may split and merge
// at every layer boundary (a "hub"). A target rate tau leaves the coordinator at boundary 0; the
// sweep walks the boundaries in order and sends all the flow waiting at each one onward through
// unused nodes, each starting there with the layer count that wastes least of what it could carry.
// On large one-region clusters the optimum is wide and shallow (many nodes side by side on short
// ranges), a shape neither pipeline constructions nor single-node moves reach from far away; what
// decides it is how finely the pieces fill each boundary's flow, which is what this choice scores.

import type { Cluster } from '../spec/types.js';
import type { Rng } from './rng.js';
import { emptyLayout, type Layout } from './layout.js';

export interface HubSweepOptions {
  readonly minLayers: number;
  /** 0: greedy; above 0, the waste of each candidate is scaled by up to this fraction at random. */
  readonly jitter: number;
  /** Waste forgiven, as a fraction of the work, for landing where flow already waits (merging). */
  readonly merge?: number;
}

/** Machines with the same capacity table are interchangeable to the sweep: it counts them. */
interface MachineClass {
  readonly capacity: readonly number[];
  readonly members: number[];
  /** The most layer-tokens/s a member can supply at rate tau: max over k of k * min(c(k), tau). */
  potential: number;
}

function classesOf(cluster: Cluster): MachineClass[] {
  const byTable = new Map<string, MachineClass>();
  cluster.nodes.forEach((node, i) => {
    const key = node.capacity.join(',');
    const found = byTable.get(key);
    if (found) found.members.push(i);
    else byTable.set(key, { capacity: node.capacity, members: [i], potential: 0 });
  });
  return [...byTable.values()];
}

/**
 * Layouts whose hub flow reaches tau where the nodes suffice; otherwise the flow that got through
 * (possibly none). The result is scored by exact max flow like every other candidate.
 */
export function constructHubSweep(cluster: Cluster, tau: number, rng: Rng, o: HubSweepOptions): Layout {
  const n = cluster.nodes.length;
  const L = cluster.model.layers;
  const layout = emptyLayout(n);
  const classes = classesOf(cluster);
  for (const c of classes) {
    c.members.reverse(); // taken from the end: lowest node index first
    for (let k = Math.max(1, o.minLayers); k <= c.capacity.length; k++) c.potential = Math.max(c.potential, k * Math.min(c.capacity[k - 1], tau));
  }
  const waiting = new Float64Array(L + 1);
  waiting[0] = tau;
  const eps = tau * 1e-9;

  // Every (machine class, layer count) a piece could be, refreshed as classes run out.
  interface Option {
    readonly cls: MachineClass;
    readonly k: number;
    readonly cap: number;
  }
  const optionsAt = (b: number): Option[] => {
    const out: Option[] = [];
    for (const cls of classes) {
      if (cls.members.length === 0) continue;
      const top = Math.min(cls.capacity.length, L - b);
      for (let k = Math.max(1, o.minLayers); k <= top; k++) if (cls.capacity[k - 1] > eps) out.push({ cls, k, cap: cls.capacity[k - 1] });
    }
    return out;
  };
  // Waste: what a machine could have carried at its best layer count, less what it carries here;
  // landing where flow already waits forgives some of it (fewer, larger parcels to split later).
  const wasteOf = (b: number, opt: Option, take: number): number => {
    const work = opt.k * take;
    const merged = b + opt.k === L || waiting[b + opt.k] > eps ? (o.merge ?? 0) * work : 0;
    return (opt.cls.potential - work - merged) * (1 + o.jitter * rng.next());
  };

  for (let b = 0; b < L; b++) {
    while (waiting[b] > eps) {
      const rest = waiting[b];
      const options = optionsAt(b);
      if (options.length === 0) return layout; // out of machines: the flow stops here
      const biggest = Math.max(...options.map((x) => x.cap));
      let pick: Option | null = null;
      let pickWaste = Infinity;
      let pickWork = 0;
      for (const first of options) {
        const take = Math.min(first.cap, rest);
        let waste = wasteOf(b, first, take);
        const left = rest - take;
        // One step of look-ahead: a piece that leaves a remainder one more machine can close is
        // charged that machine's waste too, so the pair fits the boundary's flow, not just the piece.
        if (left > eps && left <= biggest) {
          let close = Infinity;
          for (const second of options) {
            if (second.cap < left || (second.cls === first.cls && first.cls.members.length < 2)) continue;
            close = Math.min(close, wasteOf(b, second, left));
          }
          waste += close;
        }
        const work = first.k * take;
        if (waste < pickWaste - 1e-9 || (Math.abs(waste - pickWaste) <= 1e-9 && work > pickWork)) {
          pick = first;
          pickWaste = waste;
          pickWork = work;
        }
      }
      if (!pick) return layout;
      const node = pick.cls.members.pop()!;
      layout.start[node] = b;
      layout.end[node] = b + pick.k;
      const take = Math.min(pick.cap, rest);
      waiting[b + pick.k] += take;
      waiting[b] -= take;
    }
  }
  return layout;
}
