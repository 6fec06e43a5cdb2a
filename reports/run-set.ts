/**
 * What compare and gate read: one result file, or a sweep folder (optionally a baseline folder,
 * which is a sweep folder with calibration.json and baseline.json beside summary.json).
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { ReportInputError } from './errors.js';
import { readCalibrationFile, type CalibrationFigure } from './gate/calibration-file.js';
import { readResult } from './read-result.js';
import { readSweep } from './read-sweep.js';
import type { RunResult, SweepSummary } from './result-shape.js';

export interface RunSet {
  /** The path given on the command line. */
  source: string;
  kind: 'result' | 'sweep';
  scenario: string;
  mode: string;
  /** One per seed, sorted by seed. */
  results: RunResult[];
  summary: SweepSummary | null;
  /** The calibration workload's figure measured with these runs, when recorded. */
  calibration: CalibrationFigure | null;
}

export function readRunSet(source: string): RunSet {
  if (!existsSync(source)) throw new ReportInputError(`${source}: no such file or folder`);
  if (statSync(source).isDirectory()) {
    const sweep = readSweep(source);
    const calibrationFile = path.join(source, 'calibration.json');
    return {
      source,
      kind: 'sweep',
      scenario: sweep.summary.scenario,
      mode: sweep.summary.mode,
      results: [...sweep.results].sort((a, b) => a.seed - b.seed),
      summary: sweep.summary,
      calibration: existsSync(calibrationFile) ? readCalibrationFile(calibrationFile) : null,
    };
  }
  const result = readResult(source);
  const calibrationFile = path.join(path.dirname(source), 'calibration.json');
  return {
    source,
    kind: 'result',
    scenario: result.scenario.name,
    mode: result.mode,
    results: [result],
    summary: null,
    calibration: existsSync(calibrationFile) ? readCalibrationFile(calibrationFile) : null,
  };
}
