import { describe, expect, it } from 'vitest';
import { FlowNetwork } from '../../src/graph/maxflow.js';
import { latencyBand, throughLatency, type LatencyBandProblem } from '../../src/schedule/latency-band.js';

/** Vertices (five unless said; 0 source, 1 sink) and edges [from, to, capacity, latency]. */
function problem(edges: [number, number, number, number][], value: number, slack?: number, vertexCount = 5): LatencyBandProblem {
  return {
    vertexCount,
    source: 0,
    sink: 1,
    from: Int32Array.from(edges, (e) => e[0]),
    to: Int32Array.from(edges, (e) => e[1]),
    capacity: Float64Array.from(edges, (e) => e[2]),
    latency: Float64Array.from(edges, (e) => e[3]),
    value,
    slack,
  };
}

// Three parallel routes 0 -> v -> 1 through v = 2, 3, 4, with latencies (ms) on the first hop
// 10, 10.5 and 20 and 0 on the second; capacity 5 each.
function routes(value: number, slack?: number): LatencyBandProblem {
  return problem(
    [
      [0, 2, 5, 10],
      [0, 3, 5, 10.5],
      [0, 4, 5, 20],
      [2, 1, 5, 0],
      [3, 1, 5, 0],
      [4, 1, 5, 0],
    ],
    value,
    slack,
  );
}

describe('throughLatency', () => {
  it('is the latency of the shortest source-to-sink path using each edge', () => {
    expect(Array.from(throughLatency(routes(1)))).toEqual([10, 10.5, 20, 10, 10.5, 20]);
  });

  it('is Infinity for an edge on no source-to-sink path', () => {
    const p = routes(1);
    const dead = { ...p, vertexCount: 6, from: Int32Array.from([...p.from, 0]), to: Int32Array.from([...p.to, 5]), capacity: Float64Array.from([...p.capacity, 5]), latency: Float64Array.from([...p.latency, 1]) };
    expect(throughLatency(dead)[6]).toBe(Infinity);
  });
});

describe('latencyBand', () => {
  it('admits near-equal routes and leaves out a slower one the value does not need', () => {
    // 4 fits on the 10 ms route alone: needed 10 ms, band 11 ms: routes 1 and 2, not the 20 ms one.
    const b = latencyBand(routes(4));
    expect(b.needed).toBe(10);
    expect(Array.from(b.allowed)).toEqual([1, 1, 0, 1, 1, 0]);
  });

  it('widens to the slowest route the value needs', () => {
    // 12 needs all three routes (5 + 5 + 2).
    const b = latencyBand(routes(12));
    expect(b.needed).toBe(20);
    expect(Array.from(b.allowed)).toEqual([1, 1, 1, 1, 1, 1]);
  });

  it('treats a value a hair above the max flow (rounded plan flows) as the max flow', () => {
    // 0 -> 2 (cap 5) feeds a 10 ms route via 3 and a 20 ms route via 4: max flow 5, which the
    // fast route carries alone. Asked for 5.00001, the band must still be the fast route's.
    const b = latencyBand(
      problem(
        [
          [0, 2, 5, 0],
          [2, 3, 5, 10],
          [2, 4, 5, 20],
          [3, 1, 5, 0],
          [4, 1, 5, 0],
        ],
        5.00001,
      ),
    );
    expect(b.needed).toBe(10);
    expect(Array.from(b.allowed)).toEqual([1, 1, 0, 1, 0]);
  });

  it('with no slack, keeps exactly the routes the value needs', () => {
    expect(Array.from(latencyBand(routes(4, 0)).allowed)).toEqual([1, 0, 0, 1, 0, 0]);
    expect(Array.from(latencyBand(routes(7, 0)).allowed)).toEqual([1, 1, 0, 1, 1, 0]);
  });
});

describe('latencyBand on random layered graphs', () => {
  // The band's bound is found by a warm-started bisection with a floor read off the min cut;
  // here it must equal the plain definition: the smallest through-latency whose edges carry the value.
  const rng = (seed: number) => () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  function randomLayered(seed: number): LatencyBandProblem {
    const r = rng(seed);
    const layers = 2 + Math.floor(r() * 3);
    const width = 2 + Math.floor(r() * 4);
    const vertex = (layer: number, k: number) => 2 + layer * width + k;
    const edges: [number, number, number, number][] = [];
    for (let k = 0; k < width; k++) if (r() < 0.8) edges.push([0, vertex(0, k), 1 + Math.floor(r() * 9), Math.floor(r() * 5)]);
    for (let l = 0; l + 1 < layers; l++) {
      for (let a = 0; a < width; a++) for (let b = 0; b < width; b++) if (r() < 0.5) edges.push([vertex(l, a), vertex(l + 1, b), 1 + Math.floor(r() * 9), Math.floor(r() * 30)]);
    }
    for (let k = 0; k < width; k++) if (r() < 0.8) edges.push([vertex(layers - 1, k), 1, 1 + Math.floor(r() * 9), Math.floor(r() * 5)]);
    return problem(edges, Infinity, 0, 2 + layers * width);
  }
  const carried = (p: LatencyBandProblem, through: Float64Array, bound: number) => {
    const net = new FlowNetwork(p.vertexCount);
    for (let k = 0; k < p.from.length; k++) if (through[k] <= bound) net.addEdge(p.from[k], p.to[k], p.capacity[k]);
    return net.maxFlow(p.source, p.sink);
  };

  it('needs the smallest bound that carries the value, for the max flow and for less', () => {
    let checked = 0;
    for (let seed = 1; seed <= 200; seed++) {
      const base = randomLayered(seed);
      const through = throughLatency(base);
      const max = carried(base, through, Infinity);
      if (max === 0) continue;
      for (const share of [1, 0.7, 0.3]) {
        const p = { ...base, value: max * share };
        const bounds = [...new Set(Array.from(through).filter(Number.isFinite))].sort((a, b) => a - b);
        const expected = bounds.find((b) => carried(p, through, b) >= p.value * (1 - 1e-9));
        expect(latencyBand(p).needed, `seed ${seed}, share ${share}`).toBe(expected);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(300);
  });
});
