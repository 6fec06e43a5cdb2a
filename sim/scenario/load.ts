/**
 * Loading a scenario: name or file -> JSON -> `--set` overrides -> schema validation with defaults
 * -> cross-field checks -> the Scenario the runner consumes.
 *
 * - A reference containing '/' or '\' or ending in .json is a file path; anything else is the name
 *   of a shipped scenario, scenarios/<name>.json.
 * - Every problem becomes an issue naming the path, the value and what is allowed; all of them are
 *   collected and thrown together as one ScenarioError (code LOBSIM_ERR_SCENARIO).
 * - Cross-field rules (beyond the schema): exactly one of instruments or symbols; instruments pass
 *   the engine's own validation (unique symbols, maxOrderQuantity a multiple of lotSize); generated
 *   symbols fit in 16 characters; depthFraction + crossFraction <= 1; some order-type weight > 0;
 *   spikes in time order, not overlapping, inside durationMs; PM steps before durationMs; every
 *   threshold parses.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../../engine/errors.js';
import { SYMBOL_LENGTH_MAX, validateEngineOptions } from '../../engine/options.js';
import type { InstrumentConfig } from '../../engine/types.js';
import { issueFromAjv, ScenarioError, showValue, type ScenarioIssue } from './errors.js';
import { parseJson } from './json-text.js';
import { applyOverrides } from './overrides.js';
import { packageScenariosDir, SCHEMA_FILE_NAME, scenarioValidator, schemaAt } from './schema.js';
import { isThreshold, parseThreshold } from './thresholds.js';
import type { PmScenario, Scenario, Threshold } from './types.js';
import { validatePmOptions } from '../../engine/pm/options.js';
import { TargetStrategy } from '../pm/target-strategy.js';
import { RandomStreams } from '../random/streams.js';

export interface LoadOptions {
  /** `key=value` overrides, applied in order (the CLI's repeated --set). */
  overrides?: readonly string[];
  /** Where names are looked up; default the package's scenarios/ folder. */
  scenariosDir?: string;
}

/** A reference resolved to a file: `label` is how messages name it. */
export interface ResolvedScenarioFile {
  file: string;
  label: string;
}

type Json = Record<string, unknown>;

/** Issue paths that leave the instruments unchecked by the engine: the whole file, instruments, symbols, engine. */
const INSTRUMENT_PATH = /^(|instruments|symbols|engine)([.[]|$)/;

export function isScenarioPath(ref: string): boolean {
  return ref.includes('/') || ref.includes('\\') || ref.endsWith('.json');
}

/** The names of the shipped scenarios (files in scenarios/ other than the schema), sorted. */
export function scenarioNames(scenariosDir: string = packageScenariosDir()): string[] {
  return readdirSync(scenariosDir)
    .filter((file) => file.endsWith('.json') && file !== SCHEMA_FILE_NAME)
    .map((file) => file.slice(0, -'.json'.length))
    .sort();
}

export function resolveScenarioFile(ref: string, scenariosDir: string = packageScenariosDir()): ResolvedScenarioFile {
  if (isScenarioPath(ref)) return { file: path.resolve(ref), label: ref };
  const file = path.join(scenariosDir, `${ref}.json`);
  if (!/^[A-Za-z0-9._-]+$/.test(ref) || !existsSync(file)) {
    const names = scenarioNames(scenariosDir).join(', ');
    throw new ScenarioError(ref, [{ path: '', message: `no such scenario (names: ${names}; a file path needs a '/' or .json)` }]);
  }
  return { file, label: `${ref}.json` };
}

/** Loads a scenario by name or path; throws ScenarioError listing every problem. */
export function loadScenario(ref: string, options: LoadOptions = {}): Scenario {
  const { file, label } = resolveScenarioFile(ref, options.scenariosDir);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new ScenarioError(label, [{ path: '', message: `cannot read ${file} (${reason})` }]);
  }
  return parseScenario(text, label, options.overrides ?? [], file);
}

/** Parses and validates scenario text; `label` names it in messages, `source` goes into the Scenario. */
export function parseScenario(text: string, label: string, overrides: readonly string[] = [], source: string = label): Scenario {
  const parsed = parseJson(text);
  if ('error' in parsed) {
    const { line, column, message } = parsed.error;
    throw new ScenarioError(label, [{ path: '', message: `invalid JSON at line ${line}, column ${column}: ${message}` }]);
  }
  return validateScenario(parsed.value, label, overrides, source);
}

