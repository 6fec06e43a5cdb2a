/**
 * Option validation shared by the order-flow generators. Every failure is a ConfigError whose
 * message names the field and the allowed range; unknown keys are rejected so that a misspelt
 * option never silently falls back to its default.
 */
import { ConfigError } from '../../engine/errors.js';

export type OptionRecord = Record<string, unknown>;

const show = (value: unknown): string => (typeof value === 'string' ? JSON.stringify(value) : String(value));

/** The options as a plain object; `undefined` counts as `{}`. */
export function optionRecord(value: unknown, path: string): OptionRecord {
  if (value === undefined) return {};
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigError(`${path}: must be an object, got ${show(value)}`);
  }
  return value as OptionRecord;
}

export function rejectUnknownKeys(record: OptionRecord, allowed: readonly string[], prefix: string): void {
  for (const key of Object.keys(record)) {
    if (!allowed.includes(key)) {
      throw new ConfigError(`${prefix}${key}: unknown option (allowed: ${allowed.join(', ')})`);
    }
  }
}

/** A finite number in [min, max] (or (min, max] when minExclusive), falling back to a default. */
export function numberIn(
  value: unknown,
  fallback: number | undefined,
  range: { min: number; max: number; minExclusive?: boolean },
  field: string,
): number {
  const actual = value === undefined ? fallback : value;
  const low = range.minExclusive === true ? '(' : '[';
  const ok =
    typeof actual === 'number' &&
    Number.isFinite(actual) &&
    (range.minExclusive === true ? actual > range.min : actual >= range.min) &&
    actual <= range.max;
  if (!ok) {
    throw new ConfigError(`${field}: must be a number in ${low}${range.min}, ${range.max}], got ${show(actual)}`);
  }
  return actual as number;
}

/** An integer in [min, max], falling back to a default. */
export function integerIn(value: unknown, fallback: number | undefined, min: number, max: number, field: string): number {
  const actual = value === undefined ? fallback : value;
  if (typeof actual !== 'number' || !Number.isSafeInteger(actual) || actual < min || actual > max) {
    throw new ConfigError(`${field}: must be an integer in [${min}, ${max}], got ${show(actual)}`);
  }
  return actual;
}
