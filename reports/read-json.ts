/** Reads a JSON file, turning a missing file or a syntax error into a ReportInputError naming it. */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { ReportInputError } from './errors.js';

export function readJsonFile(file: string): unknown {
  if (!existsSync(file)) throw new ReportInputError(`${file}: no such file`);
  if (!statSync(file).isFile()) throw new ReportInputError(`${file}: not a file`);
  const text = readFileSync(file, 'utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ReportInputError(`${file}: not valid JSON (${(error as Error).message})`);
  }
}
