import { describe, expect, it } from 'vitest';
import { verifyPlan } from '../../src/verify/verify.js';
import { buildCluster } from '../../src/spec/build.js';
import { withoutNodes } from '../../src/graph/extend.js';
import { embeddedRouting } from '../../src/schedule/json.js';
import { HelixError } from '../../src/errors.js';
import { identicalCluster, randomSmallCluster, testModel, bruteForceOptimum } from '../fixtures/clusters.js';
import { mutable, planFor } from '../fixtures/plans.js';

const model = testModel(6);
// Three identical nodes of 3 layers each: a chain a -> b needs both halves; c doubles the first half.
const act = model.activationBytesPerToken;
const cluster = identicalCluster(['a', 'b', 'c'], { model });
const good = planFor(cluster, [{ start: 0, end: 3 }, { start: 3, end: 6 }, { start: 0, end: 3 }]);

describe('verifyPlan accepts', () => {
  it('a plan a replan made without a failed node, against the spec that still names it: no "changed" warning', () => {
    const reduced = withoutNodes(cluster, new Set([2]));
    const replanned = planFor(reduced, [{ start: 0, end: 3 }, { start: 3, end: 6 }]);
    const r = verifyPlan(replanned, cluster);
    expect(r.valid).toBe(true);
    expect(r.warnings).toEqual(['left out by a replan: c (in the spec, not in the plan; treated as unused)']);
    // The same plan with another node gone from the spec is not the replan's: the inputs changed.
    const other = verifyPlan({ ...replanned, cluster: { ...replanned.cluster, inputHash: withoutNodes(cluster, new Set([1])).inputHash } }, cluster);
    expect(other.warnings.some((w) => w.includes('input hash differs'))).toBe(true);
  });

  it('an assembled plan, with its max flow recomputed', () => {
    const r = verifyPlan(good, cluster);
    expect(r.problems).toEqual([]);
    expect(r.valid).toBe(true);
    expect(r.maxFlow).toBeCloseTo(100, 6);
    expect(r.flowThroughput).toBeCloseTo(good.throughput, 6);
    expect(r.paths).toBeGreaterThanOrEqual(1);
  });

  it('the brute-force optimum of random clusters with regions and missing links', () => {
    for (let seed = 1; seed <= 15; seed++) {
      const c = randomSmallCluster(seed, { nodes: 3, layers: 4, maxLayers: 3, regions: 2, missingLinks: 0.3 });
      const best = bruteForceOptimum(c);
      const r = verifyPlan(planFor(c, best.placement), c);
      expect(r.valid, JSON.stringify(r.problems)).toBe(true);
      expect(r.maxFlow).toBeCloseTo(best.throughput, 6);
    }
  });
});

