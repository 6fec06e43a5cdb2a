/**
 * Small structural checks for JSON read from disk: each failure names the file and the dotted
 * field path, so `result.json: metrics.counts.trades must be a number, got string` says exactly
 * what is wrong.
 */
import { ReportInputError } from './errors.js';

export type Kind = 'number' | 'string' | 'boolean' | 'object' | 'array';

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

export class FieldReader {
  constructor(readonly file: string) {}

  fail(field: string, message: string): never {
    throw new ReportInputError(`${this.file}: ${field === '' ? 'the document' : field} ${message}`);
  }

  /** The value at a dotted path, asserted to be of the given kind (null allowed when nullable). */
  at(root: unknown, field: string, kind: Kind, nullable = false): unknown {
    let value: unknown = root;
    for (const part of field === '' ? [] : field.split('.')) {
      value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[part] : undefined;
    }
    if (value === undefined) this.fail(field, `is missing (expected ${kind})`);
    if (value === null && nullable) return null;
    if (kindOf(value) !== kind) this.fail(field, `must be ${kind === 'array' || kind === 'object' ? `an ${kind}` : `a ${kind}`}, got ${kindOf(value)}`);
    if (kind === 'number' && !Number.isFinite(value as number)) this.fail(field, `must be a finite number, got ${String(value)}`);
    return value;
  }

  record(root: unknown, field: string): Record<string, unknown> {
    return this.at(root, field, 'object') as Record<string, unknown>;
  }
}
