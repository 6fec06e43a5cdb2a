/**
 * Output paths are checked before the work that fills them: a run of minutes must not end in
 * ENOTDIR with its result lost, and an HTML page must never overwrite the files it was made from.
 */
import { accessSync, constants, existsSync, lstatSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { LobsimError } from '../engine/errors.js';
import { makeDirectory } from '../sim/result/make-directory.js';

function usage(message: string): LobsimError {
  return new LobsimError('LOBSIM_ERR_USAGE', message);
}

/**
 * Makes the output folder `dir` (given as `flag`) now: a path that cannot be one fails here, before
 * the work, with the system's message after the flag's name. Returns the folders it made,
 * outermost first (none when `dir` existed).
 */
export function prepareOutDir(dir: string, flag: string, files: readonly string[] = []): string[] {
  if (dir.trim() === '') throw usage(`${flag}: is empty; name a folder`);
  let made: string[];
  try {
    made = makeDirectory(dir);
    accessSync(dir, constants.W_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (typeof code !== 'string') throw error;
    throw usage(`${flag}: ${(error as Error).message}`);
  }
  // A file the command writes at the end, blocked by a folder (or anything but a file) of its name,
  // would fail only after all the work.
  for (const name of files) {
    const file = path.join(dir, name);
    let stats;
    try {
      stats = lstatSync(file);
    } catch {
      continue;
    }
    if (!stats.isFile()) throw usage(`${flag}: ${file} exists and is ${stats.isDirectory() ? 'a folder' : 'not a regular file'}; the command writes a file there, so remove it or name another ${flag} folder`);
  }
  return made;
}

/**
 * Refuses an HTML output `file` (given as `flag`) that is one of `inputs`, an existing .json file
 * (results, summaries and baselines are JSON: writing a page over one destroys it), a folder, or in
 * a folder that does not exist.
 */
export function checkHtmlOutput(flag: string, file: string, inputs: readonly string[]): void {
  if (file.trim() === '') throw usage(`${flag}: is empty; name an .html file`);
  const resolved = path.resolve(file);
  // Through symbolic links: a link named page.html that points at result.json is result.json.
  const real = (name: string) => {
    try {
      return realpathSync(name);
    } catch {
      return path.resolve(name);
    }
  };
  const target = real(resolved);
  const link = lstatSync(resolved, { throwIfNoEntry: false })?.isSymbolicLink() === true;
  const shown = link ? `${file} (a symbolic link to ${target})` : file;
  if (inputs.some((input) => path.resolve(input) === resolved || real(input) === target)) throw usage(`${flag}: ${shown} is also an input; name another file`);
  if (link && !existsSync(target)) throw usage(`${flag}: ${file} is a symbolic link to a missing file; name the file itself`);
  if (existsSync(target)) {
    if (statSync(target).isDirectory()) throw usage(`${flag}: ${shown} is a folder; name a file`);
    if (target.toLowerCase().endsWith('.json') || resolved.toLowerCase().endsWith('.json')) throw usage(`${flag}: ${shown} is an existing .json file and the output is HTML; name an .html file`);
  }
  const folder = path.dirname(resolved);
  if (!existsSync(folder) || !statSync(folder).isDirectory()) throw usage(`${flag}: ${path.dirname(file)} is not an existing folder`);
}
