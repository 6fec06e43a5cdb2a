/**
 * `lobsim baseline <scenario> --seeds 1..4 --out reports/baselines/<scenario>`: (re)makes a gate
 * baseline: the calibration workload, the sweep, trimmed for committing, and baseline.json saying
 * how it was made. `npm run baseline:refresh` runs it for the smoke scenario.
 */
import { existsSync, lstatSync, readdirSync, realpathSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { LobsimError } from '../engine/errors.js';
import { BASELINE_SCHEMA_VERSION, readBaselineMeta, trimSweepFolder, writeBaselineMeta } from '../reports/gate/baseline-file.js';
import { readRunSet, type RunSet } from '../reports/run-set.js';
import { loadScenario } from '../sim/scenario/load.js';
import { runCandidate } from './candidate-runner.js';
import { flagFields, flagOverrides, refuseSeedOverride } from './run-command.js';
import { checkParallel, parseSeeds } from './sweep-command.js';
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
        .option('seeds', { type: 'string', nargs: 1, default: '1..4', describe: 'seeds: a range 1..4 or a list 1,2,5' })
        .option('out', { type: 'string', demandOption: true, describe: 'baseline folder, e.g. reports/baselines/smoke' })
        .option('duration', { type: 'string', nargs: 1, describe: 'run length per seed (stored, so gate --run uses it too)' })
        .option('set', { type: 'string', array: true, default: [], describe: 'scenario overrides (stored)' })
        .option('parallel', { type: 'string', coerce: numberFlag('parallel'), default: 1, describe: 'seeds at once (1 keeps wall-clock figures clean)' }) as unknown as Argv<BaselineArgs>,
    handler: async (args) => {
      const seeds = parseSeeds(args.seeds);
      checkParallel(args.parallel);
      const overrides = flagOverrides({ duration: args.duration, set: args.set });
      refuseSeedOverride(args.set, '--seeds');
      // Everything the sweep would refuse is refused here, before the old baseline is touched.
      loadScenario(args.scenario, { overrides, flagFields: flagFields({ duration: args.duration, set: args.set }) });
      if (args.out.trim() === '') throw new LobsimError('LOBSIM_ERR_USAGE', '--out: is empty; name the baseline folder, e.g. reports/baselines/smoke');
      const out = path.resolve(args.out);
      checkReplaceable(out);
      const previous = existsSync(out) ? readBaselineMeta(out) : null;
      // Made beside the old one and swapped in whole: a failed or interrupted refresh leaves the
      // committed baseline as it was. The name is fixed, so the next refresh clears what an
      // interrupted one left.
      const staging = besideFolder(out, 'partial');
      rmSync(staging, { recursive: true, force: true });
      let set: RunSet;
      try {
        await runCandidate({ scenario: args.scenario, seeds, overrides, parallel: args.parallel, outDir: staging });
        trimSweepFolder(staging);
        set = readRunSet(staging);
        writeBaselineMeta(staging, {
          schemaVersion: BASELINE_SCHEMA_VERSION,
          scenario: set.scenario,
          seeds,
          overrides,
          parallel: args.parallel,
          gate: previous?.gate ?? {},
          refreshedAt: new Date().toISOString(),
          command: `lobsim baseline ${args.scenario} --seeds ${args.seeds} --out ${args.out}${args.duration ? ` --duration ${args.duration}` : ''}${args.set.map((s) => ` --set ${s}`).join('')}`,
        });
        replaceFolder(staging, out);
      } finally {
        rmSync(staging, { recursive: true, force: true });
      }
      const failing = set.results.filter((r) => !r.passed).map((r) => r.seed);
      process.stdout.write(`baseline ${set.scenario} over seeds ${seeds.join(',')} written to ${args.out} (calibration ${set.calibration?.nsPerRound} ns/round)${failing.length ? `; seeds ${failing.join(',')} FAILED their checks` : ''}\n`);
      setExit(failing.length > 0 ? 1 : 0);
    },
  };
}

/** A hidden sibling of `folder` for one step of replacing it: `.<name>.baseline-<step>`. */
function besideFolder(folder: string, step: 'partial' | 'old'): string {
  return path.join(path.dirname(folder), `.${path.basename(folder)}.baseline-${step}`);
}

/** Moves `staging` to `out`, keeping the old `out` aside until then and putting it back if that fails. */
function replaceFolder(staging: string, out: string): void {
  const old = besideFolder(out, 'old');
  rmSync(old, { recursive: true, force: true });
  const hadOld = existsSync(out);
  if (hadOld) renameSync(out, old);
  try {
    renameSync(staging, out);
  } catch (error) {
    if (hadOld) renameSync(old, out);
    throw error;
  }
  rmSync(old, { recursive: true, force: true });
}

/**
 * A baseline replaces its --out folder whole, so --out must be new, empty, or a folder this tool
 * made (a baseline or a sweep): `--out .` or a typo naming some other folder must not be emptied.
 * A symbolic link is refused too: replacing it would leave the folder it names out of date.
 */
export function checkReplaceable(out: string, cwd = process.cwd()): void {
  const folder = path.resolve(cwd, out);
  if (!existsSync(folder)) return;
  if (lstatSync(folder).isSymbolicLink()) throw new LobsimError('LOBSIM_ERR_USAGE', `--out: ${out} is a symbolic link; name the folder itself`);
  const relative = path.relative(realpathSync(folder), realpathSync(cwd));
  const outside = relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative);
  if (!outside) {
    throw new LobsimError('LOBSIM_ERR_USAGE', `--out: ${out} is the current folder or holds it; a baseline replaces its folder, so name one below it`);
  }
  if (!statSync(folder).isDirectory()) throw new LobsimError('LOBSIM_ERR_USAGE', `--out: ${out} is a file, not a folder`);
  const entries = readdirSync(folder);
  if (entries.length === 0 || entries.includes('baseline.json') || entries.includes('summary.json')) return;
  throw new LobsimError('LOBSIM_ERR_USAGE', `--out: ${out} is a folder that holds neither baseline.json nor summary.json; a baseline replaces its folder, so name a new one or an existing baseline`);
}
