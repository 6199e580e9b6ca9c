import { describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { helixAsync, repoRoot } from '../fixtures/cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'helix-replan-'));

describe('helix replan (built binary)', () => {
  it('re-plans single24 after losing two A100s, within --max-moves, and the new plan validates', async () => {
    const old = join(tmp, 'old.json');
    const next = join(tmp, 'new.json');
    writeFileSync(old, (await helixAsync(['plan', 'clusters/single24.yaml', '--objective', 'maxflow', '--json'])).stdout);
    const r = await helixAsync(['replan', old, '-c', 'clusters/single24.yaml', '--remove', 'a100-1', '--remove', 'a100-2', '--max-moves', '12', '--time-limit', '12', '--json', '-o', next]);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.moves).toBeLessThanOrEqual(12);
    expect(out.throughput).toBeGreaterThan(out.untouched);
    // The failure drill: two 8-layer gaps in a 24-stage chain. Closing them within 12 loads keeps
    // 90% of a full re-plan (which moves 16 of the 22 machines) on an idle machine, but the search
    // is time-limited: on a busy one (CI runs test files side by side) it stops at 75% (8 loads).
    expect(out.throughput).toBeGreaterThanOrEqual(0.7 * out.fullReplan);
    const plan = JSON.parse(readFileSync(next, 'utf8'));
    expect(plan.settings.method).toBe('replan');
    expect(plan.nodes.map((n: any) => n.name)).not.toContain('a100-1');
    // Saved like any plan: routing tables for the runtime and the delivered prediction.
    expect(plan.routing.length).toBeGreaterThan(0);
    expect(plan.delivered.throughput).toBeGreaterThan(0);
    expect(plan.delivered.throughput).toBeLessThanOrEqual(plan.throughput);
    const v = await helixAsync(['validate', next, '--cluster', 'clusters/single24.yaml']);
    expect(v.code, v.stdout + v.stderr).toBe(0);
  });

  it('a second failure keeps the first failed node out (the spec still names it) unless --restore brings it back', async () => {
    const plan = join(tmp, 'drill.json');
    const first = join(tmp, 'drill-1.json');
    writeFileSync(plan, (await helixAsync(['plan', 'clusters/single24.yaml', '--objective', 'maxflow', '--json'])).stdout);
    const drill = await helixAsync(['replan', plan, '-c', 'clusters/single24.yaml', '--remove', 'a100-1', '-t', '3', '-o', first, '-q']);
    expect(drill.code, drill.stderr).toBe(0);
    expect(drill.stdout).toMatch(/^Re-plan: [\d,.]+ tokens\/s with .*; doing nothing keeps [\d,.]+ tokens\/s\.$/m);
    const second = await helixAsync(['replan', first, '-c', 'clusters/single24.yaml', '--remove', 'a100-2', '-t', '3', '--json']);
    expect(second.code, second.stderr).toBe(0);
    const out = JSON.parse(second.stdout);
    const names = (p: { nodes: { name: string }[] }) => p.nodes.map((n) => n.name);
    expect(names(out.plan)).not.toContain('a100-1');
    expect(names(out.plan)).not.toContain('a100-2');
    expect(out.notes[0]).toMatch(/^left out a100-1: in clusters\/single24\.yaml but not in the plan in force \(removed by an earlier replan\); --restore a100-1/);
    const back = JSON.parse((await helixAsync(['replan', first, '-c', 'clusters/single24.yaml', '--restore', 'a100-1', '-t', '3', '--json'])).stdout);
    expect(names(back.plan)).toContain('a100-1');
    expect(back.notes).toEqual([]);
    const both = await helixAsync(['replan', first, '-c', 'clusters/single24.yaml', '--restore', 'a100-1', '--remove', 'a100-1']);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/--restore a100-1 and --remove a100-1 contradict each other/);
    const wrong = await helixAsync(['replan', first, '-c', 'clusters/single24.yaml', '--restore', 'a100-3']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/--restore a100-3: not a node .* that the plan in force leaves out \(expected one of a100-1\)/);
  });

  it('a node the spec gained after `helix plan` is not called removed by a replan', async () => {
    const plan = join(tmp, 'tiny.json');
    writeFileSync(plan, (await helixAsync(['plan', 'clusters/tiny.yaml', '--objective', 'maxflow', '-t', '1', '--json'])).stdout);
    const grown = join(tmp, 'tiny-grown.yaml');
    const spec = readFileSync(join(repoRoot, 'clusters/tiny.yaml'), 'utf8').replace('profiles: ../profiles/helix-set-a', `profiles: ${join(repoRoot, 'profiles/helix-set-a')}`);
    writeFileSync(grown, `${spec.trimEnd()}\n  - { name: spare, gpu: L4, region: lab }\n`);
    const r = await helixAsync(['replan', plan, '-c', grown, '-t', '1', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const note = (JSON.parse(r.stdout).notes as string[]).find((n) => n.startsWith('left out spare'));
    expect(note).toMatch(/the plan in force was made without them: machines added to the spec since\?\); --restore spare brings it in/);
    expect(note).not.toMatch(/removed by an earlier replan/);
  });

  it('a replan whose spec was edited since: left-out nodes are hedged in replan, and validate says what --fresh judged without', async () => {
    const spec = readFileSync(join(repoRoot, 'clusters/tiny.yaml'), 'utf8').replace('profiles: ../profiles/helix-set-a', `profiles: ${join(repoRoot, 'profiles/helix-set-a')}`);
    const withSpare = join(tmp, 'tiny-spare.yaml');
    writeFileSync(withSpare, `${spec.trimEnd()}\n  - { name: spare, gpu: L4, region: lab }\n`);
    const plan = join(tmp, 'tiny-spare.json');
    writeFileSync(plan, (await helixAsync(['plan', withSpare, '--objective', 'maxflow', '-t', '1', '--json'])).stdout);
    const next = join(tmp, 'tiny-spare-next.json');
    const first = await helixAsync(['replan', plan, '-c', withSpare, '--remove', 'spare', '-t', '1', '-o', next, '-q']);
    expect(first.code, first.stderr).toBe(0);
    // The spec edited since (a latency): the replan's hash no longer tells which nodes it left out.
    const edited = join(tmp, 'tiny-spare-edited.yaml');
    writeFileSync(edited, readFileSync(withSpare, 'utf8').replace('default: { bandwidth: 1GB/s, latency: 1ms }', 'default: { bandwidth: 1GB/s, latency: 2ms }'));
    const again = await helixAsync(['replan', next, '-c', edited, '-t', '1', '--json']);
    expect(again.code, again.stderr).toBe(0);
    expect((JSON.parse(again.stdout).notes as string[]).join('\n')).toMatch(/left out spare: .*\(removed by an earlier replan, or added to the spec since\)/);
    const v = await helixAsync(['validate', next, '-c', edited]);
    expect(v.code, v.stdout + v.stderr).toBe(0);
    expect(v.stderr).toMatch(/judged without spare, which this replan does not list \(left out by a replan, or added to the spec since/);
    // On the spec it was made from, the hash says it: no hedge.
    const own = await helixAsync(['replan', next, '-c', withSpare, '-t', '1', '--json']);
    expect((JSON.parse(own.stdout).notes as string[]).join('\n')).toMatch(/left out spare: .*\(removed by an earlier replan\);/);
  });

  it('a node that is now another machine type is new hardware: its layers are loads, and diff says so', async () => {
    const plan = join(tmp, 'tiny-types.json');
    writeFileSync(plan, (await helixAsync(['plan', 'clusters/tiny.yaml', '--objective', 'maxflow', '-t', '1', '--json'])).stdout);
    const spec = readFileSync(join(repoRoot, 'clusters/tiny.yaml'), 'utf8').replace('profiles: ../profiles/helix-set-a', `profiles: ${join(repoRoot, 'profiles/helix-set-a')}`);
    const retyped = join(tmp, 'tiny-retyped.yaml');
    writeFileSync(retyped, spec.replace('{ name: t4, gpu: T4, count: 2, region: lab }', '{ name: t4, gpu: L4, count: 2, region: lab }'));
    const next = join(tmp, 'tiny-retyped.json');
    const r = await helixAsync(['replan', plan, '-c', 'clusters/tiny.yaml', '--add-from', retyped, '-t', '1', '--json', '-o', next]);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.notes.join('\n')).toMatch(/t4-1, t4-2: another machine type than in the plan in force \(T4 -> L4\): new hardware/);
    const held = (out.plan.nodes as { name: string; start: number | null }[]).filter((n) => n.name.startsWith('t4-') && n.start !== null).length;
    expect(out.moves).toBeGreaterThanOrEqual(held);
    const d = await helixAsync(['diff', plan, next]);
    expect(d.code).toBe(1);
    expect(held).toBeGreaterThan(0);
    expect(d.stdout).toMatch(/^~ t4-\d \(T4 -> L4, new hardware\)/m);
  });

  it('says when --max-moves is what leaves no flow, with the figure a full re-plan reaches', async () => {
    const old = join(tmp, 'chain.json');
    writeFileSync(old, (await helixAsync(['plan', 'clusters/single24.yaml', '--objective', 'maxflow', '--json'])).stdout);
    // The max-flow plan is one 24-stage chain: without a100-1 its layers are held nowhere else.
    const r = await helixAsync(['replan', old, '-c', 'clusters/single24.yaml', '--remove', 'a100-1', '--max-moves', '0', '--time-limit', '3', '--json']);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.throughput).toBe(0);
    expect(out.fullReplan).toBeGreaterThan(0);
    expect(r.stderr).toMatch(/with at most 0 machine\(s\) loading new layers, no placement carries any flow; a full re-plan carries [\d,]+ tokens\/s \(raise --max-moves\)/);
    // In tables, no diff towards a plan that serves nothing, and no "Re-plan: 0.0 tokens/s" line.
    const human = await helixAsync(['replan', old, '-c', 'clusters/single24.yaml', '--remove', 'a100-1', '--max-moves', '0', '--time-limit', '3']);
    expect(human.code).toBe(1);
    expect(human.stdout).not.toMatch(/^Plan:|^Re-plan:/m);
    expect(human.stderr).toMatch(/raise --max-moves/);
  });

  it('exits 2 for a node that does not exist, and for --add-from a cluster serving another model', async () => {
    const old = join(tmp, 'old2.json');
    writeFileSync(old, (await helixAsync(['plan', 'clusters/tiny.yaml', '--json'])).stdout);
    const r = await helixAsync(['replan', old, '-c', 'clusters/tiny.yaml', '--remove', 'ghost']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/ghost/);
    const other = await helixAsync(['replan', old, '-c', 'clusters/tiny.yaml', '--add-from', 'clusters/single24.yaml', '-t', '1']);
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/serves llama2-70b, but the plan in force serves llama1-30b/);
  });

  it('a change that leaves too little memory: exit 1 before any search, naming the spec and the nodes removed; the -o file is left alone', async () => {
    const old = join(tmp, 'old3.json');
    const out = join(tmp, 'in-force.json');
    const plan = (await helixAsync(['plan', 'clusters/tiny.yaml', '--json'])).stdout;
    writeFileSync(old, plan);
    writeFileSync(out, plan);
    // tiny cannot hold the model without t4-1. The message once said only that no placement
    // "carries any flow", where `plan` on the same cluster names the memory short.
    const r = await helixAsync(['replan', old, '-c', 'clusters/tiny.yaml', '--remove', 't4-1', '-o', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^helix: clusters\/tiny\.yaml: nodes: no placement of the changed cluster can serve llama1-30b \(without t4-1\): the nodes hold at most \d+ of 60 layers together/);
    expect(r.stdout).toBe('');
    expect(readFileSync(out, 'utf8')).toBe(plan);
  });
});

