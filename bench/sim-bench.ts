/**
 * bench:sim — deterministic-mode speed on the baseline scenario, every check on: simulated events
 * (commands into the engine + reports out of it) per wall second. The comparator, measured in the
 * same run on the same scenario, is the same simulation driving the TypeScript reference book
 * instead of the native core (a pure-JavaScript simulator). Both must give the same event hash.
 *
 * The native core runs `--warmup` times unmeasured (JIT compilation, the first growth of the heap
 * and of native memory), then `--reps` times; the figure is the median of those. The first run's
 * rate, which is what one `lobsim run` in a fresh process sees, is reported beside it. The
 * reference book runs once, in a child process of its own, so that it too starts cold (in this
 * process it would find the harness compiled and the heap grown by the native runs):
 * `native_vs_reference_first_run` compares the two first runs.
 *
 *   npm run bench:sim                     table
 *   npm run bench:sim -- --json           one JSON object
 *   npm run bench:sim -- --duration 10000 virtual ms per run (default: the scenario's)
 *   npm run bench:sim -- --reps 5 --warmup 1
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { runDeterministic } from '../sim/deterministic/runner.js';
import { loadScenario } from '../sim/scenario/load.js';
import { median } from 'simple-statistics';
import { alignedTable, formatCount, formatRatio, toJsonLine } from './format.js';
import { RUNS_MAX, choiceOption, integerOption, parseBenchOptions } from './options.js';

const USAGE = 'npm run bench:sim [-- --json] [--scenario NAME] [--duration MS] [--reference-duration MS] [--reps R] [--warmup W]';

const config = {
  options: {
    json: { type: 'boolean', default: false },
    scenario: { type: 'string', default: 'baseline' },
    duration: { type: 'string' },
    'reference-duration': { type: 'string' },
    reps: { type: 'string', default: '3' },
    warmup: { type: 'string', default: '1' },
    // Internal: the child that measures the reference book (see measureReferenceCold).
    engine: { type: 'string' },
  },
} as const;
const { json, scenarioName, overrides, referenceOverrides, reps, warmups, referenceChild, passOn } = parseBenchOptions('bench:sim', USAGE, config, (values) => {
  const overrides = values.duration === undefined ? [] : [`durationMs=${values.duration}`];
  const reference = values['reference-duration'];
  const referenceOverrides = [...overrides, ...(reference === undefined ? [] : [`durationMs=${reference}`])];
  // Loaded here once each, so that a bad scenario name or duration stops the bench before it runs.
  loadScenario(values.scenario, { overrides });
  if (reference !== undefined) loadScenario(values.scenario, { overrides: referenceOverrides });
  return {
    json: values.json,
    scenarioName: values.scenario,
    overrides,
    referenceOverrides,
    reps: integerOption('reps', values.reps, 1, RUNS_MAX),
    warmups: integerOption('warmup', values.warmup, 0, RUNS_MAX),
    referenceChild: values.engine !== undefined && choiceOption('engine', values.engine, ['reference'] as const) === 'reference',
    // What the reference book's child is run with.
    passOn: [
      ['--scenario', values.scenario],
      ...(values.duration === undefined ? [] : [['--duration', values.duration]]),
      ...(reference === undefined ? [] : [['--reference-duration', reference]]),
    ].flat(),
  };
});

/** `warmupRuns` unmeasured runs, then `runs` measured ones; `first` is the first run's rate, warm-up or not. */
function measure(engine: 'native' | 'reference', runs: number, warmupRuns: number, scenarioOverrides: string[]) {
  const scenario = loadScenario(scenarioName, { overrides: scenarioOverrides });
  const rates: number[] = [];
  let first = 0;
  let hash = '';
  let events = 0;
  let passed = true;
  for (let rep = 0; rep < warmupRuns + runs; rep++) {
    const started = performance.now();
    const run = runDeterministic(scenario, { engine });
    const rate = run.eventHash.eventCount / ((performance.now() - started) / 1_000);
    if (rep === 0) first = rate;
    if (rep >= warmupRuns) rates.push(rate);
    if (hash !== '' && run.eventHash.digest() !== hash) throw new Error(`${engine}: run ${rep} gave event hash ${run.eventHash.digest()}, run 0 ${hash}`);
    hash = run.eventHash.digest();
    events = run.eventHash.eventCount;
    passed &&= run.checks.every((check) => check.passed);
  }
  return { median: median(rates), best: Math.max(...rates), first, hash, events, passed, runs };
}

type Measured = ReturnType<typeof measure>;

/** The reference book's one run, in a fresh child process (this script with --engine reference). */
function measureReferenceCold(): Measured {
  const script = fileURLToPath(import.meta.url);
  const output = execFileSync(process.execPath, [...process.execArgv, script, '--engine', 'reference', ...passOn], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  return JSON.parse(output) as Measured;
}

// Internal: the child that measures the reference book prints its figures and stops.
if (referenceChild) {
  process.stdout.write(`${JSON.stringify(measure('reference', 1, 0, referenceOverrides))}\n`);
  process.exit(0);
}

process.stderr.write(`bench:sim: ${scenarioName}, native core x${reps} after ${warmups} warm-up\n`);
const native = measure('native', reps, warmups, overrides);
process.stderr.write('bench:sim: reference book x1, in a process of its own\n');
const reference = measureReferenceCold();
const sameLog = referenceOverrides.length === overrides.length ? reference.hash === native.hash : null;

const figures = {
  scenario: scenarioName,
  events: native.events,
  sim_events_per_s: Math.round(native.median),
  sim_best_events_per_s: Math.round(native.best),
  sim_first_run_events_per_s: Math.round(native.first),
  sim_runs: native.runs,
  sim_warmup_runs: warmups,
  reference_sim_events_per_s: Math.round(reference.median),
  native_vs_reference_first_run: native.first / reference.first,
  event_hash: native.hash,
  same_event_log: sameLog,
  checks_passed: native.passed && reference.passed,
};
if (json) {
  process.stdout.write(`${toJsonLine(figures)}\n`);
} else {
  process.stdout.write(
    `${alignedTable(
      ['simulator', 'events/s (median)', 'best', 'first run', 'runs', 'events', 'event hash'],
      [
        ['deterministic, native core', formatCount(native.median), formatCount(native.best), formatCount(native.first), `${native.runs} + ${warmups} warm-up`, formatCount(native.events), native.hash],
        ['deterministic, reference book', formatCount(reference.median), formatCount(reference.best), formatCount(reference.first), '1', formatCount(reference.events), reference.hash],
      ],
    )}\nnative vs reference simulator (first runs): ${formatRatio(figures.native_vs_reference_first_run)}; same event log: ${sameLog ?? 'n/a (different durations)'}; checks ${figures.checks_passed ? 'passed' : 'FAILED'}\n`,
  );
}
if (!figures.checks_passed || sameLog === false) process.exitCode = 1;
