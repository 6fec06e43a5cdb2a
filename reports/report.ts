/** `lobsim report`: a result file or a sweep folder in, one self-contained HTML file out. */
import { existsSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ReportInputError } from './errors.js';
import { runReportHtml } from './html/run-report.js';
import { sweepReportHtml } from './html/sweep-report.js';
import { readResult } from './read-result.js';
import { readSweep } from './read-sweep.js';

export interface WrittenReport {
  file: string;
  kind: 'run' | 'sweep';
  passed: boolean;
}

/** Where the report goes by default: report.html beside the result file, or inside the sweep folder. */
export function defaultReportFile(input: string): string {
  return statSync(input).isDirectory() ? path.join(input, 'report.html') : path.join(path.dirname(input), 'report.html');
}

export function writeReport(input: string, output?: string): WrittenReport {
  if (!existsSync(input)) throw new ReportInputError(`${input}: no such file or folder (give a result.json or a sweep folder)`);
  const file = output ?? defaultReportFile(input);
  if (statSync(input).isDirectory()) {
    const sweep = readSweep(input);
    writeFileSync(file, sweepReportHtml(sweep));
    return { file, kind: 'sweep', passed: sweep.summary.passed };
  }
  const result = readResult(input);
  writeFileSync(file, runReportHtml(result));
  return { file, kind: 'run', passed: result.passed };
}