describe('helix plan -o with no flow (built binary)', () => {
  it('exits 1 and does not overwrite the output file', async () => {
    const out = join(tmp, 'keep.json');
    writeFileSync(out, 'the plan in force\n');
    const r = await helixAsync(['plan', 'clusters/tiny.yaml', '--min-layers', '10', '-o', out, '--svg', join(tmp, 'none.svg')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/keep\.json was not written/);
    expect(readFileSync(out, 'utf8')).toBe('the plan in force\n');
    expect(() => readFileSync(join(tmp, 'none.svg'))).toThrow();
  });
});

describe('helix explain and render (built binary)', () => {
  it('explains a plan that carries no flow, and exits 1 for it as schedule and simulate do', async () => {
    const file = join(tmp, 'no-flow.json');
    // No equal split of tiny's model gives every Swarm stage a node that holds it: nothing is placed.
    writeFileSync(file, (await helixAsync(['plan', 'clusters/tiny.yaml', '-m', 'swarm', '--json'])).stdout);
    const e = await helixAsync(['explain', file, '-c', 'clusters/tiny.yaml', '--try-time', '0.3']);
    expect(e.code).toBe(1);
    expect(e.stdout).toMatch(/no path from the coordinator runs through every layer/);
    expect(e.stdout).toMatch(/re-place the layers on the same machines/);
  });

  it('names the bottleneck and measures what-ifs; renders an SVG', async () => {
    const file = join(tmp, 'geo3.json');
    writeFileSync(file, (await helixAsync(['plan', 'clusters/geo3.yaml', '--json', '--time-limit', '3'])).stdout);
    const e = await helixAsync(['explain', file, '-c', 'clusters/geo3.yaml', '--json', '--try-time', '0.5']);
    expect(e.code, e.stderr).toBe(0);
    const x = JSON.parse(e.stdout);
    expect(x.bottlenecks.length).toBeGreaterThan(0);
    // The plan was made by default, for delivery: the explanation says its cut is about max flow.
    expect(x.note).toMatch(/made for --objective delivered: the model says it is limited by .*; the bottleneck and what-ifs below are about its max flow/);
    expect(x.suggestions.some((s: any) => /add one A100-40G/.test(s.change))).toBe(true);
    for (const s of x.suggestions) expect(s.gain).toBeGreaterThanOrEqual(-1e-6);
    // Scripts read the bottleneck's parts, not its display name; figures are rounded as plans are.
    const plan = JSON.parse(readFileSync(file, 'utf8'));
    for (const b of x.bottlenecks) {
      if (b.kind === 'node') {
        expect(b.link).toBeNull();
        const held = plan.nodes.find((n: any) => n.name === b.node.name);
        expect([b.node.start, b.node.end]).toEqual([held.start, held.end]);
      } else expect(b.node).toBeNull();
      for (const v of [b.flow, b.capacity]) expect(v).toBe(Math.round(v * 1e6) / 1e6);
    }
    for (const s of x.suggestions) expect(s.gain).toBe(Math.round(s.gain * 1e6) / 1e6);
    // The same keys for a max-flow plan, whose note is null.
    const mf = join(tmp, 'geo3-mf.json');
    writeFileSync(mf, (await helixAsync(['plan', 'clusters/geo3.yaml', '--json', '--time-limit', '2', '--objective', 'maxflow'])).stdout);
    const y = JSON.parse((await helixAsync(['explain', mf, '-c', 'clusters/geo3.yaml', '--json', '--try-time', '0.3'])).stdout);
    expect(Object.keys(y)).toEqual(Object.keys(x));
    expect(y.note).toBeNull();
    const svg = join(tmp, 'geo3.svg');
    const r = await helixAsync(['render', file, '-o', svg]);
    expect(r.code).toBe(0);
    expect(readFileSync(svg, 'utf8')).toMatch(/<svg[\s\S]*a100-1 \(A100-40G\)[\s\S]*<\/svg>\n$/);
    // --json means JSON on stdout, here too.
    const j = await helixAsync(['render', file, '--json']);
    expect(j.code).toBe(0);
    expect(JSON.parse(j.stdout).svg).toBe(readFileSync(svg, 'utf8'));
    const jo = await helixAsync(['render', file, '--json', '-o', svg]);
    expect(JSON.parse(jo.stdout)).toEqual({ output: svg });
    expect(jo.stderr).toBe('');
  });

});

describe('helix replan and the plan in force (built binary)', () => {
  it('a delivered plan in force: nothing changed, or an idle machine lost, moves nothing, and so does a replan of that replan', async () => {
    // Four A100s hold LLaMA-30B; the delivered plan leaves the L4s and T4s idle.
    const spec = join(tmp, 'small.yaml');
    writeFileSync(spec, `name: small\nmodel: llama1-30b\nprofiles: ${join(repoRoot, 'profiles', 'helix-set-a')}\ncoordinator: { region: lab, bandwidth: 1GB/s, latency: 1ms }\nnetwork:\n  default: { bandwidth: 1GB/s, latency: 1ms }\nnodes:\n  - { name: a100, gpu: A100-40G, count: 4, region: lab }\n  - { name: l4, gpu: L4, count: 2, region: lab }\n  - { name: t4, gpu: T4, count: 3, region: lab }\n`);
    const plan = join(tmp, 'delivered-in-force.json');
    writeFileSync(plan, (await helixAsync(['plan', spec, '-t', '2', '--json'])).stdout);
    const old = JSON.parse(readFileSync(plan, 'utf8'));
    const idle = old.nodes.filter((n: { flow: number }) => n.flow === 0).map((n: { name: string }) => n.name);
    expect(idle.length).toBeGreaterThanOrEqual(2);
    // Before: a full re-plan's max flow was the target, and most machines reloaded.
    const same = await helixAsync(['replan', plan, '-c', spec, '-t', '2', '--json']);
    expect(same.code, same.stderr).toBe(0);
    const r = JSON.parse(same.stdout);
    expect(r.moves).toBe(0);
    expect(r.reference).toBe(old.throughput);
    expect(r.notes[0]).toMatch(/^nothing changed since the plan in force was made/);
    const first = join(tmp, 'replanned-once.json');
    const lost = JSON.parse((await helixAsync(['replan', plan, '-c', spec, '--remove', idle[0], '-t', '2', '--json', '-o', first])).stdout);
    expect(lost.moves).toBe(0);
    expect(lost.throughput).toBe(old.throughput);
    expect(lost.notes.join()).not.toMatch(/nothing changed/);
    // The replan records max flow as its objective; its own replan still keeps what it carries.
    const again = JSON.parse((await helixAsync(['replan', first, '-c', spec, '--remove', idle[1], '-t', '2', '--json'])).stdout);
    expect(again.moves).toBe(0);
    expect(again.throughput).toBe(old.throughput);
  });

  it('a replan of a separate placement records no grouping (`by` belongs to separate placements)', async () => {
    const plan = join(tmp, 'separate.json');
    writeFileSync(plan, (await helixAsync(['plan', 'clusters/single24.yaml', '-m', 'separate', '--by', 'region', '--json'])).stdout);
    expect(JSON.parse(readFileSync(plan, 'utf8')).settings.by).toBe('region');
    const r = JSON.parse((await helixAsync(['replan', plan, '-c', 'clusters/single24.yaml', '--remove', 'a100-1', '-t', '1', '--json'])).stdout);
    expect(r.plan.settings.method).toBe('replan');
    expect(r.plan.settings.by).toBeUndefined();
  });

  it("keeps the plan in force's depth controls (its successor is verified against them)", async () => {
    const plan = join(tmp, 'controlled.json');
    writeFileSync(plan, (await helixAsync(['plan', 'clusters/single24.yaml', '--objective', 'maxflow', '--max-stages', '10', '--min-layers', '4', '-t', '2', '--json'])).stdout);
    const r = await helixAsync(['replan', plan, '-c', 'clusters/single24.yaml', '--remove', 't4-1', '-t', '2', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const next = JSON.parse(r.stdout).plan;
    expect(next.settings).toMatchObject({ maxStages: 10, minLayers: 4 });
    expect(next.depth).toBeLessThanOrEqual(10);
    for (const n of next.nodes) if (n.start !== null) expect(n.end - n.start).toBeGreaterThanOrEqual(4);
  });

  it("keeps the plan's input notes (an estimated profile beside measured ones) in the replan", async () => {
    const profiles = join(tmp, 'mixed-profiles');
    cpSync(join(repoRoot, 'profiles', 'helix-set-a'), profiles, { recursive: true });
    const est = await helixAsync(['profile', 'estimate', '--gpu', 'H100-80G', '--model', 'llama1-30b', '-o', join(profiles, 'llama1-30b', 'H100-80G.yaml'), '-q']);
    expect(est.code, est.stderr).toBe(0);
    const spec = join(tmp, 'mixed.yaml');
    writeFileSync(spec, `${readFileSync(join(repoRoot, 'clusters', 'tiny.yaml'), 'utf8').replace('../profiles/helix-set-a', profiles)}  - { name: h100, gpu: H100-80G, region: lab }\n`);
    const plan = join(tmp, 'mixed-plan.json');
    const made = await helixAsync(['plan', spec, '-m', 'petals', '-o', plan, '-q']);
    expect(made.code, made.stderr).toBe(0);
    const mixed = /derived for a pipeline of its own type alone/;
    expect(JSON.parse(readFileSync(plan, 'utf8')).stats.notes.join('\n')).toMatch(mixed);
    const r = await helixAsync(['replan', plan, '-c', spec, '--remove', 't4-1', '-t', '2', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).plan.stats.notes.join('\n')).toMatch(mixed);
  });
});
