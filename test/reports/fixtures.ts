/** Shared inputs of the reports tests: the committed smoke baseline and fresh runs made through the CLI. */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { CalibrationFigure } from '../../reports/gate/calibration-file.js';
import { readRunSet, type RunSet } from '../../reports/run-set.js';
import type { RunResult } from '../../reports/result-shape.js';
import { ROOT, runCli } from '../support/run-cli.js';

export const BASELINE_DIR = path.join(ROOT, 'reports', 'baselines', 'smoke');

export function tempDir(prefix: string): string {
  return mkdtempSync(path.join(tmpdir(), `lobsim-${prefix}-`));
}

let runDir: string | null = null;

/** One short smoke run (with timelines), made once per test file. */
export function smokeRunFile(): string {
  if (runDir === null) {
    const dir = tempDir('report-run');
    const result = runCli(['run', 'smoke', '--duration', '1s', '--out', dir, '--json', '--no-progress']);
    if (result.status !== 0) throw new Error(`smoke run failed (${result.status}): ${result.stderr}`);
    runDir = dir;
  }
  return path.join(runDir, 'result.json');
}

export function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

/** A copy of the baseline folder whose seed results pass through `edit`. */
export function editedBaselineCopy(edit: (result: RunResult) => void, calibration?: Partial<CalibrationFigure>): string {
  const dir = tempDir('candidate');
  cpSync(BASELINE_DIR, dir, { recursive: true });
  const set = readRunSet(dir);
  for (const result of set.results) {
    const file = path.join(dir, `seed-${result.seed}`, 'result.json');
    const json = readJson<RunResult>(file);
    edit(json);
    writeFileSync(file, JSON.stringify(json));
  }
  if (calibration !== undefined) {
    const file = path.join(dir, 'calibration.json');
    writeFileSync(file, JSON.stringify({ ...readJson<CalibrationFigure>(file), ...calibration }));
  }
  return dir;
}

/** The baseline as a RunSet with every result passed through `edit` (in memory). */
export function baselineSet(edit: (result: RunResult, index: number) => void = () => {}, calibrationNs?: number): RunSet {
  const set = readRunSet(BASELINE_DIR);
  const results = set.results.map((result, index) => {
    const copy = structuredClone(result);
    edit(copy, index);
    return copy;
  });
  const calibration = set.calibration === null || calibrationNs === undefined ? set.calibration : { ...set.calibration, nsPerRound: calibrationNs };
  return { ...set, source: 'edited', results, calibration };
}
