/**
 * Output paths are checked before the work that fills them: a run of minutes must not end in
 * ENOTDIR with its result lost, and an HTML page must never overwrite the files it was made from.
 */
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { LobsimError } from '../engine/errors.js';
import { makeDirectory } from '../sim/result/make-directory.js';

function usage(message: string): LobsimError {
  return new LobsimError('LOBSIM_ERR_USAGE', message);
}

/**
 * Makes the output folder `dir` (given as `flag`) now: a path that cannot be one fails here, before
 * the work, with the system's message after the flag's name.
 */
export function prepareOutDir(dir: string, flag: string): void {
  try {
    makeDirectory(dir);
    accessSync(dir, constants.W_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (typeof code !== 'string') throw error;
    throw usage(`${flag}: ${(error as Error).message}`);
  }
}

/**
 * Refuses an HTML output `file` (given as `flag`) that is one of `inputs`, an existing .json file
 * (results, summaries and baselines are JSON: writing a page over one destroys it), a folder, or in
 * a folder that does not exist.
 */
export function checkHtmlOutput(flag: string, file: string, inputs: readonly string[]): void {
  const resolved = path.resolve(file);
  if (inputs.some((input) => path.resolve(input) === resolved)) throw usage(`${flag}: ${file} is also an input; name another file`);
  if (existsSync(resolved)) {
    if (statSync(resolved).isDirectory()) throw usage(`${flag}: ${file} is a folder; name a file`);
    if (resolved.toLowerCase().endsWith('.json')) throw usage(`${flag}: ${file} is an existing .json file and the output is HTML; name an .html file`);
  }
  const folder = path.dirname(resolved);
  if (!existsSync(folder) || !statSync(folder).isDirectory()) throw usage(`${flag}: ${path.dirname(file)} is not an existing folder`);
}
