// Interleaved weighted round robin (IWRR): the order in which a vertex hands requests to its next
// hops. Plain weighted round robin sends a run of w_a requests to hop a before moving on, so a
// heavy hop gets bursts; IWRR spreads each hop's turns over the cycle, which keeps queues short.

/** Largest integer weight a hop gets; a hop's weight is its share of the vertex's biggest flow. */
export const WEIGHT_RESOLUTION = 100;

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/**
 * Integer weights proportional to `flows`: the largest flow gets WEIGHT_RESOLUTION, every
 * positive flow at least 1 (a hop the plan uses is never starved), zero flows 0; then divided by
 * their common divisor so flows 2:1 give weights 2:1, not 100:50.
 */
export function integerWeights(flows: readonly number[], resolution = WEIGHT_RESOLUTION): number[] {
  const top = Math.max(0, ...flows);
  if (!(top > 0)) return flows.map(() => 0);
  const raw = flows.map((f) => (f > 0 ? Math.max(1, Math.round((resolution * f) / top)) : 0));
  const common = raw.reduce((g, w) => (w > 0 ? gcd(g, w) : g), 0);
  return raw.map((w) => w / common);
}

/**
 * One IWRR cycle: round r = 1..max(w) visits, in hop order, every hop whose weight is at least r.
 * Weights [3, 1] give [0, 1, 0, 0]; each hop appears exactly its weight times per cycle.
 */
export function iwrrSequence(weights: readonly number[]): number[] {
  const rounds = Math.max(0, ...weights);
  const out: number[] = [];
  for (let r = 1; r <= rounds; r++) {
    for (let h = 0; h < weights.length; h++) if (weights[h] >= r) out.push(h);
  }
  return out;
}

/**
 * Walks a vertex's IWRR cycle. A hop that cannot take the request (its KV cache is full) is
 * skipped for this request only: the cursor moves past it to the next eligible entry, as Helix's
 * scheduler does, so the skipped hop's turn is lost rather than owed.
 */
export class IwrrCursor {
  private position = 0;

  constructor(readonly sequence: readonly number[]) {}

  /** The next eligible hop index, or -1 when no hop in the cycle is eligible (the cursor stays put). */
  next(eligible: (hop: number) => boolean): number {
    const len = this.sequence.length;
    for (let step = 0; step < len; step++) {
      const at = (this.position + step) % len;
      const hop = this.sequence[at];
      if (eligible(hop)) {
        this.position = (at + 1) % len;
        return hop;
      }
    }
    return -1;
  }
}
