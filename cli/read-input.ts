/** Reads a file the user named as input; a failure is their input error (exit 2), not a crash. */
import { readFileSync } from 'node:fs';
import { LobsimError } from '../engine/errors.js';

export function readInputFile(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new LobsimError('LOBSIM_ERR_INPUT', `${file}: cannot read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}
