/**
 * `lobsim run <name|file>`: loads a scenario (flags become --set overrides, so the scenario file,
 * the schema and the flags cannot disagree), runs it, writes result.json, prints a summary table.
 * Exit 0 when every check and threshold passed, 1 otherwise (with the command that replays the run).
 */
import path from 'node:path';
import cliProgress from 'cli-progress';
import type { Argv, CommandModule } from 'yargs';
import { LobsimError } from '../engine/errors.js';
import { runScenario } from '../sim/run.js';
import { loadScenario } from '../sim/scenario/load.js';
import { removeMadeDirectories } from '../sim/result/make-directory.js';
import type { RunResult } from '../sim/result/result.js';
import { overrideKey } from '../sim/scenario/overrides.js';
import { formatRunSummary } from './format-run.js';
import { numberFlag } from './number-flag.js';
import { prepareOutDir } from './output-path.js';

interface RunArgs {
  scenario: string;
  seed?: number;
  mode?: string;
  duration?: string;
  clients?: number;
  workers?: number;
  out?: string;
  set: string[];
  checkDeterminism: boolean;
  json: boolean;
  progress: boolean;
}

/** Runs shorter than this (wall time, estimated) get no progress bar. */
const PROGRESS_AFTER_MS = 2_000;
const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/;
const MS_PER_UNIT: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

export function parseDurationMs(text: string): number {
  const match = DURATION.exec(text.trim());
  if (!match) throw new LobsimError('LOBSIM_ERR_USAGE', `--duration: must be a number with an optional unit ms, s, m or h (e.g. 30s), got '${text}'`);
  return Math.round(Number(match[1]) * MS_PER_UNIT[match[2] ?? 'ms']!);
}

/** The flags as scenario overrides, applied after the file's own values and before --set. */
export function flagOverrides(args: Pick<RunArgs, 'seed' | 'mode' | 'duration' | 'clients' | 'workers' | 'set'>): string[] {
  const overrides: string[] = [];
  if (args.seed !== undefined) overrides.push(`seed=${args.seed}`);
  if (args.mode !== undefined) overrides.push(`mode=${JSON.stringify(args.mode)}`);
  if (args.duration !== undefined) overrides.push(`durationMs=${parseDurationMs(args.duration)}`);
  if (args.clients !== undefined) overrides.push(`clients.count=${args.clients}`);
  if (args.workers !== undefined) overrides.push(`workers=${args.workers}`);
  return [...overrides, ...args.set];
}

/**
 * Refuses a seed override where the seeds come from elsewhere (`--seeds` of sweep and baseline, the
 * baseline's seeds for gate --run): each seed's own --seed would be overridden by it and every
 * seed would run the same one. The overrides are --set's.
 */
export function refuseSeedOverride(overrides: readonly string[], seedsFrom: string): void {
  const seed = overrides.find((override) => overrideKey(override) === 'seed');
  if (seed !== undefined) {
    throw new LobsimError('LOBSIM_ERR_USAGE', `--set ${seed}: the seeds come from ${seedsFrom}, and a seed override would run every seed as one; drop it and give the seeds in ${seedsFrom}`);
  }
}

/**
 * The scenario fields the flags set, by the flag that set them, for load errors to name the flag;
 * a field a --set also names is left to the file's label (the --set came last and won).
 */
export function flagFields(args: Pick<RunArgs, 'seed' | 'mode' | 'duration' | 'clients' | 'workers' | 'set'>): Record<string, string> {
  const fields: Record<string, string> = {};
  const add = (given: unknown, field: string, flag: string) => {
    if (given !== undefined && !args.set.some((override) => overrideKey(override) === field)) fields[field] = flag;
  };
  add(args.seed, 'seed', '--seed');
  add(args.mode, 'mode', '--mode');
  add(args.duration, 'durationMs', '--duration');
  add(args.clients, 'clients.count', '--clients');
  add(args.workers, 'workers', '--workers');
  return fields;
}

/** A folder under lobsim-out/ named after what ran and when (UTC, to the second). */
export function defaultOutDir(label: string): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '');
  return path.join('lobsim-out', `${label}-${stamp}`);
}

