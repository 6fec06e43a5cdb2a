/**
 * bench:sim — deterministic-mode speed on the baseline scenario, every check on: simulated events
 * (commands into the engine + reports out of it) per wall second. The comparator, measured in the
 * same run on the same scenario, is the same simulation driving the TypeScript reference book
 * instead of the native core (a pure-JavaScript simulator). Both must give the same event hash.
 *
 *   npm run bench:sim                     table
 *   npm run bench:sim -- --json           one JSON object
 *   npm run bench:sim -- --duration 10000 virtual ms per run (default: the scenario's)
 */
import { runDeterministic } from '../sim/deterministic/runner.js';
import { loadScenario } from '../sim/scenario/load.js';
import { alignedTable, formatCount, formatRatio, toJsonLine } from './format.js';

function option(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

const json = process.argv.includes('--json');
const scenarioName = option('scenario') ?? 'baseline';
const overrides = option('duration') ? [`durationMs=${option('duration')}`] : [];
const referenceOverrides = [...overrides, ...(option('reference-duration') ? [`durationMs=${option('reference-duration')}`] : [])];
const reps = Number(option('reps') ?? 3);

function measure(engine: 'native' | 'reference', runs: number, scenarioOverrides: string[]) {
  const scenario = loadScenario(scenarioName, { overrides: scenarioOverrides });
  const rates: number[] = [];
  let hash = '';
  let events = 0;
  let passed = true;
  for (let rep = 0; rep < runs; rep++) {
    const started = performance.now();
    const run = runDeterministic(scenario, { engine });
    const seconds = (performance.now() - started) / 1_000;
    rates.push(run.eventHash.eventCount / seconds);
    hash = run.eventHash.digest();
    events = run.eventHash.eventCount;
    passed &&= run.checks.every((check) => check.passed);
  }
  rates.sort((a, b) => a - b);
  return { median: rates[Math.floor(rates.length / 2)]!, best: rates.at(-1)!, hash, events, passed, runs };
}

process.stderr.write(`bench:sim: ${scenarioName}, native core x${reps}\n`);
const native = measure('native', reps, overrides);
process.stderr.write('bench:sim: reference book x1\n');
const reference = measure('reference', 1, referenceOverrides);
const sameLog = referenceOverrides.length === overrides.length ? reference.hash === native.hash : null;

const figures = {
  scenario: scenarioName,
  events: native.events,
  sim_events_per_s: Math.round(native.median),
  sim_best_events_per_s: Math.round(native.best),
  sim_runs: native.runs,
  reference_sim_events_per_s: Math.round(reference.median),
  native_vs_reference_sim: native.median / reference.median,
  event_hash: native.hash,
  same_event_log: sameLog,
  checks_passed: native.passed && reference.passed,
};
if (json) {
  process.stdout.write(`${toJsonLine(figures)}\n`);
} else {
  process.stdout.write(
    `${alignedTable(
      ['simulator', 'events/s (median)', 'best', 'runs', 'events', 'event hash'],
      [
        ['deterministic, native core', formatCount(native.median), formatCount(native.best), String(native.runs), formatCount(native.events), native.hash],
        ['deterministic, reference book', formatCount(reference.median), formatCount(reference.best), '1', formatCount(reference.events), reference.hash],
      ],
    )}\nnative vs reference simulator: ${formatRatio(figures.native_vs_reference_sim)}; same event log: ${sameLog ?? 'n/a (different durations)'}; checks ${figures.checks_passed ? 'passed' : 'FAILED'}\n`,
  );
}
if (!figures.checks_passed || sameLog === false) process.exitCode = 1;