/** Validates a parsed scenario (a fresh object: overrides and defaults are applied to it in place). */
export function validateScenario(raw: unknown, label: string, overrides: readonly string[] = [], source: string = label): Scenario {
  const issues = applyOverrides(raw, overrides);
  const validate = scenarioValidator();
  if (!validate(raw)) issues.push(...(validate.errors ?? []).map((error) => issueFromAjv(error, schemaAt)));
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ScenarioError(label, issues);
  const file = raw as Json;
  issues.push(...instrumentFormIssues(file));
  // The engine's checks assume well-typed instruments; they run once the schema accepts them.
  const instrumentsTyped = !issues.some((issue) => INSTRUMENT_PATH.test(issue.path));
  const instruments = instrumentsTyped ? instrumentsOf(file, issues) : [];
  issues.push(...pricesIssues(file), ...typesIssues(file), ...spikesIssues(file), ...pmStepsIssues(file));
  const thresholds = thresholdsOf(file, issues);
  // instrumentsOf gives none when any issue came before it: checking the PM against no instruments
  // would add errors that are not there (symbol 1 is not an instrument index (0 .. -1)).
  const instrumentsResolved = instruments.length > 0;
  if (instrumentsResolved && file.pm !== undefined && !issues.some((issue) => issue.path.startsWith('pm'))) issues.push(...pmIssues(file.pm as PmScenario, instruments));
  if (issues.length > 0) throw new ScenarioError(label, issues);
  return toScenario(file, instruments, thresholds, source);
}

function toScenario(file: Json, instruments: InstrumentConfig[], thresholds: Threshold[], source: string): Scenario {
  // The schema has checked every field and filled every default, so the casts below hold.
  const scenario = file as unknown as Scenario;
  return {
    name: scenario.name,
    description: scenario.description,
    mode: scenario.mode,
    seed: scenario.seed,
    durationMs: scenario.durationMs,
    workers: scenario.workers,
    engine: scenario.engine,
    instruments,
    clients: scenario.clients,
    latency: scenario.latency,
    checks: scenario.checks,
    thresholds,
    ...(scenario.pm ? { pm: scenario.pm } : {}),
    source,
  };
}

/** The PM's own option checks and the strategy's cross-field rules, as scenario issues. */
function pmIssues(pm: PmScenario, instruments: InstrumentConfig[]): ScenarioIssue[] {
  const issues: ScenarioIssue[] = [];
  const asIssue = (path: string, run: () => unknown) => {
    try {
      run();
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      issues.push({ path, message: error.message.replace(/^pm\.strategy[.:]\s*/, '').replace(/^pm\./, '') });
    }
  };
  asIssue('pm.options', () => validatePmOptions({ ...pm.options, owner: 1, instruments }));
  asIssue('pm.strategy', () => new TargetStrategy(pm.strategy, new RandomStreams(0).stream('validate'), instruments));
  return issues;
}

function instrumentFormIssues(file: Json): ScenarioIssue[] {
  const hasList = file.instruments !== undefined;
  const hasGenerator = file.symbols !== undefined;
  if (hasList !== hasGenerator) return [];
  const message = hasList ? 'both instruments and symbols are given (give exactly one)' : 'missing (required: instruments or symbols, exactly one)';
  return [{ path: hasList ? 'symbols' : 'instruments', message }];
}

/** The instrument list, expanded from `symbols` when generated, checked as the engine checks it. */
function instrumentsOf(file: Json, issues: ScenarioIssue[]): InstrumentConfig[] {
  const generated = file.symbols !== undefined;
  const instruments = generated ? expandSymbols(file.symbols as Json, issues) : (file.instruments as InstrumentConfig[]);
  if (issues.length > 0) return [];
  try {
    const engine = file.engine as Json;
    const resolved = validateEngineOptions({ instruments, stp: engine.stp, ordersMax: engine.ordersMax, directLevelsMax: engine.directLevelsMax });
    return resolved.instruments.map((instrument) => ({ ...instrument }));
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    // The engine names instruments[i].field; generated instruments share every field but the symbol.
    const match = /^([^:]+): (.*)$/s.exec(error.message);
    const enginePath = match?.[1] ?? '';
    const message = match?.[2] ?? error.message;
    issues.push({ path: generated ? enginePath.replace(/^instruments\[\d+\]/, 'symbols') : enginePath, message });
    return [];
  }
}

