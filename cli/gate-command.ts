/**
 * `lobsim gate --baseline <file|folder> (--candidate <file|folder> | --run <scenario>)`: the CI
 * regression gate. Deterministic facts must match exactly; performance is compared across seeds
 * against tolerances, wall-clock figures normalized by the calibration workload; with --run a
 * suspected regression is run again once before the gate fails. Prints a plain-text verdict.
 * Exit 0 pass, 1 regression, 2 bad input.
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { LobsimError } from '../engine/errors.js';
import { checkBaselineAgrees, readBaselineMeta } from '../reports/gate/baseline-file.js';
import { measureCalibration } from '../reports/gate/calibration.js';
import { formatGateOutcome } from '../reports/gate/format-text.js';
import { runGate } from '../reports/gate/gate.js';
import { gateOptions } from '../reports/gate/options.js';
import { compareReportHtml } from '../reports/html/compare-report.js';
import { readRunSet, type RunSet } from '../reports/run-set.js';
import { loadScenario } from '../sim/scenario/load.js';
import { overrideKey } from '../sim/scenario/overrides.js';
import { runCandidate } from './candidate-runner.js';
import { toleranceFlags, toleranceOverrides, type ToleranceArgs } from './gate-flags.js';
import { numberFlag } from './number-flag.js';
import { checkHtmlOutput, prepareOutDir } from './output-path.js';
import { refuseSeedOverride } from './run-command.js';
import { checkParallel } from './sweep-command.js';

interface GateArgs extends ToleranceArgs {
  baseline: string;
  candidate?: string;
  run?: string;
  set: string[];
  parallel?: number;
  out?: string;
  rerun?: boolean;
  html?: string;
}

function usage(message: string): never {
  throw new LobsimError('LOBSIM_ERR_USAGE', message);
}

/** Reads a candidate given as files; without a recorded calibration it is measured now (same machine assumed). */
function candidateFromFiles(source: string): RunSet {
  const set = readRunSet(source);
  return set.calibration === null ? { ...set, calibration: measureCalibration() } : set;
}

