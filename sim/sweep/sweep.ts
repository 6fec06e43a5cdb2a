/**
 * Runs one scenario over many seeds in parallel child processes (each a `lobsim run`), keeps every
 * seed's result.json, and writes the sweep's summary.json. Seeds run in separate processes so that
 * a crash or a leak in one cannot affect another, and so that they use every core.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { LobsimError } from '../../engine/errors.js';
import { makeDirectory } from '../result/make-directory.js';
import type { RunResult } from '../result/result.js';
import { summarizeSweep, type SweepSummary } from './summary.js';

export interface SweepOptions {
  seeds: number[];
  parallel: number;
  outDir: string;
  /** The command and arguments that run one seed, writing result.json into `outDir`. */
  commandFor: (seed: number, outDir: string) => { command: string; args: string[] };
  onSeedDone?: (seed: number, passed: boolean | null, done: number, total: number) => void;
}

export interface SweepOutcome {
  summary: SweepSummary;
  /** Seeds whose run ended without a result file (crashed, bad input), with its stderr tail. */
  broken: { seed: number; exitCode: number | null; stderr: string }[];
}

const STDERR_TAIL_CHARS = 2_000;

/** One seed's run: `passed` is null when it left no result (crashed, bad input), whatever its exit. */
interface SeedRun {
  seed: number;
  exitCode: number | null;
  stderr: string;
  result: string;
  passed: boolean | null;
}

function runSeed(options: SweepOptions, seed: number): Promise<SeedRun> {
  const outDir = path.join(options.outDir, `seed-${seed}`);
  const result = path.join(outDir, 'result.json');
  // A result left by an earlier sweep into the same folder must not pass for this run's.
  rmSync(result, { force: true });
  const { command, args } = options.commandFor(seed, outDir);
  // Exit 0 (passed) and 1 (a check failed) both leave a result; anything else, or an exit 1
  // without one (a process that died some other way, as node does on an uncaught exception), is
  // a broken run.
  const ended = (exitCode: number | null, stderr: string): SeedRun => {
    const passed = (exitCode === 0 || exitCode === 1) && existsSync(result) ? exitCode === 0 : null;
    return { seed, exitCode, stderr, result, passed };
  };
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-STDERR_TAIL_CHARS);
    });
    child.on('close', (exitCode) => resolve(ended(exitCode, stderr)));
    child.on('error', (error) => resolve(ended(null, error.message)));
  });
}

export async function runSweep(options: SweepOptions): Promise<SweepOutcome> {
  makeDirectory(options.outDir);
  // An earlier sweep's summary would name results this one is about to replace or not make.
  rmSync(path.join(options.outDir, 'summary.json'), { force: true });
  const pending = [...options.seeds];
  const finished: SeedRun[] = [];
  const worker = async () => {
    for (let seed = pending.shift(); seed !== undefined; seed = pending.shift()) {
      const done = await runSeed(options, seed);
      finished.push(done);
      options.onSeedDone?.(seed, done.passed, finished.length, options.seeds.length);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.parallel, options.seeds.length)) }, worker));
  finished.sort((a, b) => a.seed - b.seed);

  const results: RunResult[] = [];
  const files: string[] = [];
  const broken: SweepOutcome['broken'] = [];
  for (const run of finished) {
    if (run.passed !== null) {
      results.push(JSON.parse(readFileSync(run.result, 'utf8')) as RunResult);
      files.push(run.result);
    } else {
      broken.push({ seed: run.seed, exitCode: run.exitCode, stderr: run.stderr.trim() });
    }
  }
  if (results.length === 0) throw new LobsimError('LOBSIM_ERR_RUN', `no seed produced a result; seed ${broken[0]?.seed}: ${broken[0]?.stderr ?? 'no output'}`);
  const summary = summarizeSweep(results, files);
  writeFileSync(path.join(options.outDir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  return { summary, broken };
}
