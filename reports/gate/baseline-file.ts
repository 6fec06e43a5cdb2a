/**
 * A baseline folder (reports/baselines/<scenario>/): a sweep folder (summary.json and
 * seed-<N>/result.json, timelines dropped to keep it small), calibration.json, and baseline.json,
 * which says how the runs were made so that `lobsim gate --run` makes the candidate the same way,
 * and may carry per-scenario gate tolerances.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { readJsonFile } from '../read-json.js';
import { FieldReader } from '../validate-fields.js';
import type { GateOptions } from './options.js';

export const BASELINE_SCHEMA_VERSION = 1;

export interface BaselineMeta {
  schemaVersion: typeof BASELINE_SCHEMA_VERSION;
  scenario: string;
  seeds: number[];
  /** Scenario overrides (`--set` form) the runs were made with, e.g. durationMs=5000. */
  overrides: string[];
  /** Seeds run at once; the candidate runs with the same, so wall-clock figures are comparable. */
  parallel: number;
  /** Per-scenario tolerances; flags override them. */
  gate: Partial<GateOptions>;
  refreshedAt: string;
  command: string;
}

export function readBaselineMeta(folder: string): BaselineMeta | null {
  const file = path.join(folder, 'baseline.json');
  if (!existsSync(file)) return null;
  const json = readJsonFile(file);
  const reader = new FieldReader(file);
  if (reader.at(json, 'schemaVersion', 'number') !== BASELINE_SCHEMA_VERSION) reader.fail('schemaVersion', `must be ${BASELINE_SCHEMA_VERSION}`);
  reader.at(json, 'scenario', 'string');
  (reader.at(json, 'seeds', 'array') as unknown[]).forEach((_, i) => reader.at(json, `seeds.${i}`, 'number'));
  (reader.at(json, 'overrides', 'array') as unknown[]).forEach((_, i) => reader.at(json, `overrides.${i}`, 'string'));
  reader.at(json, 'parallel', 'number');
  reader.at(json, 'gate', 'object');
  return json as BaselineMeta;
}

export function writeBaselineMeta(folder: string, meta: BaselineMeta): void {
  writeFileSync(path.join(folder, 'baseline.json'), `${JSON.stringify(meta, null, 2)}\n`);
}

/**
 * Makes a sweep folder fit to commit: drops each seed's timelines (reports of a baseline are
 * not its purpose; the histograms, counts and hashes the gate reads stay) and makes the summary's
 * result paths relative to the folder.
 */
export function trimSweepFolder(folder: string): void {
  for (const entry of readdirSync(folder)) {
    const file = path.join(folder, entry, 'result.json');
    if (!/^seed-\d+$/.test(entry) || !existsSync(file)) continue;
    const result = JSON.parse(readFileSync(file, 'utf8')) as { timelines: unknown };
    result.timelines = {};
    writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  }
  const summaryFile = path.join(folder, 'summary.json');
  const summary = JSON.parse(readFileSync(summaryFile, 'utf8')) as { outcomes: { seed: number; result: string }[]; failingSeeds: { seed: number; result: string }[] };
  for (const outcome of [...summary.outcomes, ...summary.failingSeeds]) outcome.result = path.join(`seed-${outcome.seed}`, 'result.json');
  writeFileSync(summaryFile, `${JSON.stringify(summary, null, 2)}\n`);
}
