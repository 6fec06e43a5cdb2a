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
  const seen = new Set<number>();
  (reader.at(json, 'seeds', 'array') as unknown[]).forEach((seed, index) => {
    reader.at(json, `seeds.${index}`, 'number');
    if (!Number.isSafeInteger(seed) || (seed as number) < 0) reader.fail(`seeds.${index}`, `must be an integer >= 0, got ${String(seed)}`);
    // A seed listed twice would count twice in every statistic the gate computes.
    if (seen.has(seed as number)) reader.fail(`seeds.${index}`, `is seed ${String(seed)} again (a sweep's seeds are distinct)`);
    seen.add(seed as number);
  });
  if (seen.size === 0) reader.fail('seeds', 'must list at least one seed');
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
    const result = readResult(file);
    // Found by folder name: a result moved or copied into another seed's folder, or from another
    // scenario's sweep, would be compared as the wrong run.
    if (result.seed !== seed) throw new ReportInputError(`${file}: seed is ${result.seed} but it is in the folder of seed ${seed} (${summaryFile} lists ${seed})`);
    if (result.scenario.name !== summary.scenario) throw new ReportInputError(`${file}: scenario.name is "${result.scenario.name}" but ${summaryFile} is of scenario "${summary.scenario}"`);
    if (result.mode !== summary.mode) throw new ReportInputError(`${file}: mode is "${result.mode}" but ${summaryFile} has mode "${summary.mode}"`);
    return result;
  });
  return { folder, summary, results };
}
