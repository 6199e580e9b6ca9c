import { describe, expect, it } from 'vitest';
import { EventQueue } from '../../src/sim/event-queue.js';
import { createRng } from '../../src/search/rng.js';

function drain(q: EventQueue): [number, number][] {
  const out: [number, number][] = [];
  while (q.length > 0) {
    const id = q.pop();
    out.push([q.timeOf(id), q.targetOf(id)]);
    q.release(id);
  }
  return out;
}

describe('EventQueue', () => {
  it('pops by time, equal times in the order they were pushed', () => {
    const q = new EventQueue(2);
    q.push(3, 0, 30);
    q.push(1, 0, 10);
    q.push(2, 0, 20);
    q.push(1, 0, 11);
    q.push(1, 0, 12);
    expect(q.peekTime()).toBe(1);
    expect(drain(q)).toEqual([
      [1, 10],
      [1, 11],
      [1, 12],
      [2, 20],
      [3, 30],
    ]);
    expect(q.peekTime()).toBe(Infinity);
  });

  it('keeps kind and payload with the event, and reuses released slots', () => {
    const q = new EventQueue(16);
    q.push(5, 2, 7, 99);
    const id = q.pop();
    expect([q.kindOf(id), q.targetOf(id), q.payloadOf(id)]).toEqual([2, 7, 99]);
    q.release(id);
    q.push(6, 1, 8);
    const again = q.pop();
    expect(again).toBe(id);
    expect(q.payloadOf(again)).toBe(-1);
  });

  it('sorts thousands of interleaved pushes and pops (growing past its first size)', () => {
    const rng = createRng(11);
    const q = new EventQueue(16);
    let last = -Infinity;
    let now = 0;
    let popped = 0;
    for (let i = 0; i < 5000; i++) {
      q.push(now + rng.next() * 10, 0, i);
      if (rng.next() < 0.4) {
        const id = q.pop();
        now = q.timeOf(id);
        expect(now).toBeGreaterThanOrEqual(last);
        last = now;
        q.release(id);
        popped++;
      }
    }
    const rest = drain(q).map(([t]) => t);
    expect(rest.length + popped).toBe(5000);
    for (let i = 1; i < rest.length; i++) expect(rest[i]).toBeGreaterThanOrEqual(rest[i - 1]);
    expect(rest[0]).toBeGreaterThanOrEqual(last);
  });
});
