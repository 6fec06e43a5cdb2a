/**
 * `lobsim baseline <scenario> --seeds 1..4 --out reports/baselines/<scenario>`: (re)makes a gate
 * baseline: the calibration workload, the sweep, trimmed for committing, and baseline.json saying
 * how it was made. `npm run baseline:refresh` runs it for the smoke scenario.
 */
import { existsSync, rmSync } from 'node:fs';
import type { Argv, CommandModule } from 'yargs';
import { LobsimError } from '../engine/errors.js';
import { BASELINE_SCHEMA_VERSION, readBaselineMeta, trimSweepFolder, writeBaselineMeta } from '../reports/gate/baseline-file.js';
import { readRunSet } from '../reports/run-set.js';
import { runCandidate } from './candidate-runner.js';
import { flagOverrides } from './run-command.js';
import { parseSeeds } from './sweep-command.js';
import { numberFlag } from './number-flag.js';

interface BaselineArgs {
  scenario: string;
  seeds: string;
  out: string;
  duration?: string;
  set: string[];
  parallel: number;
}

export function baselineCommand(setExit: (code: number) => void): CommandModule<object, BaselineArgs> {
  return {
    command: 'baseline <scenario>',
    describe: 'Make or refresh a gate baseline folder (sweep + calibration figure + baseline.json)',
    builder: (yargs: Argv) =>
      yargs
        .positional('scenario', { type: 'string', demandOption: true, describe: 'scenario name or path' })
        .option('seeds', { type: 'string', default: '1..4', describe: 'seeds: a range 1..4 or a list 1,2,5' })
        .option('out', { type: 'string', demandOption: true, describe: 'baseline folder, e.g. reports/baselines/smoke' })
        .option('duration', { type: 'string', nargs: 1, describe: 'run length per seed (stored, so gate --run uses it too)' })
        .option('set', { type: 'string', array: true, default: [], describe: 'scenario overrides (stored)' })
        .option('parallel', { type: 'string', coerce: numberFlag('parallel'), default: 1, describe: 'seeds at once (1 keeps wall-clock figures clean)' }) as unknown as Argv<BaselineArgs>,
    handler: async (args) => {
      const seeds = parseSeeds(args.seeds);
      if (!Number.isSafeInteger(args.parallel) || args.parallel < 1) throw new LobsimError('LOBSIM_ERR_USAGE', `--parallel: must be an integer >= 1, got ${args.parallel}`);
      const previous = existsSync(args.out) ? readBaselineMeta(args.out) : null;
      const overrides = flagOverrides({ duration: args.duration, set: args.set });
      if (existsSync(args.out)) rmSync(args.out, { recursive: true });
      await runCandidate({ scenario: args.scenario, seeds, overrides, parallel: args.parallel, outDir: args.out });
      trimSweepFolder(args.out);
      const set = readRunSet(args.out);
      writeBaselineMeta(args.out, {
        schemaVersion: BASELINE_SCHEMA_VERSION,
        scenario: set.scenario,
        seeds,
        overrides,
        parallel: args.parallel,
        gate: previous?.gate ?? {},
        refreshedAt: new Date().toISOString(),
        command: `lobsim baseline ${args.scenario} --seeds ${args.seeds} --out ${args.out}${args.duration ? ` --duration ${args.duration}` : ''}${args.set.map((s) => ` --set ${s}`).join('')}`,
      });
      const failing = set.results.filter((r) => !r.passed).map((r) => r.seed);
      process.stdout.write(`baseline ${set.scenario} over seeds ${seeds.join(',')} written to ${args.out} (calibration ${set.calibration?.nsPerRound} ns/round)${failing.length ? `; seeds ${failing.join(',')} FAILED their checks` : ''}\n`);
      setExit(failing.length > 0 ? 1 : 0);
    },
  };
}
