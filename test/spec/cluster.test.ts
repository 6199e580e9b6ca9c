import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { loadCluster, MAX_NODES } from '../../src/spec/cluster.js';
import { renderError } from '../../src/errors.js';
import { repoRoot } from '../fixtures/cli.js';
import { ENOUGH, LINKED, failure, setA, spec70b, tempDir, writeTemp } from './spec-files.js';

const bundled = (name: string) => loadCluster(join(repoRoot, 'clusters', `${name}.yaml`));
const count = (c: ReturnType<typeof bundled>, gpu: string) => c.nodes.filter((n) => n.gpu === gpu).length;

describe('bundled clusters', () => {
  it('single24: 4 A100 + 8 L4 + 12 T4 on set A, every pair at 1 GB/s', () => {
    const c = bundled('single24');
    expect(c.nodes).toHaveLength(24);
    expect([count(c, 'A100-40G'), count(c, 'L4'), count(c, 'T4')]).toEqual([4, 8, 12]);
    expect(c.model.id).toBe('llama2-70b');
    expect(c.nodes[0].capacity[0]).toBeCloseTo(23833.87, 6);
    expect(c.nodes[0].maxLayers).toBe(12);
    expect(c.nodes.find((n) => n.gpu === 'T4')!.capacity).toEqual([5709.208, 2434.367, 1347.867, 757.853]);
    const n = c.nodes.length;
    for (let i = 0; i < n; i++) {
      expect(c.sourceCapacity[i]).toBeCloseTo(1e9 / 2, 6); // token ids, 2 bytes
      for (let j = 0; j < n; j++) if (i !== j) expect(c.linkCapacity[i * n + j]).toBeCloseTo(1e9 / 16384, 9);
    }
  });

  it('geo3: 4 A100 | 2 L4 + 8 T4 | 6 L4 + 4 T4 over three regions', () => {
    const c = bundled('geo3');
    const inRegion = (r: string) => c.nodes.filter((x) => x.region === r).map((x) => x.gpu);
    expect(inRegion('region-1')).toEqual(Array(4).fill('A100-40G'));
    expect(inRegion('region-2').sort()).toEqual([...Array(2).fill('L4'), ...Array(8).fill('T4')]);
    expect(inRegion('region-3').sort()).toEqual([...Array(6).fill('L4'), ...Array(4).fill('T4')]);
    // The coordinator sits in region 1: fast links there, slow ones to the other regions.
    c.nodes.forEach((x, i) => expect(c.sourceCapacity[i] > 1e8).toBe(x.region === 'region-1'));
  });

  it('hetero42: 42 machines of seven types on set B', () => {
    const c = bundled('hetero42');
    expect(c.nodes).toHaveLength(42);
    const expected = { 'A100-40G': 4, V100: 6, L4: 8, '2xL4': 4, T4: 10, '2xT4': 6, '4xT4': 4 };
    for (const [gpu, k] of Object.entries(expected)) expect(count(c, gpu), gpu).toBe(k);
    expect(c.nodes.find((x) => x.gpu === 'A100-40G')!.capacity[0]).toBe(31327.488); // set B, not set A
    expect(c.nodes.find((x) => x.gpu === '4xT4')!.maxLayers).toBe(18);
  });

  it('tiny: a handful of nodes', () => {
    const c = bundled('tiny');
    expect(c.nodes.length).toBeGreaterThanOrEqual(3);
    expect(c.nodes.length).toBeLessThanOrEqual(5);
    expect(c.nodes.reduce((s, x) => s + x.maxLayers, 0)).toBeGreaterThanOrEqual(c.model.layers);
  });

  it('loading is deterministic: the same file gives the same input hash', () => {
    for (const name of ['tiny', 'single24', 'geo3', 'hetero42']) expect(bundled(name).inputHash).toBe(bundled(name).inputHash);
    expect(bundled('single24').inputHash).not.toBe(bundled('geo3').inputHash);
  });
});

