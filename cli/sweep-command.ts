/**
 * `lobsim sweep <name|file> --seeds A..B [--parallel K]`: a Monte Carlo sweep over seeds, each in
 * its own process; writes each seed's result.json and the sweep's summary.json. Exit 0 when every
 * seed passed, 1 when one failed (their replay commands are printed), 2 on bad input.
 */
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Argv, CommandModule } from 'yargs';
import { LobsimError } from '../engine/errors.js';
import { PARALLEL_MAX } from '../reports/gate/baseline-file.js';
import { loadScenario } from '../sim/scenario/load.js';
import { runSweep } from '../sim/sweep/sweep.js';
import { formatSweepSummary } from './format-sweep.js';
import { defaultOutDir, flagFields, flagOverrides, refuseSeedOverride } from './run-command.js';
import { numberFlag } from './number-flag.js';
import { prepareOutDir } from './output-path.js';

interface SweepArgs {
  scenario: string;
  seeds: string;
  parallel?: number;
  out?: string;
  set: string[];
  mode?: string;
  duration?: string;
  clients?: number;
  json: boolean;
}

/** Seeds per sweep, at most. */
const SEEDS_MAX = 10_000;
/** `--seeds` as distinct seeds: a range A..B or a list 1,2,5 of integers >= 0, at most SEEDS_MAX. */
export function parseSeeds(text: string): number[] {
  const malformed = () => new LobsimError('LOBSIM_ERR_USAGE', `--seeds: must be a range A..B or a list 1,2,5 of integers >= 0, got '${text}'`);
  const tooMany = (count: number) => new LobsimError('LOBSIM_ERR_USAGE', `--seeds: at most ${SEEDS_MAX} seeds, got ${count}`);
  const range = /^(\d+)\.\.(\d+)$/.exec(text.trim());
  if (range) {
    const [first, last] = [Number(range[1]), Number(range[2])];
    if (!Number.isSafeInteger(first) || !Number.isSafeInteger(last)) throw malformed();
    if (last < first) throw new LobsimError('LOBSIM_ERR_USAGE', `--seeds: the range ${first}..${last} ends below its start; write ${last}..${first}`);
    // Counted before the list is made: 0..10^11 must be an error, not a 10^11-element array.
    if (last - first + 1 > SEEDS_MAX) throw tooMany(last - first + 1);
    return Array.from({ length: last - first + 1 }, (_, index) => first + index);
  }
  const parts = text.split(',');
  if (parts.length > SEEDS_MAX) throw tooMany(parts.length);
  const seeds = parts.map((part) => (/^\s*\d+\s*$/.test(part) ? Number(part) : Number.NaN));
  if (seeds.some((seed) => !Number.isSafeInteger(seed))) throw malformed();
  // A seed twice would run twice into the same folder and count twice in every statistic.
  const seen = new Set<number>();
  const repeated = seeds.find((seed) => seen.size === seen.add(seed).size);
  if (repeated !== undefined) throw new LobsimError('LOBSIM_ERR_USAGE', `--seeds: seed ${repeated} is listed twice, got '${text}'`);
  return seeds;
}

/** `--parallel` in [1, PARALLEL_MAX]. */
export function checkParallel(parallel: number): void {
  if (!Number.isSafeInteger(parallel) || parallel < 1 || parallel > PARALLEL_MAX) {
    throw new LobsimError('LOBSIM_ERR_USAGE', `--parallel: must be an integer in [1, ${PARALLEL_MAX}], got ${parallel}`);
  }
}

/** The same CLI this process runs, for the children: compiled JS directly, TypeScript through tsx. */
function cliInvocation(): { command: string; args: string[] } {
  const entry = path.join(path.dirname(fileURLToPath(import.meta.url)), path.basename(fileURLToPath(import.meta.url)).endsWith('.ts') ? 'main.ts' : 'main.js');
  return { command: process.execPath, args: entry.endsWith('.ts') ? ['--import', 'tsx', entry] : [entry] };
}

export function sweepCommand(setExit: (code: number) => void): CommandModule<object, SweepArgs> {
  return {
    command: 'sweep <scenario>',
    describe: 'Run a scenario over many seeds in parallel processes and summarize across seeds',
    builder: (yargs: Argv) =>
      yargs
        .positional('scenario', { type: 'string', demandOption: true, describe: 'scenario name or path to a .json file' })
        .option('seeds', { type: 'string', nargs: 1, demandOption: true, describe: 'seeds: a range 1..20 or a list 1,2,5' })
        .option('parallel', { type: 'string', coerce: numberFlag('parallel'), describe: 'processes at once (default: the machine cores)' })
        .option('out', { type: 'string', describe: 'output folder (default lobsim-out/<scenario>-sweep-<time>)' })
        .option('set', { type: 'string', array: true, default: [], describe: 'override any scenario field (as for run)' })
        .option('mode', { type: 'string', choices: ['deterministic', 'stress'], describe: 'run mode (as for run)' })
        .option('duration', { type: 'string', nargs: 1, describe: 'run length per seed: 500ms, 30s, 2m' })
        .option('clients', { type: 'string', coerce: numberFlag('clients'), describe: 'client agents (as for run)' })
        .option('json', { type: 'boolean', default: false, describe: 'print summary.json instead of a table' }) as unknown as Argv<SweepArgs>,
    handler: async (args) => {
      const seeds = parseSeeds(args.seeds);
      const overrides = flagOverrides(args);
      refuseSeedOverride(args.set, '--seeds');
      // Validate once up front: a bad scenario is one clear error, not one per seed.
      const scenario = loadScenario(args.scenario, { overrides, flagFields: flagFields(args) });
      const parallel = args.parallel ?? Math.min(availableParallelism(), PARALLEL_MAX);
      checkParallel(parallel);
      const outDir = args.out ?? defaultOutDir(`${scenario.name}-sweep`);
      prepareOutDir(outDir, '--out', ['summary.json', ...seeds.map((seed) => path.join(`seed-${seed}`, 'result.json'))]);
      const cli = cliInvocation();
      const { summary, broken } = await runSweep({
        seeds,
        parallel,
        outDir,
        commandFor: (seed, seedOut) => ({
          command: cli.command,
          args: [...cli.args, 'run', args.scenario, ...overrides.flatMap((o) => ['--set', o]), '--seed', String(seed), '--out', seedOut, '--json', '--no-progress'],
        }),
        onSeedDone: (seed, passed, done, total) => {
          if (!args.json) process.stderr.write(`seed ${seed}: ${passed === null ? 'BROKEN' : passed ? 'pass' : 'FAIL'} (${done}/${total})\n`);
        },
      });
      process.stdout.write(args.json ? `${JSON.stringify(summary)}\n` : `${formatSweepSummary(summary, outDir)}\n`);
      for (const run of broken) process.stderr.write(`lobsim: seed ${run.seed} did not finish (exit ${run.exitCode}): ${run.stderr}\n`);
      if (broken.length > 0) {
        setExit(2);
        return;
      }
      for (const failing of summary.failingSeeds) process.stderr.write(`lobsim: seed ${failing.seed} failed (${failing.failed.join(', ')}); replay: ${failing.replayCommand}\n`);
      setExit(summary.passed ? 0 : 1);
    },
  };
}
