/** calibration.json: the calibration workload's figure stored beside the runs it was measured with. */
import { writeFileSync } from 'node:fs';
import { readJsonFile } from '../read-json.js';
import { FieldReader } from '../validate-fields.js';

export interface CalibrationFigure {
  /** Name and version of the workload; figures of different workloads are not comparable. */
  workload: string;
  /** Fastest repeat, ns per round of the workload. */
  nsPerRound: number;
  /** (median - fastest) / fastest over the repeats, percent: how noisy the machine was. */
  spreadPct: number;
  repeats: number;
  node: string;
  measuredAt: string;
}

export function validateCalibration(json: unknown, file: string): CalibrationFigure {
  const reader = new FieldReader(file);
  reader.at(json, 'workload', 'string');
  const ns = reader.at(json, 'nsPerRound', 'number') as number;
  if (ns <= 0) reader.fail('nsPerRound', `must be > 0, got ${ns}`);
  reader.at(json, 'spreadPct', 'number');
  reader.at(json, 'repeats', 'number');
  reader.at(json, 'node', 'string');
  reader.at(json, 'measuredAt', 'string');
  return json as CalibrationFigure;
}

export function readCalibrationFile(file: string): CalibrationFigure {
  return validateCalibration(readJsonFile(file), file);
}

export function writeCalibrationFile(file: string, figure: CalibrationFigure): void {
  writeFileSync(file, `${JSON.stringify(figure, null, 2)}\n`);
}
