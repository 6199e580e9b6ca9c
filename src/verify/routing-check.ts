// The routing tables a plan embeds for its runtime (`routing`), as a whole: a runtime follows them,
// not the flows, so a stage whose table sends requests nowhere serves nothing however good the
// flows look. Tables written by this very helix must be exactly what it derives from the plan's
// placement (weights 100:1 where the flow is 1:1 once passed); older ones are held to the rest.

import type { Plan } from '../plan/types.js';
import { embeddedRouting } from '../schedule/json.js';
import { hopsKey, routingByStage } from '../plan/diff.js';
import type { Cluster } from '../spec/types.js';
import { VERSION } from '../version.js';
import type { Problem } from './verify.js';

export function checkRouting(plan: Plan, cluster: Cluster, sameInputs: boolean, problems: Problem[]): void {
  const routing = plan.routing;
  if (!routing) return;
  // Hops themselves are checked with the flows (verify.ts); here, what the tables add up to.
  const tables = new Map<string, number>();
  routing.forEach((table, t) => {
    if (tables.has(table.from)) problems.push({ field: `routing[${t}].from`, message: `a second table for ${table.from}` });
    else tables.set(table.from, t);
  });
  // Requests routed to a stage must go on from it, and the coordinator must send them out. (Not
  // "every node the plan's flows use": the tables follow a balanced flow of the placement, which
  // may leave out a node the solver's flow passes through.)
  const received = new Set<string>(plan.throughput > 0 ? ['source'] : []);
  for (const table of routing) for (const h of table.hops) if (h.weight > 0 && h.to !== 'sink') received.add(h.to);
  for (const name of received) {
    const t = tables.get(name);
    const total = t === undefined ? 0 : routing[t].hops.reduce((sum, h) => sum + h.weight, 0);
    if (!(total > 0)) {
      const why = name === 'source' ? `the plan carries ${plan.throughput} tokens/s, but the coordinator's table sends no request out` : `requests are routed to ${name}, but its table sends none on`;
      problems.push({ field: t === undefined ? 'routing' : `routing[${t}].hops`, message: why });
    }
  }
  // Weights derived from other inputs may rightly differ (a changed latency moves the balanced
  // flow); so may those of another helix.
  if (problems.some((p) => p.field.startsWith('routing')) || !sameInputs || plan.tool?.version !== VERSION) return;
  // Deriving the tables reads the plan's flows, whose faults (a hop to a node the cluster lacks)
  // are reported with the flows already; the derivation would stop at the first instead.
  if (problems.some((p) => p.field.startsWith('flows'))) return;
  // The tables helix derives from the plan: from the balanced flow of its placement (since
  // 2026-11-29), or, in plans written before, from the plan's own flows. Weights that are
  // neither (100:1 where both give 1:1) send requests where the plan does not.
  // The tables as a whole follow one derivation: a mix of the two can send a stage more than
  // either sends it (single24: 1,122 tokens/s to a T4 that carries 758).
  // A table the derivation has and the plan lacks counts too (only where it sends something).
  const listed = new Set(routing.map((table) => table.from));
  const mismatchesWith = (d: Map<string, string>) => {
    const wrong = routing.flatMap((table, t) => ((d.get(table.from) ?? '') === hopsKey(table.hops) ? [] : [t]));
    const missing = [...d].filter(([from, hops]) => !listed.has(from) && hops !== '').map(([from]) => from);
    return { d, wrong, missing };
  };
  const count = (m: { wrong: unknown[]; missing: unknown[] }) => m.wrong.length + m.missing.length;
  const balanced = mismatchesWith(routingByStage(embeddedRouting(cluster, plan)!));
  // The old derivation is worked out only where the current one does not match (seconds on 4,000 nodes).
  const old = count(balanced) === 0 ? balanced : mismatchesWith(routingByStage(embeddedRouting(cluster, plan, { flows: 'plan' })!));
  const best = count(old) < count(balanced) ? old : balanced;
  const d = best.d;
  for (const t of best.wrong) {
    const table = routing[t];
    problems.push({ field: `routing[${t}]`, message: `${table.from}'s weights (${hopsKey(table.hops) || 'none'}) are not what the plan's placement gives (${d.get(table.from) || 'none'}), nor do the tables as a whole follow its flows` });
  }
  for (const from of best.missing) problems.push({ field: 'routing', message: `no table for ${from}, which the plan's placement routes through (${d.get(from)})` });
}
