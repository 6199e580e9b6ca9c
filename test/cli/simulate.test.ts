import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { helix, repoRoot } from '../fixtures/cli.js';
import { serializePlan } from '../../src/plan/io.js';
import { planFor } from '../fixtures/plans.js';
import { tinyChain, tinyFile } from '../sim/tiny-plan.js';
import type { SimReport } from '../../src/sim/simulate.js';

let dir: string;
let chain: string;
let other: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'helix-simulate-'));
  const { cluster, placement, plan } = tinyChain();
  chain = join(dir, 'chain.json');
  writeFileSync(chain, serializePlan(plan));
  // A second plan: the two T4s trade places in the chain.
  const at = (name: string) => placement[cluster.nodes.findIndex((n) => n.name === name)];
  const swapped = cluster.nodes.map((n, i) => (n.name === 't4-1' ? at('t4-2') : n.name === 't4-2' ? at('t4-1') : placement[i]));
  other = join(dir, 'swapped.json');
  writeFileSync(other, serializePlan(planFor(cluster, swapped)));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Row = SimReport & { plan: string };

describe('helix simulate (built binary)', () => {
  it('--load above what the plan is predicted to serve gets a note saying so, and one below does not', () => {
    const planned = join(dir, 'tiny-planned.json');
    writeFileSync(planned, helix(['plan', 'clusters/tiny.yaml', '-t', '1', '--json']).stdout);
    const p = JSON.parse(readFileSync(planned, 'utf8'));
    const capacity = p.delivered.throughput / p.throughput;
    expect(capacity).toBeLessThan(0.9);
    const over = helix(['simulate', planned, '-c', tinyFile, '--load', '0.95', '-d', '30']);
    expect(over.code, over.stderr).toBe(0);
    expect(over.stderr).toMatch(new RegExp(`note: --load 0.95 offers .* above the .* the plan is predicted to serve; expect queues to grow \\(--load ${Number(capacity.toPrecision(2))} is about its predicted capacity\\)`));
    const under = helix(['simulate', planned, '-c', tinyFile, '--load', (capacity / 2).toFixed(2), '-d', '30']);
    expect(under.stderr).not.toMatch(/expect queues to grow/);
    // The same offer as a --rate gets the same note.
    const rate = helix(['simulate', planned, '-c', tinyFile, '--rate', '1', '-d', '30']);
    expect(rate.stderr).toMatch(/note: --rate 1 offers [\d,.]+ tokens\/s, above the [\d,.]+ the plan is predicted to serve; expect queues to grow \(--rate [\d.]+ is about its predicted capacity\)/);
  });

  it('on a spec edited since the plan, says the inputs changed and how to carry the plan over', () => {
    const spec = readFileSync(tinyFile, 'utf8')
      .replace('profiles: ../profiles/helix-set-a', `profiles: ${join(repoRoot, 'profiles/helix-set-a')}`)
      .replaceAll('bandwidth: 1GB/s', 'bandwidth: 500MB/s');
    const edited = join(dir, 'tiny-halved.yaml');
    writeFileSync(edited, spec);
    const r = helix(['simulate', chain, '-c', edited, '--offline', '5']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/the plan is invalid for the inputs as they are now; the spec or profiles changed since it was made/);
    expect(r.stderr).toContain(`helix replan ${chain} -c <the spec it was made for> --add-from ${edited}`);
    // A plan checked against its own inputs is not told that.
    const own = helix(['simulate', chain, '-c', tinyFile, '--offline', '5']);
    expect(own.code, own.stderr).toBe(0);
    expect(own.stderr).not.toMatch(/changed since this plan was made/);
    // An edit that leaves the plan valid (a latency) still gets a warning, as validate gives.
    const slower = join(dir, 'tiny-slower.yaml');
    writeFileSync(slower, spec.replaceAll('bandwidth: 500MB/s', 'bandwidth: 1GB/s').replace('default: { bandwidth: 1GB/s, latency: 1ms }', 'default: { bandwidth: 1GB/s, latency: 50ms }'));
    const valid = helix(['simulate', chain, '-c', slower, '--offline', '5']);
    expect(valid.code, valid.stderr).toBe(0);
    expect(valid.stderr).toContain(`warning: ${chain}: the cluster or profiles changed since this plan was made`);
  });

  it('says why short requests run above the plan\'s max flow, and says nothing on azure-conv', () => {
    const short = helix(['simulate', chain, '-c', tinyFile, '--offline', '300', '--input-len', '50', '--output-len', '10']);
    expect(short.code, short.stderr).toBe(0);
    const percent = Number(/(\d+)% of the planned/.exec(short.stdout)?.[1]);
    expect(percent).toBeGreaterThan(110);
    expect(short.stdout).toMatch(/above the plan's max flow: node capacities are the profiles' rates for azure-conv-like requests/);
    const conv = helix(['simulate', chain, '-c', tinyFile, '--offline', '300', '--lengths', 'azure-conv']);
    expect(conv.stdout).not.toMatch(/above the plan's max flow/);
  });

  it('refuses an empty --policy and a warm-up as long as the arrivals; takes --offline 1e2 as 100', () => {
    const empty = helix(['simulate', chain, '-c', tinyFile, '--offline', '5', '--policy', '']);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/--policy needs a policy name/);
    expect(helix(['simulate', chain, '-c', tinyFile, '--offline', '5', '--policy', ',', '--json']).code).toBe(2);
    const warm = helix(['simulate', chain, '-c', tinyFile, '--rate', '1', '--duration', '60', '--warmup', '60']);
    expect(warm.code).toBe(2);
    expect(warm.stderr).toMatch(/--warmup 60 s must end before the arrivals do \(--duration 60 s\)/);
    const sci = helix(['simulate', chain, '-c', tinyFile, '--offline', '1e2', '--json']);
    expect(sci.code, sci.stderr).toBe(0);
    expect(JSON.parse(sci.stdout).requests.total).toBe(100);
  });

  it('the KV peak is the window\'s, as every other figure (a warm-up past the run leaves it at 0)', () => {
    const r = helix(['simulate', chain, '-c', tinyFile, '--offline', '20', '--warmup', '100000', '--json', '-q']);
    const nodes = JSON.parse(r.stdout).nodes as { kvPeak: number; kvMean: number }[];
    for (const n of nodes) expect([n.kvPeak, n.kvMean]).toEqual([0, 0]);
  });

  it('--help gives the default policy as it is typed, not as JSON', () => {
    const r = helix(['simulate', '--help']);
    expect(r.stdout).toMatch(/\(default: iwrr\)/);
    expect(r.stdout).not.toMatch(/\["iwrr"\]/);
  });

  it('warns when --warmup outlasts the run, instead of reporting zeros in silence', () => {
    const r = helix(['simulate', chain, '-c', tinyFile, '--offline', '5', '--warmup', '100000', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).throughput.total).toBe(0);
    // An empty window at the warm-up, not one that ends before it starts.
    expect(JSON.parse(r.stdout).window).toEqual({ start: 100000, end: 100000 });
    expect(r.stderr).toMatch(/the run ended at [\d.]+ s, no later than --warmup 100000 s; its throughput figures measure nothing/);
  });

  it('says the warm-up left nothing to measure in the table; no warm-up warning when every request is rejected', () => {
    const r = helix(['simulate', chain, '-c', tinyFile, '--offline', '5', '--warmup', '100000']);
    expect(r.stdout).toMatch(/nothing measured: the run ended before the warm-up did/);
    expect(r.stdout).not.toMatch(/measured [\d.]+ \w+ to/);
    // Every request rejected: no path's KV cache holds one at this fill.
    const rejected = helix(['simulate', chain, '-c', tinyFile, '--offline', '5', '--kv-fill', '0.001']);
    expect(rejected.code).toBe(1);
    expect(rejected.stderr).not.toMatch(/warm-?up/);
    expect(rejected.stdout).toMatch(/5 request\(s\) rejected/);
  });

  it('warns that a short arrival window is a transient, not a steady-state figure', () => {
    const r = helix(['simulate', chain, '-c', tinyFile, '--rate', '16', '-d', '2']);
    expect(r.stderr).toMatch(/throughput is measured over 2\.0 s, less than twice a request's mean latency/);
    // Once per plan, not once per policy run of it.
    const compared = helix(['simulate', chain, '-c', tinyFile, '--rate', '16', '-d', '2', '--compare', '--policy', 'iwrr,random,swarm']);
    expect(compared.stderr.match(/not a steady-state figure/g)).toHaveLength(1);
    const long = helix(['simulate', chain, '-c', tinyFile, '--rate', '0.1', '-d', '600', '--input-len', '100', '--output-len', '10']);
    expect(long.stderr).toBe('');
  });

  it('refuses fixed lengths longer than the context (exit 2, as plan --workload does), not a run that rejects them all', () => {
    const r = helix(['simulate', chain, '-c', tinyFile, '--offline', '5', '--input-len', '100000', '--output-len', '10']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--input-len 100000 and --output-len 10 make 100010 tokens a request, more than the model's context of 2048/);
    expect(r.stdout).toBe('');
  });

  it('refuses a stream larger than one run simulates (it would abort the engine)', () => {
    const r = helix(['simulate', chain, '-c', tinyFile, '--rate', '1', '-d', '1e9']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/about 1,000,000,000 requests, more than one run simulates/);
    expect(helix(['simulate', chain, '-c', tinyFile, '--offline', '2000000']).code).toBe(2);
  });

  it('reports one run as JSON, the same for the same seed', () => {
    const args = ['simulate', chain, '-c', tinyFile, '--offline', '30', '--json', '--seed', '4'];
    const r = helix(args);
    expect(r.code, r.stderr).toBe(0);
    const rep = JSON.parse(r.stdout) as Row;
    expect(rep.plan).toBe(chain);
    expect(rep.policy).toBe('iwrr');
    expect(rep.requests.total).toBe(30);
    expect(rep.requests.finished + rep.requests.rejected).toBe(30);
    expect(rep.throughput.total).toBeCloseTo(rep.throughput.prompt + rep.throughput.decode, 6);
    expect(rep.nodes.filter((n) => n.start !== null)).toHaveLength(5);
    const again = JSON.parse(helix(args).stdout) as Row;
    expect({ ...again, wallSec: 0 }).toEqual({ ...rep, wallSec: 0 });
  });

  it('prints throughput, latency percentiles and per-node load', () => {
    const r = helix(['simulate', chain, '-c', tinyFile, '--rate', '0.2', '--duration', '60', '--input-len', '200', '--output-len', '20']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('iwrr routing, Poisson 0.2 req/s for 60 s, 200 in / 20 out');
    expect(r.stdout).toMatch(/time to first token\s+│/);
    expect(r.stdout).toMatch(/│ t4-1\s+│ T4\s+│ \[0, 7\)\s+│/);
    expect(r.stderr).toBe(''); // not a terminal: no progress bar
  });

  it('runs plans x policies on one request stream with --compare', () => {
    const r = helix(['simulate', chain, other, '-c', tinyFile, '--trace', 'azure-conv', '--load', '0.5', '--duration', '120', '--policy', 'iwrr,swarm', '--compare', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const rows = JSON.parse(r.stdout) as Row[];
    expect(rows.map((x) => [x.plan, x.policy])).toEqual([
      [chain, 'iwrr'],
      [chain, 'swarm'],
      [other, 'iwrr'],
      [other, 'swarm'],
    ]);
    expect(new Set(rows.map((x) => x.requests.total)).size).toBe(1);
    expect(new Set(rows.map((x) => x.workload)).size).toBe(1);
    expect(rows[0].workload).toMatch(/^azure-conv arrivals at [\d.]+ req\/s for 120 s, azure-conv lengths$/);
    const table = helix(['simulate', chain, other, '-c', tinyFile, '--offline', '10', '--policy', 'random', '--policy', 'shortest-queue', '--compare']);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toContain('Simulated side by side on the same requests');
    expect(table.stdout.match(/shortest-queue/g)!.length).toBeGreaterThanOrEqual(2);
  });

  it('exits 1 with a warning when no request arrives: an empty stream serves nothing', () => {
    const r = helix(['simulate', chain, '-c', tinyFile, '--rate', '1e-9', '-d', '5', '--json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).requests.total).toBe(0);
    expect(r.stderr).toMatch(/warning: the request stream is empty \(Poisson 1e-9 req\/s for 5 s/);
  });

  it('exits 2 for usage errors, with one line on stderr', () => {
    const cases = [
      ['simulate', chain, '-c', tinyFile], // no arrivals chosen
      ['simulate', chain, other, '-c', tinyFile, '--offline', '5'], // two plans without --compare
      ['simulate', chain, '-c', tinyFile, '--offline', '5', '--policy', 'fastest'],
      ['simulate', chain, '-c', tinyFile, '--offline', '5', '--rate', '1'],
      ['simulate', chain, '-c', tinyFile, '--rate', '1', '--input-len', '10'],
      ['simulate', chain, '-c', tinyFile, '--rate', '1', '--trace', 'sharegpt'],
      ['simulate', chain, '-c', tinyFile, '--rate', '1', '--lengths', 'sharegpt'],
      ['simulate', chain, '--offline', '5'],
      ['simulate', chain, '-c', tinyFile, '--offline', '5', '--kv-fill', '0'],
      // --duration is the window of online arrivals; an offline run would ignore it.
      ['simulate', chain, '-c', tinyFile, '--offline', '5', '-d', '5'],
    ];
    for (const args of cases) {
      const r = helix(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')[0]).toMatch(/^helix: |^error: /);
    }
    // A bad trace name is blamed on the flag that gave it.
    expect(helix(['simulate', chain, '-c', tinyFile, '--rate', '1', '--lengths', 'sharegpt']).stderr).toMatch(/--lengths must name a bundled trace: azure-conv, azure-code/);
  });
});