export function gateCommand(setExit: (code: number) => void): CommandModule<object, GateArgs> {
  return {
    command: 'gate',
    describe: 'Gate a candidate against a baseline: exact facts, statistical performance (exit 0 pass, 1 regression)',
    builder: (yargs: Argv) =>
      toleranceFlags(
        yargs
          .option('baseline', { type: 'string', demandOption: true, describe: 'baseline result.json, sweep folder or reports/baselines/<scenario>' })
          .option('candidate', { type: 'string', describe: 'candidate result.json or sweep folder' })
          .option('run', { type: 'string', describe: 'run this scenario as the candidate, over the baseline seeds' })
          .option('set', { type: 'string', array: true, default: [], describe: 'extra scenario overrides for --run' })
          .option('parallel', { type: 'string', coerce: numberFlag('parallel'), describe: 'seeds at once for --run (default: as the baseline was made)' })
          .option('out', { type: 'string', describe: 'keep the --run candidate in this folder (default: a temporary folder, removed after the verdict)' })
          .option('rerun', { type: 'boolean', describe: 'rerun a suspected performance regression once (--no-rerun to fail at once)' })
          .option('html', { type: 'string', describe: 'also write the final comparison as HTML' }),
      ) as unknown as Argv<GateArgs>,
    handler: async (args) => {
      if ((args.candidate === undefined) === (args.run === undefined)) usage('gate: give exactly one of --candidate <file|folder> and --run <scenario>');
      const checkHtml = () => {
        if (args.html !== undefined) checkHtmlOutput('--html', args.html, [args.baseline, ...(args.candidate !== undefined ? [args.candidate] : [])]);
      };
      if (args.candidate !== undefined) {
        // These shape the --run candidate; with --candidate they would be silently ignored.
        const runOnly = [
          ...(args.set.length > 0 ? ['--set'] : []),
          ...(args.parallel !== undefined ? ['--parallel'] : []),
          ...(args.out !== undefined ? ['--out'] : []),
          ...(args.rerun !== undefined ? [args.rerun ? '--rerun' : '--no-rerun'] : []),
        ];
        if (runOnly.length > 0) usage(`gate: ${runOnly.join(', ')} ${runOnly.length === 1 ? 'applies' : 'apply'} to --run only, not to --candidate (the candidate is already made)`);
        checkHtml();
      } else {
        refuseSeedOverride(args.set, "the baseline's seeds");
      }
      const baseline = readRunSet(args.baseline);
      const meta = statSync(args.baseline).isDirectory() ? readBaselineMeta(args.baseline) : null;
      if (meta !== null && baseline.summary !== null) checkBaselineAgrees(args.baseline, meta, baseline.summary.scenario, baseline.summary.seeds);
      // The file's options alone first, so that an error names the file, not flags the user never gave.
      if (meta !== null) gateOptions(meta.gate, `${path.join(args.baseline, 'baseline.json')}: gate`);
      const options = gateOptions({ ...(meta?.gate ?? {}), ...toleranceOverrides(args) }, 'flags');
      let candidate: (attempt: number) => Promise<RunSet>;
      let temporary: string | null = null;
      if (args.run !== undefined) {
        const scenario = args.run;
        if (meta !== null && meta.scenario !== scenario && path.basename(scenario, '.json') !== meta.scenario) {
          usage(`gate: --run ${scenario} but the baseline is of scenario '${meta.scenario}'`);
        }
        // The scenario with every override, checked before the calibration workload and the runs;
        // a bad value from baseline.json is named as its.
        const metaOverrides = meta?.overrides ?? [];
        const fields: Record<string, string> = {};
        for (const override of metaOverrides) {
          const field = overrideKey(override);
          if (!args.set.some((extra) => overrideKey(extra) === field)) fields[field] = `${path.join(args.baseline, 'baseline.json')} overrides`;
        }
        loadScenario(scenario, { overrides: [...metaOverrides, ...args.set], flagFields: fields });
        const parallel = args.parallel ?? meta?.parallel ?? 1;
        checkParallel(parallel);  // Here, not in the child sweep: before the calibration workload runs.
        // --out before --html: the README's CI step writes --html inside it (--out gate-out --html gate-out/gate.html).
        if (args.out !== undefined) prepareOutDir(args.out, '--out');
        checkHtml();
        const outRoot = args.out ?? mkdtempSync(path.join(tmpdir(), 'lobsim-gate-'));
        if (args.out === undefined) temporary = outRoot;
        candidate = async (attempt) => {
          const outDir = path.join(outRoot, `attempt-${attempt}`);
          process.stderr.write(`gate: running ${scenario} over seeds ${baseline.results.map((r) => r.seed).join(',')} (attempt ${attempt}) into ${outDir}\n`);
          await runCandidate({ scenario, seeds: baseline.results.map((r) => r.seed), overrides: [...(meta?.overrides ?? []), ...args.set], parallel, outDir });
          return readRunSet(outDir);
        };
      } else {
        const source = args.candidate!;
        candidate = async () => candidateFromFiles(source);
      }
      let last: RunSet | null = null;
      let outcome: Awaited<ReturnType<typeof runGate>>;
      try {
        outcome = await runGate({
          baseline,
          candidate: async (attempt) => (last = await candidate(attempt)),
          rerunnable: args.run !== undefined && args.rerun !== false,
          options,
        });
      } finally {
        // Without --out the candidate's results are the gate's scratch: the verdict holds what they say.
        if (temporary !== null) rmSync(temporary, { recursive: true, force: true });
      }
      process.stdout.write(`${formatGateOutcome(outcome)}\n`);
      if (args.html !== undefined && last !== null) {
        writeFileSync(args.html, compareReportHtml(baseline, last, outcome.attempts.at(-1)!));
        process.stdout.write(`comparison written to ${args.html}\n`);
      }
      setExit(outcome.exitCode);
    },
  };
}
