// Every failure a user can cause is a HelixError with a stable code; the CLI renders it as one line
// (file, field, what was expected) and maps the code's kind to an exit code. No stack traces reach users.

import { shownFile } from './stdin.js';

export type ErrorKind = 'input' | 'usage' | 'infeasible' | 'invalid-plan';

export interface ErrorDetails {
  /** File the problem is in, when there is one. */
  readonly file?: string;
  /** Dotted path of the offending field, e.g. `nodes[3].gpu`. */
  readonly field?: string;
  /** What was expected there, in words. */
  readonly expected?: string;
  /** What was found instead. */
  readonly found?: string;
}

export class HelixError extends Error {
  constructor(
    readonly code: string,
    readonly kind: ErrorKind,
    message: string,
    readonly details: ErrorDetails = {},
  ) {
    super(message);
    this.name = 'HelixError';
  }
}

export function inputError(code: string, message: string, details: ErrorDetails = {}): HelixError {
  return new HelixError(code, 'input', message, details);
}

export function usageError(code: string, message: string, details: ErrorDetails = {}): HelixError {
  return new HelixError(code, 'usage', message, details);
}

/** Exit code contract: 0 ok; 1 invalid plan / infeasible / no flow; 2 bad input or usage. */
export function exitCodeFor(error: HelixError): number {
  return error.kind === 'infeasible' || error.kind === 'invalid-plan' ? 1 : 2;
}

/** One line for stderr: `file: field: message (expected X, found Y)`. */
export function renderError(error: HelixError): string {
  const d = error.details;
  const where = [d.file === undefined ? undefined : shownFile(d.file), d.field].filter(Boolean).join(': ');
  const tail = [d.expected ? `expected ${d.expected}` : '', d.found !== undefined ? `found ${d.found}` : '']
    .filter(Boolean)
    .join(', ');
  return `${where ? `${where}: ` : ''}${error.message}${tail ? ` (${tail})` : ''}`;
}
