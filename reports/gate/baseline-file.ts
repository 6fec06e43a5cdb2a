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
import { show } from '../../engine/options.js';
import { GATE_DEFAULTS, type GateOptions } from './options.js';

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

/** Seed processes at once, at most (the CLI's --parallel takes the same range). */
export const PARALLEL_MAX = 256;

const META_KEYS = ['schemaVersion', 'scenario', 'seeds', 'overrides', 'parallel', 'gate', 'refreshedAt', 'command'];
// The gate's options by the type of their default, so that an option added there is checked here.
const GATE_NUMBER_KEYS = Object.keys(GATE_DEFAULTS).filter((key) => typeof GATE_DEFAULTS[key as keyof GateOptions] === 'number');
const GATE_BOOLEAN_KEYS = Object.keys(GATE_DEFAULTS).filter((key) => typeof GATE_DEFAULTS[key as keyof GateOptions] === 'boolean');

/**
 * Reads and checks baseline.json: every field of its type and range (a gate option read as the
 * wrong type would change the verdict: `"allowFactChanges": "no"` is truthy), each error naming the
 * file and the field. The gate's fractions are range-checked by gateOptions, which names them too.
 */
export function readBaselineMeta(folder: string): BaselineMeta | null {
  const file = path.join(folder, 'baseline.json');
  if (!existsSync(file)) return null;
  const json = readJsonFile(file);
  const reader = new FieldReader(file);
  reader.at(json, '', 'object');
  const record = json as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!META_KEYS.includes(key)) reader.fail(key, `is not a baseline.json field (fields: ${META_KEYS.join(', ')})`);
  }
  if (reader.at(json, 'schemaVersion', 'number') !== BASELINE_SCHEMA_VERSION) reader.fail('schemaVersion', `must be ${BASELINE_SCHEMA_VERSION}`);
  if (reader.at(json, 'scenario', 'string') === '') reader.fail('scenario', 'must not be empty');
  const seeds = reader.at(json, 'seeds', 'array') as unknown[];
  if (seeds.length === 0) reader.fail('seeds', 'must list at least one seed');
  const seen = new Set<number>();
  seeds.forEach((seed, i) => {
    reader.at(json, `seeds.${i}`, 'number');
    if (!Number.isSafeInteger(seed) || (seed as number) < 0) reader.fail(`seeds.${i}`, `must be an integer >= 0, got ${String(seed)}`);
    if (seen.has(seed as number)) reader.fail(`seeds.${i}`, `is seed ${String(seed)} again (seeds are distinct)`);
    seen.add(seed as number);
  });
  (reader.at(json, 'overrides', 'array') as unknown[]).forEach((override, i) => {
    reader.at(json, `overrides.${i}`, 'string');
    if (/^\s*seed\s*=/.test(override as string)) reader.fail(`overrides.${i}`, `is ${show(override)}: the seeds are in seeds, and a seed override would run every seed as one`);
  });
  const parallel = reader.at(json, 'parallel', 'number') as number;
  if (!Number.isSafeInteger(parallel) || parallel < 1 || parallel > PARALLEL_MAX) reader.fail('parallel', `must be an integer in [1, ${PARALLEL_MAX}], got ${parallel}`);
  const gate = reader.record(json, 'gate');
  for (const [key, value] of Object.entries(gate)) {
    if (GATE_BOOLEAN_KEYS.includes(key)) {
      if (typeof value !== 'boolean') reader.fail(`gate.${key}`, `must be true or false, got ${show(value)}`);
    } else if (GATE_NUMBER_KEYS.includes(key)) {
      if (typeof value !== 'number' || !Number.isFinite(value)) reader.fail(`gate.${key}`, `must be a number, got ${show(value)}`);
    } else {
      reader.fail(`gate.${key}`, `is not a gate option (options: ${[...GATE_NUMBER_KEYS, ...GATE_BOOLEAN_KEYS].join(', ')})`);
    }
  }
  for (const key of ['refreshedAt', 'command']) if (record[key] !== undefined) reader.at(json, key, 'string');
  return json as BaselineMeta;
}

/**
 * A baseline folder's baseline.json must describe the runs beside it: the same scenario and the
 * same seeds as summary.json (a hand-edited or half-copied folder would gate against other runs).
 */
export function checkBaselineAgrees(folder: string, meta: BaselineMeta, summaryScenario: string, summarySeeds: readonly number[]): void {
  const file = path.join(folder, 'baseline.json');
  const reader = new FieldReader(file);
  if (meta.scenario !== summaryScenario) reader.fail('scenario', `is "${meta.scenario}" but summary.json is of scenario "${summaryScenario}"`);
  const sorted = (seeds: readonly number[]) => [...seeds].sort((a, b) => a - b).join(',');
  if (sorted(meta.seeds) !== sorted(summarySeeds)) reader.fail('seeds', `are ${meta.seeds.join(',')} but summary.json lists seeds ${summarySeeds.join(',')}`);
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
