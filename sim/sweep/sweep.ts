/**
 * Runs one scenario over many seeds in parallel child processes (each a `lobsim run`), keeps every
 * seed's result.json, and writes the sweep's summary.json. Seeds run in separate processes so that
 * a crash or a leak in one cannot affect another, and so that they use every core.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { LobsimError } from '../../engine/errors.js';
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

function runSeed(options: SweepOptions, seed: number): Promise<{ seed: number; exitCode: number | null; stderr: string; outDir: string }> {
  const outDir = path.join(options.outDir, `seed-${seed}`);
  // A result left by an earlier sweep into the same folder must not pass for this run's.
  rmSync(path.join(outDir, 'result.json'), { force: true });
  const { command, args } = options.commandFor(seed, outDir);
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-STDERR_TAIL_CHARS);
    });
    child.on('close', (exitCode) => resolve({ seed, exitCode, stderr, outDir }));
    child.on('error', (error) => resolve({ seed, exitCode: null, stderr: error.message, outDir }));
  });
}

export async function runSweep(options: SweepOptions): Promise<SweepOutcome> {
  mkdirSync(options.outDir, { recursive: true });
  // An earlier sweep's summary would name results this one is about to replace or not make.
  rmSync(path.join(options.outDir, 'summary.json'), { force: true });
  const pending = [...options.seeds];
  const finished: { seed: number; exitCode: number | null; stderr: string; outDir: string }[] = [];
  const worker = async () => {
    for (let seed = pending.shift(); seed !== undefined; seed = pending.shift()) {
      const done = await runSeed(options, seed);
      finished.push(done);
      const produced = existsSync(path.join(done.outDir, 'result.json'));
      options.onSeedDone?.(seed, !produced ? null : done.exitCode === 0 ? true : done.exitCode === 1 ? false : null, finished.length, options.seeds.length);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.parallel, options.seeds.length)) }, worker));
  finished.sort((a, b) => a.seed - b.seed);

  const results: RunResult[] = [];
  const files: string[] = [];
  const broken: SweepOutcome['broken'] = [];
  for (const run of finished) {
    const file = path.join(run.outDir, 'result.json');
    // Exit 0 (passed) and 1 (a check failed) both leave a result; anything else, or an exit 1
    // without one (a process that died some other way, as node does on an uncaught exception), is
    // a broken run.
    if ((run.exitCode === 0 || run.exitCode === 1) && existsSync(file)) {
      results.push(JSON.parse(readFileSync(file, 'utf8')) as RunResult);
      files.push(file);
    } else {
      broken.push({ seed: run.seed, exitCode: run.exitCode, stderr: run.stderr.trim() });
    }
  }
  if (results.length === 0) throw new LobsimError('LOBSIM_ERR_RUN', `no seed produced a result; seed ${broken[0]?.seed}: ${broken[0]?.stderr ?? 'no output'}`);
  const summary = summarizeSweep(results, files);
  writeFileSync(path.join(options.outDir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  return { summary, broken };
}
