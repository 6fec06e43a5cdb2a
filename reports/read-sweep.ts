/**
 * Loads a sweep folder: summary.json plus each seed's seed-<N>/result.json. Seed results are found
 * beside the summary (not at the absolute paths it recorded), so a folder can be moved or
 * committed, as the baselines under reports/baselines/ are.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ReportInputError } from './errors.js';
import { readJsonFile } from './read-json.js';
import { checkSchemaVersion, readResult, validateHistograms } from './read-result.js';
import { SUMMARY_SCHEMA_VERSION, type RunResult, type SweepSummary } from './result-shape.js';
import { FieldReader } from './validate-fields.js';

export function validateSummary(json: unknown, file: string): SweepSummary {
  const reader = new FieldReader(file);
  reader.at(json, '', 'object');
  checkSchemaVersion(reader, json, SUMMARY_SCHEMA_VERSION);
  reader.at(json, 'scenario', 'string');
  reader.at(json, 'mode', 'string');
  reader.at(json, 'passed', 'boolean');
  (reader.at(json, 'seeds', 'array') as unknown[]).forEach((_, index) => reader.at(json, `seeds.${index}`, 'number'));
  reader.at(json, 'metrics', 'object');
  reader.at(json, 'mergedLatency', 'object');
  validateHistograms(reader, json, 'histograms');
  for (const field of ['outcomes', 'failingSeeds']) {
    (reader.at(json, field, 'array') as unknown[]).forEach((_, index) => {
      reader.at(json, `${field}.${index}.seed`, 'number');
      reader.at(json, `${field}.${index}.eventHash`, 'string');
      reader.at(json, `${field}.${index}.replayCommand`, 'string');
    });
  }
  return json as SweepSummary;
}

export interface SweepFolder {
  folder: string;
  summary: SweepSummary;
  /** Each seed's result, in the summary's seed order. */
  results: RunResult[];
}

export function seedResultFile(folder: string, seed: number): string {
  return path.join(folder, `seed-${seed}`, 'result.json');
}

export function readSweep(folder: string): SweepFolder {
  const summaryFile = path.join(folder, 'summary.json');
  if (!existsSync(summaryFile)) throw new ReportInputError(`${folder}: not a sweep folder (no summary.json)`);
  const summary = validateSummary(readJsonFile(summaryFile), summaryFile);
  const results = summary.seeds.map((seed) => {
    const file = seedResultFile(folder, seed);
    if (!existsSync(file)) throw new ReportInputError(`${summaryFile}: seeds lists ${seed} but ${file} is missing`);
    return readResult(file);
  });
  return { folder, summary, results };
}
