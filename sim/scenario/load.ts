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
import { closeSync, existsSync, lstatSync, openSync, readFileSync, readSync, readdirSync, statSync } from 'node:fs';
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
  /**
   * Fields whose value came from a command-line flag (`{seed: '--seed'}`): an issue there names the
   * flag instead of the file, which did not give the value.
   */
  flagFields?: Readonly<Record<string, string>>;
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
  const schemaFile = path.join(scenariosDir, SCHEMA_FILE_NAME);
  const notTheSchema = (file: string) => {
    if (path.resolve(file) !== path.resolve(schemaFile)) return;
    const names = scenarioNames(scenariosDir).join(', ');
    throw new ScenarioError(ref, [{ path: '', message: `this is the scenario schema (scenarios/${SCHEMA_FILE_NAME}), which describes scenario files; it is not a scenario (names: ${names})` }]);
  };
  if (isScenarioPath(ref)) {
    notTheSchema(ref);
    return { file: path.resolve(ref), label: ref };
  }
  const file = path.join(scenariosDir, `${ref}.json`);
  notTheSchema(file);
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
    // A device or a pipe (/dev/zero, a FIFO) would be read without end.
    const stats = statSync(file);
    if (!stats.isFile()) {
      throw new ScenarioError(label, [{ path: '', message: `not a regular file (${stats.isDirectory() ? 'a folder' : 'a device, pipe or socket'}); name a scenario file` }]);
    }
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if (error instanceof ScenarioError) throw error;
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new ScenarioError(label, [{ path: '', message: `cannot read ${file} (${reason})` }]);
  }
  try {
    return parseScenario(text, label, options.overrides ?? [], file);
  } catch (error) {
    if (!(error instanceof ScenarioError) || options.flagFields === undefined) throw error;
    const flags = options.flagFields;
    // The flags behind an issue: its own field's, else those of the fields it depends on, which
    // combine with the file's values (`smoke.json with --duration: ...`).
    const flagsOf = (issue: ScenarioIssue): string[] => [issue.path, ...(issue.fields ?? [])].filter((field) => Object.hasOwn(flags, field)).map((field) => flags[field] as string);
    throw new ScenarioError(
      error.source,
      error.issues.map((issue) => {
        const given = flagsOf(issue);
        if (given.length === 0) return issue;
        // The issue's own field first: a flag that gave it is the whole source.
        return { ...issue, source: Object.hasOwn(flags, issue.path) ? given[0] : `${error.source} with ${given.join(' and ')}` };
      }),
    );
  }
}

/** Parses and validates scenario text; `label` names it in messages, `source` goes into the Scenario. */
export function parseScenario(text: string, label: string, overrides: readonly string[] = [], source: string = label): Scenario {
  const parsed = parseJson(text);
  if ('error' in parsed) {
    const { line, column, message, refused } = parsed.error;
    throw new ScenarioError(label, [{ path: '', message: `${refused === true ? 'not accepted' : 'invalid JSON'} at line ${line}, column ${column}: ${message}` }]);
  }
  return validateScenario(parsed.value, label, overrides, source);
}

/** Validates a parsed scenario (a fresh object: overrides and defaults are applied to it in place). */
export function validateScenario(raw: unknown, label: string, overrides: readonly string[] = [], source: string = label): Scenario {
  const issues = applyOverrides(raw, overrides);
  const validate = scenarioValidator();
  // In loops, not push(...spread): 400,000 bad items would overflow the stack as arguments.
  if (!validate(raw)) for (const error of validate.errors ?? []) issues.push(issueFromAjv(error, schemaAt));
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ScenarioError(label, issues);
  const file = raw as Json;
  pushAll(issues, instrumentFormIssues(file));
  // The engine's checks assume well-typed instruments; they run once the schema accepts them.
  const instrumentsTyped = !issues.some((issue) => INSTRUMENT_PATH.test(issue.path));
  const instruments = instrumentsTyped ? instrumentsOf(file, issues) : [];
  for (const found of [pricesIssues(file), typesIssues(file), spikesIssues(file), pmStepsIssues(file), ordersIssues(file)]) pushAll(issues, found);
  const thresholds = thresholdsOf(file, issues);
  // instrumentsOf gives none when any issue came before it: checking the PM against no instruments
  // would add errors that are not there (symbol 1 is not an instrument index (0 .. -1)).
  const instrumentsResolved = instruments.length > 0;
  if (instrumentsResolved && file.pm !== undefined && !issues.some((issue) => issue.path.startsWith('pm'))) pushAll(issues, pmIssues(file.pm as PmScenario, instruments));
  pushAll(issues, journalPathIssues(file, source));
  if (issues.length > 0) throw new ScenarioError(label, issues);
  return toScenario(file, instruments, thresholds, source);
}

