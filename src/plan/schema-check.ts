// Plans read from files are checked against the published plan schema (schemas/plan.schema.json),
// the one description of the format that helix, editors and CI validators share: every field
// helix or a runtime reads has its type checked, not only the few a hand-written check named.
// Unknown keys are let through (a newer helix may add optional ones within a format version).

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { bundledSchemasDir } from '../spec/bundled.js';

export interface SchemaViolation {
  /** Dotted path, e.g. `nodes[3].capacity`. */
  readonly field: string;
  /** What the schema expects there, in words. */
  readonly expected: string;
  /** What is there (undefined: nothing). */
  readonly found: unknown;
}

let compiled: ValidateFunction | null = null;

function planValidator(): ValidateFunction {
  if (!compiled) {
    const schema = JSON.parse(readFileSync(join(bundledSchemasDir, 'plan.schema.json'), 'utf8'));
    compiled = new Ajv2020({ allErrors: true, allowUnionTypes: true, verbose: true, strict: false }).compile(schema);
  }
  return compiled;
}

/** The first way `data` breaks the plan schema, or null when it conforms. */
export function planSchemaViolation(data: unknown): SchemaViolation | null {
  const validate = planValidator();
  if (validate(data)) return null;
  const error = (validate.errors ?? []).find((e) => e.keyword !== 'additionalProperties');
  return error ? violationOf(error) : null;
}

/** `/nodes/3/capacity` -> `nodes[3].capacity`. */
function dotted(pointer: string): string {
  const parts = pointer.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  return parts.reduce((path, p) => (/^\d+$/.test(p) ? `${path}[${p}]` : path ? `${path}.${p}` : p), '');
}

function violationOf(e: ErrorObject): SchemaViolation {
  const at = dotted(e.instancePath);
  if (e.keyword === 'required') {
    const missing = (e.params as { missingProperty: string }).missingProperty;
    const property = (e.parentSchema as { properties?: Record<string, unknown> } | undefined)?.properties?.[missing];
    return { field: at ? `${at}.${missing}` : missing, expected: property ? expectedOf(property) : 'a value', found: undefined };
  }
  return { field: at || '(top level)', expected: e.parentSchema ? expectedOf(e.parentSchema) : e.message ?? 'another value', found: e.data };
}

const ARTICLE: Record<string, string> = { number: 'a number', integer: 'an integer', string: 'a string', boolean: 'true or false', object: 'an object', array: 'an array', null: 'null' };

/** A schema node in words: "an integer >= 1", "\"optimal\", \"time-limit\" or ...", "a string matching ...". */
function expectedOf(node: unknown): string {
  if (typeof node !== 'object' || node === null) return 'a value';
  const s = node as Record<string, unknown>;
  if ('const' in s) return JSON.stringify(s.const);
  if (Array.isArray(s.enum)) return s.enum.map((x) => JSON.stringify(x)).join(', ');
  const types = (Array.isArray(s.type) ? s.type : s.type === undefined ? [] : [s.type]) as string[];
  let words = types.map((t) => ARTICLE[t] ?? t).join(' or ') || 'a value';
  if (typeof s.minimum === 'number' && typeof s.maximum === 'number') words += ` from ${s.minimum} to ${s.maximum}`;
  else if (typeof s.minimum === 'number') words += ` >= ${s.minimum}`;
  else if (typeof s.maximum === 'number') words += ` <= ${s.maximum}`;
  if (typeof s.exclusiveMinimum === 'number') words += ` > ${s.exclusiveMinimum}`;
  if (typeof s.pattern === 'string') words += ` matching ${s.pattern}`;
  if (Array.isArray(s.required) && s.required.length > 0 && types.includes('object')) words += ` with ${s.required.map((k) => `"${k}"`).join(', ')}`;
  return words;
}