export function runCommand(setExit: (code: number) => void): CommandModule<object, RunArgs> {
  return {
    command: 'run <scenario>',
    describe: 'Run a scenario (a name from scenarios/ or a file) and write result.json',
    builder: (yargs: Argv) =>
      yargs
        .positional('scenario', { type: 'string', demandOption: true, describe: 'scenario name or path to a .json file' })
        .option('seed', { type: 'string', coerce: numberFlag('seed'), describe: 'root seed (overrides the scenario)' })
        .option('mode', { type: 'string', choices: ['deterministic', 'stress'], describe: 'run mode' })
        .option('duration', { type: 'string', nargs: 1, describe: 'run length: 500ms, 30s, 2m, 1h (a bare number is ms)' })
        .option('clients', { type: 'string', coerce: numberFlag('clients'), describe: 'client agents' })
        .option('workers', { type: 'string', coerce: numberFlag('workers'), describe: 'stress mode: client worker threads (0 = cores minus one)' })
        .option('out', { type: 'string', describe: 'output folder (default lobsim-out/<scenario>-seed<N>-<time>)' })
        .option('set', { type: 'string', array: true, default: [], describe: 'override any scenario field: --set clients.ratePerSecond=50' })
        .option('check-determinism', { type: 'boolean', default: false, describe: 'run twice; fail on any difference in the event log' })
        .option('json', { type: 'boolean', default: false, describe: 'print the result summary as JSON instead of a table' })
        .option('progress', { type: 'boolean', default: true, describe: 'show a progress bar on long runs (--no-progress to hide)' }) as unknown as Argv<RunArgs>,
    handler: async (args) => {
      const overrides = flagOverrides(args);
      const scenario = loadScenario(args.scenario, { overrides, flagFields: flagFields(args) });
      const outDir = args.out ?? defaultOutDir(`${scenario.name}-seed${scenario.seed}`);
      const made = prepareOutDir(outDir, '--out', ['result.json']);
      let result: RunResult;
      try {
        result = await withProgress(args.progress && !args.json, (onProgress) =>
          runScenario(scenario, {
            outDir,
            checkDeterminism: args.checkDeterminism,
            onProgress,
            scenarioArgument: args.scenario,
            // The replay command names the seed and mode itself.
            overrides: overrides.filter((override) => overrideKey(override) !== 'seed' && overrideKey(override) !== 'mode'),
          }),
        );
      } catch (error) {
        // A run that fails before it writes anything leaves no empty folder of its own behind.
        removeMadeDirectories(made);
        throw error;
      }
      process.stdout.write(args.json ? `${JSON.stringify(summaryJson(result, outDir))}\n` : `${formatRunSummary(result, outDir)}\n`);
      if (!result.passed) process.stderr.write(`lobsim: run failed; replay it with:\n  ${result.replayCommand}\n`);
      setExit(result.passed ? 0 : 1);
    },
  };
}

/** A progress bar that appears only once a run has taken a while and stderr is a terminal. */
async function withProgress<T>(enabled: boolean, run: (onProgress: (fraction: number) => void) => Promise<T>): Promise<T> {
  if (!enabled || !process.stderr.isTTY) return run(() => {});
  const started = Date.now();
  const state: { bar: cliProgress.SingleBar | null } = { bar: null };
  const onProgress = (fraction: number) => {
    if (state.bar === null && Date.now() - started < PROGRESS_AFTER_MS) return;
    state.bar ??= startBar();
    state.bar.update(Math.round(fraction * 1_000));
  };
  try {
    return await run(onProgress);
  } finally {
    state.bar?.update(1_000);
    state.bar?.stop();
  }
}

function startBar(): cliProgress.SingleBar {
  const bar = new cliProgress.SingleBar({ format: 'lobsim run [{bar}] {percentage}% | ETA {eta}s', stream: process.stderr }, cliProgress.Presets.shades_classic);
  bar.start(1_000, 0);
  return bar;
}

function summaryJson(result: RunResult, outDir: string) {
  return {
    result: path.join(outDir, 'result.json'),
    scenario: result.scenario.name,
    seed: result.seed,
    mode: result.mode,
    eventHash: result.eventHash,
    events: result.events,
    passed: result.passed,
    checks: result.checks,
    thresholds: result.thresholds,
    counts: result.metrics.counts,
    eventsPerWallS: result.metrics.eventsPerWallS,
    replayCommand: result.replayCommand,
  };
}