function pushAll(issues: ScenarioIssue[], more: readonly ScenarioIssue[]): void {
  for (const issue of more) issues.push(issue);
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

/** Bytes of an existing journalPath file read to see whether it is a PM journal (its header line). */
const JOURNAL_HEAD_BYTES = 4_096;

/**
 * `pm.options.journalPath`, checked before the run: the PM appends to it, so it must not be the
 * scenario file itself nor an existing file that is not a PM journal, and a path through a file is
 * refused here, naming the field. A folder that does not exist yet is accepted: it may be the run's
 * own --out, which the command makes after loading the scenario (the journal's open then names the
 * field if it is still missing).
 */
function journalPathIssues(file: Json, source: string): ScenarioIssue[] {
  const journalPath = objectAt(objectAt(file, 'pm') ?? {}, 'options')?.journalPath;
  if (typeof journalPath !== 'string' || journalPath === '') return [];
  const issue = (message: string): ScenarioIssue[] => [{ path: 'pm.options.journalPath', message: `${showValue(journalPath)} is not allowed (${message})` }];
  const resolved = path.resolve(journalPath);
  if (resolved === path.resolve(source)) return issue('it is this scenario file: the PM appends its journal there; name a file of its own');
  const folder = path.dirname(resolved);
  let folderStats;
  try {
    folderStats = statSync(folder);
  } catch (error) {
    // Missing: accepted (see above). Through a file: ENOTDIR, refused.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    return issue(`its folder ${path.dirname(journalPath)} cannot be used: ${(error as Error).message}`);
  }
  if (!folderStats.isDirectory()) return issue(`${path.dirname(journalPath)} is not a folder`);
  let stats;
  try {
    stats = lstatSync(resolved);
  } catch {
    return [];  // A new journal.
  }
  if (stats.isSymbolicLink()) return issue('it is a symbolic link; name the journal file itself');
  if (!stats.isFile()) return issue(`it exists and is ${stats.isDirectory() ? 'a folder' : 'not a regular file'}`);
  if (stats.size > 0 && !looksLikeJournal(resolved)) return issue('it is an existing file that is not a PM journal (its first line is not a journal header); the PM would append to it');
  return [];
}

/** Whether a file starts with a PM journal's header line (a JSON record with k "hdr"). */
function looksLikeJournal(file: string): boolean {
  let descriptor: number | undefined;
  try {
    descriptor = openSync(file, 'r');
    const buffer = Buffer.alloc(JOURNAL_HEAD_BYTES);
    const read = readSync(descriptor, buffer, 0, JOURNAL_HEAD_BYTES, 0);
    const firstLine = buffer.subarray(0, read).toString('utf8').split('\n', 1)[0] ?? '';
    const record = JSON.parse(firstLine) as unknown;
    return typeof record === 'object' && record !== null && (record as Json).k === 'hdr';
  } catch {
    return false;
  } finally {
    if (descriptor !== undefined) closeSync(descriptor);
  }
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

/**
 * Client orders a run may be expected to send, at most: each order keeps a few bytes per client for
 * the whole run (its planned send time, flags, symbol), so far beyond this a run grows its memory
 * until the machine runs out instead of failing. The smoke scenario sends about 5,000, baseline
 * about 600,000.
 */
export const ORDERS_EXPECTED_MAX = 50_000_000;

/** Refuses a run whose expected orders (count x rate x duration, spikes included) exceed ORDERS_EXPECTED_MAX. */
function ordersIssues(file: Json): ScenarioIssue[] {
  const clients = objectAt(file, 'clients');
  const count = clients?.count;
  const rate = clients?.ratePerSecond;
  const durationMs = file.durationMs;
  if (typeof count !== 'number' || typeof rate !== 'number' || typeof durationMs !== 'number') return [];
  let perClient = (rate * durationMs) / 1_000;
  for (const spike of Array.isArray(clients?.spikes) ? clients.spikes : []) {
    const { ratePerSecond, durationMs: lengthMs } = (spike ?? {}) as Json;
    if (typeof ratePerSecond === 'number' && typeof lengthMs === 'number') perClient += ((ratePerSecond - rate) * lengthMs) / 1_000;
  }
  const expected = count * perClient;
  if (!(expected > ORDERS_EXPECTED_MAX)) return [];
  const shown = expected < 1e15 ? Math.round(expected).toLocaleString('en-US') : expected.toExponential(2);
  return [{
    path: 'clients.ratePerSecond',
    fields: ['clients.count', 'durationMs'],
    message: `${rate} with clients.count ${count} over durationMs ${durationMs} is about ${shown} orders (spikes included), which is not allowed (at most ${ORDERS_EXPECTED_MAX.toLocaleString('en-US')} per run: lower the rate, the clients or the duration)`,
  }];
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
