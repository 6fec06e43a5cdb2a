/**
 * Loads a run's result.json and validates what reports/ reads from it: the schema version first
 * (a newer file is refused with the version it has), then every field, by name.
 */
import { readJsonFile } from './read-json.js';
import { RESULT_SCHEMA_VERSION, type RunResult } from './result-shape.js';
import { FieldReader } from './validate-fields.js';

const LATENCY_KEYS = ['count', 'min_us', 'mean_us', 'p50_us', 'p90_us', 'p99_us', 'p999_us', 'p9999_us', 'max_us'] as const;

export function checkSchemaVersion(reader: FieldReader, json: unknown, expected: number): void {
  const version = reader.at(json, 'schemaVersion', 'number');
  if (version !== expected) reader.fail('schemaVersion', `is ${String(version)}; this lobsim reads version ${expected} (re-run with a matching lobsim)`);
}

function validateLatency(reader: FieldReader, json: unknown, field: string): void {
  for (const [operation] of Object.entries(reader.record(json, field))) {
    for (const series of ['corrected', 'raw']) {
      for (const key of LATENCY_KEYS) reader.at(json, `${field}.${operation}.${series}.${key}`, 'number', key !== 'count');
    }
  }
}

export function validateHistograms(reader: FieldReader, json: unknown, field: string): void {
  const unit = reader.at(json, `${field}.unit`, 'string');
  if (unit !== 'ns') reader.fail(`${field}.unit`, `must be 'ns', got '${String(unit)}'`);
  reader.at(json, `${field}.significantDigits`, 'number');
  for (const operation of Object.keys(reader.record(json, `${field}.operations`))) {
    for (const series of ['corrected', 'raw']) reader.at(json, `${field}.operations.${operation}.${series}.hdr`, 'string');
  }
}

function validateTimelines(reader: FieldReader, json: unknown): void {
  for (const name of Object.keys(reader.record(json, 'timelines'))) {
    const points = reader.at(json, `timelines.${name}.points`, 'array') as unknown[];
    points.forEach((_, index) => reader.at(json, `timelines.${name}.points.${index}.tMs`, 'number'));
    reader.at(json, `timelines.${name}.intervalMs`, 'number');
  }
}

function validatePm(reader: FieldReader, json: unknown): void {
  reader.at(json, 'pm.metrics', 'object');
  for (const symbol of Object.keys(reader.record(json, 'pm.positions'))) {
    (reader.at(json, `pm.positions.${symbol}`, 'array') as unknown[]).forEach((_, index) => {
      reader.at(json, `pm.positions.${symbol}.${index}.tMs`, 'number');
      reader.at(json, `pm.positions.${symbol}.${index}.position`, 'number');
      reader.at(json, `pm.positions.${symbol}.${index}.target`, 'number', true);
    });
  }
}

function validateBook(reader: FieldReader, json: unknown): void {
  (reader.at(json, 'book', 'array') as unknown[]).forEach((_, index) => {
    reader.at(json, `book.${index}`, 'object');
    reader.at(json, `book.${index}.symbol`, 'string');
    for (const side of ['bids', 'asks']) {
      (reader.at(json, `book.${index}.${side}`, 'array') as unknown[]).forEach((__, level) => {
        reader.at(json, `book.${index}.${side}.${level}.price`, 'number');
        reader.at(json, `book.${index}.${side}.${level}.quantity`, 'number');
      });
    }
  });
}

export function validateResult(json: unknown, file: string): RunResult {
  const reader = new FieldReader(file);
  reader.at(json, '', 'object');
  checkSchemaVersion(reader, json, RESULT_SCHEMA_VERSION);
  reader.at(json, 'scenario.name', 'string');
  reader.at(json, 'seed', 'number');
  reader.at(json, 'mode', 'string');
  for (const key of ['package', 'commit', 'node']) reader.at(json, `version.${key}`, 'string');
  reader.at(json, 'eventHash', 'string');
  reader.at(json, 'events', 'number');
  reader.at(json, 'passed', 'boolean');
  reader.at(json, 'replayCommand', 'string');
  (reader.at(json, 'checks', 'array') as unknown[]).forEach((_, index) => {
    reader.at(json, `checks.${index}.name`, 'string');
    reader.at(json, `checks.${index}.passed`, 'boolean');
  });
  (reader.at(json, 'thresholds', 'array') as unknown[]).forEach((_, index) => {
    reader.at(json, `thresholds.${index}.text`, 'string');
    reader.at(json, `thresholds.${index}.passed`, 'boolean');
  });
  for (const [key] of Object.entries(reader.record(json, 'metrics.counts'))) reader.at(json, `metrics.counts.${key}`, 'number');
  reader.at(json, 'metrics.throughputOrdersPerS', 'number');
  reader.at(json, 'metrics.eventsPerWallS', 'number');
  reader.at(json, 'metrics.wallMs', 'number');
  reader.at(json, 'metrics.processingCost', 'object', true);
  validateLatency(reader, json, 'metrics.latency');
  validateHistograms(reader, json, 'histograms');
  validateTimelines(reader, json);
  if ((json as { pm?: unknown }).pm !== undefined) validatePm(reader, json);
  if ((json as { book?: unknown }).book !== undefined) validateBook(reader, json);
  return json as RunResult;
}

export function readResult(file: string): RunResult {
  return validateResult(readJsonFile(file), file);
}
