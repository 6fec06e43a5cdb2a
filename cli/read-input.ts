/** Reads a file the user named as input; a failure is their input error (exit 2), not a crash. */
import { readFileSync, statSync } from 'node:fs';
import { LobsimError } from '../engine/errors.js';

export function readInputFile(file: string): Buffer {
  try {
    // A device or a pipe (/dev/zero, a FIFO) would be read without end.
    const stats = statSync(file);
    if (!stats.isFile()) {
      throw new LobsimError('LOBSIM_ERR_INPUT', `${file}: not a regular file (${stats.isDirectory() ? 'a folder' : 'a device, pipe or socket'}); name a file`);
    }
    return readFileSync(file);
  } catch (error) {
    if (error instanceof LobsimError) throw error;
    throw new LobsimError('LOBSIM_ERR_INPUT', `${file}: cannot read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}
