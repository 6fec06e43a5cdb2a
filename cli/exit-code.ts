/**
 * The CLI's exit codes, and what an error that stops a command says and returns. Exit 1 is kept for
 * a failed check alone: `sweep` and `gate` read it as a fact about the run, so a crash must not
 * exit 1 (node's own code for an uncaught exception).
 */
import { LobsimError } from '../engine/errors.js';

export const EXIT_PASSED = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;
export const EXIT_INTERNAL = 3;

/** Coded errors that report a bug in lobsim, not in what the user gave it. */
const BUG_CODES = new Set(['LOBSIM_ERR_INVARIANT', 'LOBSIM_ERR_CLOSED']);

const FILE_SYSTEM_ERROR_CODES = new Set(['ENOENT', 'ENOTDIR', 'EISDIR', 'EACCES', 'EPERM', 'EROFS', 'EEXIST', 'ENOSPC', 'ENAMETOOLONG', 'ELOOP']);

/** Node's own SystemErrors about a path (rmSync on a folder without recursive: ERR_FS_EISDIR). */
const NODE_FILE_SYSTEM_CODES = new Set(['ERR_FS_EISDIR', 'ERR_FS_CP_EINVAL', 'ERR_FS_CP_DIR_TO_NON_DIR', 'ERR_FS_CP_NON_DIR_TO_DIR']);

function isFileSystemError(error: unknown): error is NodeJS.ErrnoException {
  if (!(error instanceof Error)) return false;
  const { code, syscall } = error as NodeJS.ErrnoException;
  if (typeof code === 'string' && NODE_FILE_SYSTEM_CODES.has(code)) return true;
  return typeof code === 'string' && typeof syscall === 'string' && FILE_SYSTEM_ERROR_CODES.has(code);
}

/** What a command that threw `error` prints on stderr, and its exit code. */
export function failureOf(error: unknown): { exitCode: number; message: string } {
  // A coded error about the input, or a path the user gave that cannot be read or written (--out,
  // -o, an input file): the message without a stack trace, and the usage exit code.
  if ((error instanceof LobsimError && !BUG_CODES.has(error.code)) || isFileSystemError(error)) {
    return { exitCode: EXIT_USAGE, message: `lobsim: ${error.message}\n` };
  }
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  return { exitCode: EXIT_INTERNAL, message: `lobsim: internal error, a bug in lobsim (please report it with the command that caused it):\n${detail}\n` };
}
