// Number and size formatting shared by the human-readable formatters.

import { DEFAULT_WORKLOAD } from '../spec/workload-name.js';

export function tokens(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x >= 100) return x.toFixed(0).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  // Two significant digits below 0.1, so a starved cluster's figures do not all read 0.0.
  if (x > 0 && x < 0.1) return String(Number(x.toPrecision(2)));
  return x.toFixed(1);
}

/** `count` and the noun, plural unless the count is 1: "1 stage", "3 stages". */
export function plural(count: number, noun: string, pluralForm = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : pluralForm}`;
}

/** The indefinite article for a name as read aloud: "an A100-40G", "an L4", "a T4", "an H100". */
export function article(name: string): string {
  const first = name.charAt(0);
  // A first letter not followed by a lower-case one is spelt out ("an L4", "an RTX4090").
  const spelt = !/[a-z]/.test(name.charAt(1));
  if (spelt) return 'AEFHILMNORSX'.includes(first.toUpperCase()) ? 'an' : 'a';
  // A word: by its vowel ("an Instinct", "a Gaudi"; "u" reads "you").
  return 'aeioAEIO'.includes(first) ? 'an' : 'a';
}

/** Seconds as whole milliseconds, grouped as the other figures are: `1,334 ms`. */
export function millis(s: number): string {
  return `${Math.round(s * 1000).toLocaleString('en-US')} ms`;
}

export function percent(x: number, digits = 1): string {
  return `${(x * 100).toFixed(digits)}%`;
}

export function gigabytes(bytes: number): string {
  return `${(bytes / 1e9).toFixed(1)} GB`;
}

export function seconds(s: number): string {
  return s < 10 ? `${s.toFixed(2)} s` : `${s.toFixed(1)} s`;
}

/**
 * How a plan's max flow is counted when it was made for requests other than the profiles' own
 * mix (azure-conv), whose tokens the max flow counts; null for that mix itself.
 */
export function maxFlowCounting(workload: string | undefined): string | null {
  return (workload ?? DEFAULT_WORKLOAD) === DEFAULT_WORKLOAD ? null : `counted in the profiles' ${DEFAULT_WORKLOAD} requests`;
}