describe('profiles and options', () => {
  it('the profile folder is relative to the spec; --profiles and kvReserve override the file', () => {
    const where = join(tempDir('deep/a/b'), 'spec.yaml');
    const file = writeTemp(`model: llama2-70b\nprofiles: ${relative(dirname(where), setA)}\n${LINKED}nodes:\n  - { gpu: A100-40G, count: 8 }\n`, 'deep/a/b/spec.yaml');
    expect(file).toBe(where);
    const c = loadCluster(file);
    expect(c.name).toBe('spec'); // from the file name when `name` is left out
    expect(c.nodes[0].maxLayers).toBe(12);
    const fewer = loadCluster(file, { kvReserve: 0.6 });
    expect(fewer.nodes[0].maxLayers).toBe(10); // 16 GB / 1.53 GB
    expect(loadCluster(file, { profilesDir: join(setA, '..', 'helix-set-b') }).nodes[0].capacity[0]).toBe(31327.488);
  });

  it('kvReserve in the spec applies to derived limits', () => {
    const c = loadCluster(writeTemp(spec70b('  - { gpu: A100-40G, count: 10 }\n', `kvReserve: 0.6\n${LINKED}`)));
    expect(c.nodes[0].maxLayers).toBe(10);
  });

  it('bad overrides are usage errors', () => {
    const file = writeTemp(spec70b(ENOUGH, LINKED));
    expect(failure(() => loadCluster(file, { kvReserve: 1 })).kind).toBe('usage');
    const e = failure(() => loadCluster(file, { profilesDir: join(tempDir('nowhere'), 'missing') }));
    expect(e.kind).toBe('usage');
    expect(e.details.field).toBe('--profiles');
  });
});

describe("README's example cluster spec", () => {
  it('loads as written, from a clusters/ folder beside the bundled profiles (an earlier version named a node it did not have)', () => {
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    const yaml = /```yaml\n([\s\S]*?)```/.exec(readme)![1];
    const dir = tempDir('readme');
    symlinkSync(join(repoRoot, 'profiles'), join(dir, 'profiles'));
    const c = loadCluster(writeTemp(yaml, 'readme/clusters/example.yaml'));
    expect(c.nodes.map((n) => n.name)).toContain('r2-l4-1');
    expect(c.nodes.reduce((s, n) => s + n.maxLayers, 0)).toBeGreaterThanOrEqual(c.model.layers);
  });
});

