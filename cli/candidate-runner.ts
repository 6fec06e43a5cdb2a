/**
 * Produces a candidate for `lobsim gate --run` and `lobsim baseline`: the calibration workload,
 * then the scenario over the given seeds through this same CLI in a child process (`lobsim sweep`,
 * which runs each seed in its own process), then the workload again; the faster figure is stored
 * as calibration.json beside summary.json.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LobsimError } from '../engine/errors.js';
import { fasterOf, measureCalibration } from '../reports/gate/calibration.js';
import { writeCalibrationFile } from '../reports/gate/calibration-file.js';

export interface CandidateRun {
  scenario: string;
  seeds: number[];
  overrides: string[];
  parallel: number;
  outDir: string;
}

const STDERR_TAIL_CHARS = 4_000;

/** The same CLI this process runs: compiled JS directly, TypeScript through tsx. */
export function cliInvocation(): { command: string; args: string[] } {
  const self = fileURLToPath(import.meta.url);
  const entry = path.join(path.dirname(self), self.endsWith('.ts') ? 'main.ts' : 'main.js');
  return { command: process.execPath, args: entry.endsWith('.ts') ? ['--import', 'tsx', entry] : [entry] };
}

function spawnCli(args: string[]): Promise<{ exitCode: number | null; stderr: string }> {
  const cli = cliInvocation();
  return new Promise((resolve) => {
    const child = spawn(cli.command, [...cli.args, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-STDERR_TAIL_CHARS);
    });
    child.on('close', (exitCode) => resolve({ exitCode, stderr }));
    child.on('error', (error) => resolve({ exitCode: null, stderr: error.message }));
  });
}

export async function runCandidate(run: CandidateRun): Promise<void> {
  const before = measureCalibration();
  const args = ['sweep', run.scenario, '--seeds', run.seeds.join(','), '--parallel', String(run.parallel), '--out', run.outDir, '--json', ...run.overrides.flatMap((o) => ['--set', o])];
  const { exitCode, stderr } = await spawnCli(args);
  // Exit 1 means a seed failed a check: the result files exist and the gate reports it as a fact.
  // Exit 1 without a summary is not a failed seed but a child that never ran (node itself failing).
  if ((exitCode !== 0 && exitCode !== 1) || !existsSync(path.join(run.outDir, 'summary.json'))) {
    throw new LobsimError('LOBSIM_ERR_RUN', `the candidate run failed (exit ${exitCode}): lobsim ${args.join(' ')}\n${stderr.trim()}`);
  }
  writeCalibrationFile(path.join(run.outDir, 'calibration.json'), fasterOf(before, measureCalibration()));
}