function expandSymbols(symbols: Json, issues: ScenarioIssue[]): InstrumentConfig[] {
  const count = symbols.count as number;
  const prefix = symbols.prefix as string;
  const longest = prefix.length + String(count).length;
  if (longest > SYMBOL_LENGTH_MAX) {
    const message = `${showValue(prefix)} is not allowed with count ${count} (prefix + number must have at most ${SYMBOL_LENGTH_MAX} characters, got ${longest})`;
    issues.push({ path: 'symbols.prefix', message });
    return [];
  }
  const { tickSize, lotSize, maxOrderQuantity, referencePrice, bandBps } = symbols as unknown as InstrumentConfig;
  return Array.from({ length: count }, (_, i) => ({ symbol: `${prefix}${i + 1}`, tickSize, lotSize, maxOrderQuantity, referencePrice, bandBps }));
}

function objectAt(file: Json, key: string): Json | undefined {
  const value = file[key];
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
}

function pricesIssues(file: Json): ScenarioIssue[] {
  const prices = objectAt(objectAt(file, 'clients') ?? {}, 'prices');
  const depth = prices?.depthFraction;
  const cross = prices?.crossFraction;
  if (typeof depth !== 'number' || typeof cross !== 'number' || depth + cross <= 1) return [];
  return [{ path: 'clients.prices', message: `depthFraction + crossFraction = ${depth + cross} is not allowed (must be <= 1)` }];
}

function typesIssues(file: Json): ScenarioIssue[] {
  const types = objectAt(objectAt(file, 'clients') ?? {}, 'types');
  if (types === undefined) return [];
  const weights = Object.values(types);
  if (weights.some((weight) => typeof weight !== 'number' || weight > 0)) return [];
  return [{ path: 'clients.types', message: 'all weights are 0, which is not allowed (at least one must be > 0)' }];
}

function spikesIssues(file: Json): ScenarioIssue[] {
  const spikes = objectAt(file, 'clients')?.spikes;
  const durationMs = file.durationMs;
  if (!Array.isArray(spikes) || typeof durationMs !== 'number') return [];
  const issues: ScenarioIssue[] = [];
  let previousEndMs = 0;
  spikes.forEach((spike: unknown, index) => {
    const { startMs, durationMs: lengthMs } = (spike ?? {}) as Json;
    if (typeof startMs !== 'number' || typeof lengthMs !== 'number') return;
    const path = `clients.spikes[${index}]`;
    const endMs = startMs + lengthMs;
    if (startMs < previousEndMs) {
      issues.push({ path: `${path}.startMs`, message: `${startMs} is not allowed (must be >= ${previousEndMs}, the end of the spikes before it: spikes in time order, not overlapping)` });
    }
    if (endMs > durationMs) {
      issues.push({ path, message: `startMs + durationMs = ${endMs} is not allowed (must be <= durationMs ${durationMs}: the spike must end within the run)` });
    }
    previousEndMs = Math.max(previousEndMs, endMs);
  });
  return issues;
}

// A step at or after the end of the run is never applied, and the PM checks would pass over a
// target that was never set.
function pmStepsIssues(file: Json): ScenarioIssue[] {
  const strategy = objectAt(objectAt(file, 'pm') ?? {}, 'strategy');
  const durationMs = file.durationMs;
  if (strategy?.kind !== 'steps' || !Array.isArray(strategy.steps) || typeof durationMs !== 'number') return [];
  const issues: ScenarioIssue[] = [];
  strategy.steps.forEach((step: unknown, index) => {
    const atMs = typeof step === 'object' && step !== null ? (step as Json).atMs : undefined;
    if (typeof atMs === 'number' && atMs >= durationMs) {
      issues.push({ path: `pm.strategy.steps[${index}].atMs`, message: `${atMs} is not allowed (must be < durationMs ${durationMs}: the step must come within the run)` });
    }
  });
  return issues;
}

function thresholdsOf(file: Json, issues: ScenarioIssue[]): Threshold[] {
  const texts = file.thresholds;
  if (!Array.isArray(texts)) return [];
  const thresholds: Threshold[] = [];
  texts.forEach((text: unknown, index) => {
    if (typeof text !== 'string') return;
    const parsed = parseThreshold(text, `thresholds[${index}]`);
    if (isThreshold(parsed)) thresholds.push(parsed);
    else issues.push(parsed);
  });
  return thresholds;
}