describe('verifyPlan rejects', () => {
  it('a range beyond the model', () => {
    const p = mutable(good);
    p.nodes[1].end = 7;
    const r = verifyPlan(p, cluster);
    expect(r.valid).toBe(false);
    expect(r.problems.some((x) => x.field === 'nodes[1]' && /inside \[0, 6\)/.test(x.message))).toBe(true);
  });

  it('more layers than memory allows', () => {
    const p = mutable(good);
    p.nodes[1].start = 2;
    const r = verifyPlan(p, cluster);
    expect(r.problems.some((x) => /memory allows at most 3/.test(x.message))).toBe(true);
  });

  it('ranges over memory once each, without a cascade of link, routing and capacity problems that only restate them', () => {
    // The same machines with less memory for weights (a larger kvReserve since the plan was made).
    const smaller = buildCluster({
      name: 'three',
      model,
      coordinatorRegion: 'r',
      nodes: ['a', 'b', 'c'].map((name) => ({ name, gpu: 'X', region: 'r', vramBytes: 1e9, maxLayers: 2, nicBytesPerSec: 0, throughput: [300, 200], profileSource: 'measured' as const })),
      link: () => ({ bandwidth: 1000 * act, latency: 0.001 }),
      coordinatorLink: () => ({ bandwidth: 1e9, latency: 0.001 }),
    });
    const r = verifyPlan(good, smaller);
    expect(r.valid).toBe(false);
    expect(r.problems.map((x) => x.field)).toEqual(['nodes[0]', 'nodes[1]', 'nodes[2]']);
    for (const x of r.problems) expect(x.message).toMatch(/holds 3 layers but its memory allows at most 2/);
    // Other faults are still found beside them: flow on a link that does not connect.
    const p = mutable(good);
    p.nodes[1].start = 4;
    expect(verifyPlan(p, smaller).problems.some((x) => /do not connect/.test(x.message))).toBe(true);
  });

  it('flow over a link whose ranges do not connect', () => {
    const p = mutable(good);
    p.nodes[1].start = 4;
    p.nodes[1].end = 6;
    const r = verifyPlan(p, cluster);
    expect(r.valid).toBe(false);
    expect(r.problems.some((x) => /do not connect/.test(x.message))).toBe(true);
  });

  it('flow above a recomputed node capacity', () => {
    const p = mutable(good);
    for (const f of p.flows) f.flow *= 2;
    p.throughput *= 2;
    const r = verifyPlan(p, cluster);
    expect(r.problems.some((x) => /capacity is 100/.test(x.message))).toBe(true);
  });

  it('broken conservation', () => {
    const p = mutable(good);
    const into = p.flows.find((f: any) => f.to === 'sink');
    into.flow /= 2;
    const r = verifyPlan(p, cluster);
    expect(r.problems.some((x) => /flow in .* != flow out/.test(x.message))).toBe(true);
  });

  it('a throughput the flows do not carry', () => {
    const p = mutable(good);
    p.throughput = 150;
    const r = verifyPlan(p, cluster);
    expect(r.problems.some((x) => x.field === 'throughput')).toBe(true);
  });

  it('what it records of a machine when that is not the machine: type, region, memory, weights, capacity', () => {
    const edits: [string, (n: ReturnType<typeof mutable>['nodes'][number]) => void][] = [
      ['nodes[0].gpu', (n) => (n.gpu = 'A100-40G')],
      ['nodes[0].region', (n) => (n.region = 'elsewhere')],
      ['nodes[0].vramBytes', (n) => (n.vramBytes = 1)],
      ['nodes[0].weightBytes', (n) => (n.weightBytes += 1)],
      ['nodes[0].capacity', (n) => (n.capacity = 99999)],
    ];
    for (const [field, edit] of edits) {
      const p = mutable(good);
      edit(p.nodes[0]);
      const r = verifyPlan(p, cluster);
      expect(r.valid, field).toBe(false);
      expect(r.problems.map((x) => x.field), field).toEqual([field]);
    }
  });

  it('recorded figures the flows and inputs do not give: link capacity, node flow, depth, gap, node count, profile source', () => {
    const edits: [string, (p: ReturnType<typeof mutable>) => void][] = [
      ['flows[0].capacity', (p) => (p.flows[0].capacity = 1)],
      ['nodes[0].flow', (p) => (p.nodes[0].flow = 999)],
      ['depth', (p) => (p.depth = 1)],
      ['gap', (p) => (p.gap = 0.5)],
      ['cluster.nodes', (p) => (p.cluster.nodes = 99)],
      ['nodes[0].profileSource', (p) => (p.nodes[0].profileSource = 'estimated')],
    ];
    for (const [field, edit] of edits) {
      const p = mutable(good);
      edit(p);
      const r = verifyPlan(p, cluster);
      expect(r.problems.map((x) => x.field), field).toEqual([field]);
    }
  });

  it('depth controls the plan records but its placement breaks', () => {
    // good's paths have 2 stages (a -> b, c -> b) and every node holds 3 layers.
    const deep = mutable(good);
    deep.settings.maxStages = 1;
    expect(verifyPlan(deep, cluster).problems.map((x) => x.field)).toEqual(['settings.maxStages']);
    const thick = mutable(good);
    thick.settings.minLayers = 4;
    // Only nodes that carry flow count as used (the max flow of 100 leaves a or c idle).
    const carrying = thick.nodes.flatMap((n: { flow: number }, i: number) => (n.flow > 0 ? [`nodes[${i}]`] : []));
    expect(carrying.length).toBe(2);
    expect(verifyPlan(thick, cluster).problems.map((x) => x.field).sort()).toEqual(carrying);
    const met = mutable(good);
    met.settings.maxStages = 2;
    met.settings.minLayers = 3;
    expect(verifyPlan(met, cluster).valid).toBe(true);
  });

  it('an embedded routing hop the placement or the network does not allow', () => {
    const p = mutable(good);
    // a [0,3) -> b [3,6) -> sink is a route; c [0,3) -> a [0,3) is not (ranges do not connect).
    p.routing = embeddedRouting(cluster, good);
    expect(p.routing.map((t: { from: string }) => t.from)).toEqual(['source', 'a', 'c', 'b']);
    expect(verifyPlan(p, cluster).valid).toBe(true);
    p.routing.push({ from: 'c', hops: [{ to: 'a', weight: 1 }] }, { from: 'source', hops: [{ to: 'b', weight: 1 }] }, { from: 'ghost', hops: [] });
    expect(verifyPlan(p, cluster).problems.map((x) => x.field)).toEqual(['routing[4].hops[0]', 'routing[5].hops[0]', 'routing[6].from', 'routing[4].from', 'routing[5].from']);
  });

  it('a hop listed twice in one table, even at weight 0 (a runtime reading the first would starve it)', () => {
    const p = mutable(good);
    p.routing = embeddedRouting(cluster, good);
    const a = p.routing.find((t: { from: string }) => t.from === 'a');
    a.hops.unshift({ to: a.hops[0].to, weight: 0 });
    expect(verifyPlan(p, cluster).problems).toEqual([{ field: 'routing[1].hops[1]', message: `a -> ${a.hops[0].to} is listed twice in one table` }]);
  });

  it('embedded routing tables that do not follow the plan: a stage sending nothing on, or weights the flows do not give', () => {
    const p = mutable(good);
    p.routing = embeddedRouting(cluster, good);
    const source = p.routing[0];
    expect(source.hops.length).toBe(2);
    source.hops[0].weight *= 100;
    expect(verifyPlan(p, cluster).problems).toEqual([{ field: 'routing[0]', message: "source's weights (a:100 c:1) are not what the plan's placement gives (a:1 c:1), nor do the tables as a whole follow its flows" }]);
    for (const h of source.hops) h.weight = 0;
    expect(verifyPlan(p, cluster).problems).toEqual([{ field: 'routing[0].hops', message: expect.stringMatching(/^the plan carries [\d.]+ tokens\/s, but the coordinator's table sends no request out$/) }]);
    // A stage requests are routed to must send them on.
    const q = mutable(good);
    q.routing = embeddedRouting(cluster, good);
    const a = q.routing.find((t: { from: string }) => t.from === 'a');
    for (const h of a.hops) h.weight = 0;
    expect(verifyPlan(q, cluster).problems.map((x) => x.message)).toContain('requests are routed to a, but its table sends none on');
    // A mix of the two derivations, table by table, is neither (it can overload a stage).
    const split = planFor(cluster, [{ start: 0, end: 3 }, { start: 3, end: 6 }, { start: 0, end: 3 }]);
    const balanced = embeddedRouting(cluster, split)!;
    const byFlows = embeddedRouting(cluster, split, { flows: 'plan' })!;
    const differ = balanced.findIndex((t, i) => JSON.stringify(t) !== JSON.stringify(byFlows[i]));
    expect(differ).toBe(0); // the coordinator's table: a and c by the balanced flow, c alone by the plan's
    const mixed = mutable(split);
    mixed.routing = balanced.map((t, i) => (i === differ ? byFlows[i] : t));
    expect(verifyPlan(mixed, cluster).valid).toBe(false);
    // Weights by the plan's own flows, as plans written before the balanced routing have them, pass.
    const own = mutable(good);
    own.routing = embeddedRouting(cluster, good, { flows: 'plan' });
    expect(verifyPlan(own, cluster).valid).toBe(true);
    // So does any weighting once the inputs changed: the balanced flow moves with them.
    const moved = mutable(good);
    moved.routing = embeddedRouting(cluster, good);
    moved.routing[0].hops[0].weight *= 100;
    moved.cluster.inputHash = `sha256:${'0'.repeat(64)}`;
    expect(verifyPlan(moved, cluster).problems).toEqual([]);
    // A plan of another helix version is held to the structure only: its weights may be derived another way.
    const older = mutable(good);
    older.routing = embeddedRouting(cluster, good);
    older.routing[0].hops[0].weight *= 100;
    older.tool.version = '0.0.1';
    expect(verifyPlan(older, cluster).valid).toBe(true);
  });

  it('a status that contradicts the figures (scripts branch on it)', () => {
    const p = mutable(good);
    p.status = 'no-flow';
    expect(verifyPlan(p, cluster).problems).toEqual([{ field: 'status', message: `records no-flow, but the plan carries ${good.throughput} tokens/s` }]);
    const q = mutable(good);
    q.bound = { ...q.bound, value: good.throughput * 2 };
    q.gap = 0.5;
    q.status = 'optimal';
    expect(verifyPlan(q, cluster).problems).toEqual([{ field: 'status', message: 'records optimal, but the plan is 50.00% below its bound, more than the --gap of 0.00% asked for' }]);
    // Under a depth control, optimal is proved against the controls, not the unconstrained bound.
    q.settings = { ...q.settings, maxStages: 2 };
    expect(verifyPlan(q, cluster).problems.filter((x) => x.field === 'status')).toEqual([]);
  });

  it('a bound below the throughput', () => {
    const p = mutable(good);
    p.bound.value = 50;
    expect(verifyPlan(p, cluster).problems.some((x) => x.field === 'bound.value')).toBe(true);
  });

  it('a node that is not in the cluster', () => {
    const p = mutable(good);
    p.nodes.push({ ...p.nodes[0], name: 'ghost' });
    expect(verifyPlan(p, cluster).problems.some((x) => /not in the cluster/.test(x.message))).toBe(true);
  });

  it('a flow to a node the cluster lacks, in a plan with routing tables: a problem, not an abort', () => {
    // Deriving the tables reads the flows; it used to throw at the bad hop, so validate dropped
    // every plan of its run and named the cluster file.
    const p = mutable({ ...good, routing: embeddedRouting(cluster, good) });
    const k = p.flows.findIndex((f: { from: string; to: string }) => f.from !== 'source' && f.to !== 'sink');
    p.flows[k].to = 'ghost';
    const problems = verifyPlan(p, cluster).problems;
    expect(problems).toContainEqual({ field: `flows[${k}]`, message: `edge ${p.flows[k].from} -> ghost names a node that is not in the cluster` });
  });

  it('warns, without failing, when the plan names a cluster other than the spec it is checked against', () => {
    const p = mutable(good);
    p.cluster.name = 'prod-east';
    const r = verifyPlan(p, cluster);
    expect(r.valid).toBe(true);
    expect(r.warnings).toContainEqual(expect.stringMatching(/^the plan was made for cluster "prod-east", and is checked against "identical-3"/));
    expect(verifyPlan(good, cluster).warnings).toEqual([]);
    // A spec without `name:` takes its file's name, which a symlink or `-` changes: no warning.
    expect(verifyPlan(p, { ...cluster, unnamed: true }).warnings).toEqual([]);
  });

  it('a plan for another model, as an input error', () => {
    const p = mutable(good);
    p.cluster.model = 'other';
    expect(() => verifyPlan(p, cluster)).toThrow(HelixError);
  });
});