describe('spec errors name the file and the field', () => {
  const expectError = (yaml: string, field: string, code?: string, message?: RegExp) => {
    const file = writeTemp(yaml);
    const e = failure(() => loadCluster(file));
    expect(e.details.file).toBe(file);
    expect(e.details.field).toBe(field);
    if (code) expect(e.code).toBe(code);
    if (message) expect(e.message).toMatch(message);
    expect(renderError(e)).toContain(`${file}: ${field}: `);
    return e;
  };

  it('malformed YAML, with the line', () => {
    const e = failure(() => loadCluster(writeTemp('name: t\nmodel: llama2-70b\nnodes: [x\n')));
    expect(e.code).toBe('bad-yaml');
    expect(e.message).toMatch(/malformed YAML at line [34]/);
    expect(failure(() => loadCluster(writeTemp('name: a\nname: b\n'))).message).toMatch(/line 2/);
    // An alias bomb parses but cannot be expanded: an input error naming the file, not a crash.
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let k = 1; k < 9; k++) levels.push(`${'b'.repeat(k)}: &${'b'.repeat(k)} [${Array(10).fill(k === 1 ? '*a' : `*${'b'.repeat(k - 1)}`).join(', ')}]`);
    const bomb = failure(() => loadCluster(writeTemp(`${levels.join('\n')}\n`)));
    expect(bomb.code).toBe('bad-yaml');
    expect(bomb.message).toMatch(/cannot be expanded/);
  });

  it('YAML merge keys (<<) merge, as the common idiom for repeated node groups', () => {
    const c = loadCluster(writeTemp(spec70b('  - &base { name: big, gpu: A100-40G, count: 4, region: r }\n  - { <<: *base, name: more }\n', LINKED)));
    expect(c.nodes.filter((n) => n.name.startsWith('more')).map((n) => n.gpu)).toEqual(Array(4).fill('A100-40G'));
  });

  it('a missing file, a folder, a file that is not a mapping', () => {
    expect(failure(() => loadCluster(join(tempDir('x'), 'missing.yaml'))).message).toMatch(/file not found/);
    expect(failure(() => loadCluster(tempDir('a-folder'))).message).toMatch(/folder/);
    expect(failure(() => loadCluster(writeTemp('- just\n- a list\n'))).code).toBe('bad-field');
  });

  it('a file that is not UTF-8, with the byte and its line (a Latin-1 name once became "l4\uFFFD" in the plan)', () => {
    const file = writeTemp('');
    const [before, after] = spec70b(ENOUGH.replace('count: 7', 'count: 7, name: caf@'), LINKED).split('@');
    writeFileSync(file, Buffer.concat([Buffer.from(before), Buffer.from([0xe9]), Buffer.from(after)]));
    const e = failure(() => loadCluster(file));
    expect(e.code).toBe('not-utf8');
    expect(e.message).toBe(`not UTF-8 text: byte 0xE9 on line ${before.split('\n').length} is not part of a UTF-8 character`);
    // The same name in UTF-8 (and the character U+FFFD itself) are fine.
    expect(loadCluster(writeTemp(spec70b(ENOUGH.replace('count: 7', 'count: 7, name: "café\uFFFD"'), LINKED))).nodes[0].name).toBe('café\uFFFD-1');
  });

  it('unknown GPU type, with the line of the node', () => {
    const e = expectError(spec70b('  - { gpu: A100-40G, count: 7 }\n  - { gpu: H900, region: r }\n', LINKED), 'nodes[1].gpu', 'unknown-gpu', /unknown GPU type "H900"/);
    expect(e.message).toMatch(/line 8/);
    expect(e.details.expected).toMatch(/A100-40G/);
  });

  it('unknown model', () => {
    const e = expectError(spec70b(ENOUGH, LINKED).replace('llama2-70b', 'gpt-9'), 'model', 'unknown-model', /unknown model "gpt-9" \(known: [^)]*llama2-70b/);
    // Each folder searched is named once, though the bundled one is reached two ways.
    const folders = e.details.expected!.replace(/^a model card gpt-9\.yaml in /, '').split(' or ');
    expect(new Set(folders).size).toBe(folders.length);
  });

  it('a GPU type with no profile for the model', () => {
    expectError(spec70b(`${ENOUGH}  - { gpu: V100 }\n`, LINKED), 'nodes[1].gpu', 'no-profile', /no profile for V100/);
  });

  it('a profile folder without the model', () => {
    expectError(spec70b(ENOUGH, LINKED).replace(setA, tempDir('empty-profiles')), 'profiles', 'no-profiles');
  });

  it('a node that can hold no layer', () => {
    const e = expectError(spec70b(ENOUGH, `kvReserve: 0.97\n${LINKED}`), 'nodes[0].gpu', 'no-layer-fits', /cannot hold a single layer of llama2-70b .*; leave it out of the spec, or lower kvReserve/);
    // Too little memory: the cluster cannot serve the model (exit 1), the file is not malformed.
    expect(e.kind).toBe('infeasible');
    // validate loads the spec to judge plans on it: there it stays bad input (exit 2), not "a plan is invalid".
    const forValidate = failure(() => loadCluster(writeTemp(spec70b(ENOUGH, `kvReserve: 0.97\n${LINKED}`)), { skipServableCheck: true }));
    expect(forValidate.kind).toBe('input');
  });

  it('negative, zero and unit-less-but-wrong bandwidths', () => {
    expectError(spec70b(ENOUGH, 'network:\n  default: { bandwidth: -1Gbps }\n'), 'network.default.bandwidth', 'bad-unit');
    expectError(spec70b(ENOUGH, `coordinator: { bandwidth: 0 }\n${LINKED}`), 'coordinator.bandwidth');
    expectError(spec70b(ENOUGH, 'network:\n  default: { bandwidth: 10 GB }\n'), 'network.default.bandwidth');
    expectError(spec70b(ENOUGH, 'network:\n  default: { bandwidth: 1GB/s, jitter: 1.5 }\n'), 'network.default.jitter');
    // The draws use 32 bits of the seed: 2^32 would repeat seed 0's.
    expectError(spec70b(ENOUGH, 'network:\n  seed: 4294967296\n  default: { bandwidth: 1GB/s }\n'), 'network.seed');
    expectError(spec70b(ENOUGH, 'network:\n  default: { bandwidth: 1GB/s, latency: 5 parsecs }\n'), 'network.default.latency');
  });

  it('latencies beyond 10 s are refused as unit slips, and YAML .nan is shown as NaN, not null', () => {
    expect(expectError(spec70b(ENOUGH, 'network:\n  default: { bandwidth: 1GB/s, latency: 10000s }\n'), 'network.default.latency', 'bad-field').details.expected).toBe('a duration of at most 10s');
    expectError(spec70b(ENOUGH, 'network:\n  default: { bandwidth: 1GB/s, latency: 1ms, latencyJitter: 1min }\n'), 'network.default.latencyJitter');
    expect(loadCluster(writeTemp(spec70b(ENOUGH, 'network:\n  default: { bandwidth: 1GB/s, latency: 10s }\n'))).linkLatency[1]).toBe(10);
    const e = expectError(spec70b('  - { gpu: A100-40G, count: .nan }\n', LINKED), 'nodes[0].count');
    expect(e.details.found).toBe('NaN');
  });

  it(`at most ${MAX_NODES} nodes, in one group or in all (20,000 once exhausted the heap)`, () => {
    expect(expectError(spec70b('  - { gpu: A100-40G, count: 1000000000 }\n', LINKED), 'nodes[0].count', 'bad-field').details.expected).toBe('an integer >= 1 and <= 4096');
    const all = expectError(spec70b(`  - { gpu: A100-40G, count: ${MAX_NODES} }\n  - { gpu: L4 }\n`, LINKED), 'nodes', 'too-many-nodes');
    // The count, not the list of nodes quoted as JSON.
    expect(all.details.found).toBe(`at least ${MAX_NODES + 1} nodes`);
  });

  it('two entries for one link or one pair of regions (which would win was an accident of order)', () => {
    const links = (a: string, b: string) => `network:\n  default: { bandwidth: 1GB/s }\n  links:\n    - ${a}\n    - ${b}\n`;
    const one = '{ from: a100-40g-1, to: a100-40g-2, bandwidth: 1GB/s }';
    expectError(spec70b(ENOUGH, links(one, one.replace('1GB/s', '2GB/s'))), 'network.links[1].to', 'duplicate-link', /a second entry for the link a100-40g-1 -> a100-40g-2/);
    // Both-ways entries overlap the reverse direction too; two one-way entries do not.
    expectError(spec70b(ENOUGH, links(one, '{ from: a100-40g-2, to: a100-40g-1, bandwidth: 2GB/s }')), 'network.links[1].to', 'duplicate-link');
    const oneWay = (from: string, to: string, bw: string) => `{ from: ${from}, to: ${to}, bandwidth: ${bw}, bidirectional: false }`;
    const c = loadCluster(writeTemp(spec70b(ENOUGH, links(oneWay('a100-40g-1', 'a100-40g-2', '1GB/s'), oneWay('a100-40g-2', 'a100-40g-1', '2GB/s')))));
    expect([c.linkBandwidth[1], c.linkBandwidth[c.nodes.length]]).toEqual([1e9, 2e9]);
    expectError(spec70b(ENOUGH, links('{ from: coordinator, to: a100-40g-1, bandwidth: 1GB/s }', '{ from: a100-40g-1, to: coordinator, bandwidth: 2GB/s }')), 'network.links[1].to', 'duplicate-link');
    const between = 'network:\n  default: { bandwidth: 1GB/s }\n  between:\n    - { regions: [r, s], bandwidth: 1GB/s }\n    - { regions: [s, r], bandwidth: 2GB/s }\n';
    expectError(spec70b(`${ENOUGH}  - { gpu: L4, region: s }\n`, between), 'network.between[1].regions', 'duplicate-link', /a second entry for s <-> r/);
  });

  it('unknown regions and nodes in the network', () => {
    expectError(spec70b(ENOUGH, 'network:\n  regions:\n    eu-west: { bandwidth: 1GB/s }\n'), 'network.regions.eu-west', 'unknown-region');
    expectError(spec70b(ENOUGH, 'network:\n  between:\n    - { regions: [r, mars], bandwidth: 1GB/s }\n'), 'network.between[0].regions', 'unknown-region', /mars/);
    expectError(spec70b(ENOUGH, 'network:\n  between:\n    - { regions: [r, r], bandwidth: 1GB/s }\n'), 'network.between[0].regions');
    expectError(spec70b(ENOUGH, 'network:\n  links:\n    - { from: a100-40g-1, to: ghost, bandwidth: 1GB/s }\n'), 'network.links[0].to', 'unknown-node', /ghost/);
    expectError(spec70b(ENOUGH, 'network:\n  links:\n    - { from: a100-40g-1, to: a100-40g-2, bandwidth: 1GB/s, regions: [r, r] }\n'), 'network.links[0].regions', 'unknown-field');
  });

  it('a coordinator region no node has and no network entry names (a typo would plan on default links)', () => {
    const net = 'network:\n  default: { bandwidth: 1GB/s }\n';
    expectError(spec70b(ENOUGH, `coordinator: { region: rr }\n${net}`), 'coordinator.region', 'unknown-region', /unknown region "rr"/);
    // Named by the network, or given its own links, a region of its own is deliberate.
    expect(() => loadCluster(writeTemp(spec70b(ENOUGH, `coordinator: { region: edge }\n${net}  between:\n    - { regions: [r, edge], bandwidth: 1GB/s }\n`)))).not.toThrow();
    expect(() => loadCluster(writeTemp(spec70b(ENOUGH, `coordinator: { region: edge, bandwidth: 1GB/s }\n${net}`)))).not.toThrow();
  });

  it('names with control characters: escape codes reached the terminal raw and made the SVG invalid XML', () => {
    expectError(spec70b('  - { name: "a100\\e[31mred", gpu: A100-40G, count: 7 }\n', LINKED), 'nodes[0].name', 'bad-field');
    expectError(spec70b('  - { gpu: A100-40G, count: 7, region: "r\\nr" }\n', LINKED), 'nodes[0].region');
    expectError(spec70b(ENOUGH, LINKED).replace('name: t', 'name: "ctl\\e]0;title\\a"'), 'name');
    expectError(spec70b(ENOUGH, `coordinator: { region: "r\\t" }\n${LINKED}`), 'coordinator.region');
    // Unicode is a name like any other.
    expect(loadCluster(writeTemp(spec70b('  - { name: "café-中文", gpu: A100-40G, count: 7 }\n', LINKED))).nodes[0].name).toBe('café-中文-1');
  });

  it('duplicate and reserved node names', () => {
    expectError(spec70b(`${ENOUGH}  - { name: a100-40g-1, gpu: L4, region: r }\n`, LINKED), 'nodes[1].name', 'duplicate-node', /duplicate node name "a100-40g-1"/);
    expectError(spec70b('  - { gpu: L4 }\n  - { gpu: L4 }\n', LINKED), 'nodes[1].name', 'duplicate-node');
    expectError(spec70b(`${ENOUGH}  - { name: coordinator, gpu: L4 }\n`, LINKED), 'nodes[1].name');
    // Plans name the coordinator's two ends "source" and "sink": a node of either name would be
    // read back as the coordinator (before, "source" crashed the planner).
    expectError(spec70b(`${ENOUGH}  - { name: source, gpu: L4 }\n`, LINKED), 'nodes[1].name', undefined, /"source" is reserved/);
    expectError(spec70b(`${ENOUGH}  - { name: sink, gpu: L4 }\n`, LINKED), 'nodes[1].name', undefined, /"sink" is reserved/);
  });

  it('a typo in a field name, at any depth', () => {
    expectError(spec70b(ENOUGH, 'netwrok: {}\n'), 'netwrok', 'unknown-field', /unknown field "netwrok"/);
    expectError(spec70b('  - { gpu: A100-40G, cuont: 7 }\n', LINKED), 'nodes[0].cuont', 'unknown-field');
    expectError(spec70b(ENOUGH, 'coordinator: { region: r, bandwith: 1GB/s }\n'), 'coordinator.bandwith', 'unknown-field');
  });

  it('a missing or empty node list', () => {
    expectError('model: llama2-70b\n', 'nodes', 'bad-field', /missing field/);
    expectError(spec70b('  []\n').replace('nodes:\n  []', 'nodes: []'), 'nodes');
  });

  it('a coordinator that no network figure reaches is an input error', () => {
    const e = expectError(spec70b(ENOUGH), 'network', 'no-coordinator-link');
    expect(e.kind).toBe('input');
    expectError(spec70b(ENOUGH, 'coordinator: { region: r, latency: 1ms }\n'), 'coordinator.latency');
  });

  it('a cluster that cannot serve the model is infeasible, not bad input', () => {
    const small = failure(() => loadCluster(writeTemp(spec70b('  - { gpu: T4, count: 3 }\n', LINKED))));
    expect(small.kind).toBe('infeasible');
    expect(small.code).toBe('too-little-memory');
    const unlinked = failure(() => loadCluster(writeTemp(spec70b(ENOUGH, 'coordinator: { bandwidth: 1GB/s }\n'))));
    expect(unlinked.kind).toBe('infeasible');
    expect(unlinked.code).toBe('no-path');
    // The same file loads when the check is skipped, for tools that inspect such clusters.
    expect(loadCluster(writeTemp(spec70b(ENOUGH, 'coordinator: { bandwidth: 1GB/s }\n')), { skipServableCheck: true }).nodes).toHaveLength(7);
  });
});

describe('bundled cluster files', () => {
  it('each starts with a comment saying what it is', () => {
    for (const f of readdirSync(join(repoRoot, 'clusters')).filter((x) => x.endsWith('.yaml'))) {
      expect(readFileSync(join(repoRoot, 'clusters', f), 'utf8'), f).toMatch(/^# \S.{20,}/);
    }
  });
});
