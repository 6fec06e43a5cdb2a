/**
 * The `lobsim` command: the composition root. It parses arguments and calls sim/ and reports/;
 * nothing imports it. Exit codes: 0 passed, 1 a check or threshold failed, 2 bad usage or input,
 * 3 an internal error (a bug).
 */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { LobsimError } from '../engine/errors.js';
import { baselineCommand } from './baseline-command.js';
import { compareCommand } from './compare-command.js';
import { gateCommand } from './gate-command.js';
import { listCommand } from './list-command.js';
import { lobsterCommand } from './lobster-command.js';
import { replayCommand } from './replay-command.js';
import { reportCommand } from './report-command.js';
import { runCommand } from './run-command.js';
import { sweepCommand } from './sweep-command.js';
import { validateCommand } from './validate-command.js';

export const EXIT_PASSED = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;
/** Not node's exit 1 for an uncaught exception: that would read as a failed check to `sweep` and `gate`. */
export const EXIT_INTERNAL = 3;

export async function main(argv: string[]): Promise<number> {
  let exitCode = EXIT_PASSED;
  const parser = yargs(argv)
    .scriptName('lobsim')
    .usage('$0 <command> [options]')
    .command(runCommand((code) => (exitCode = code)))
    .command(sweepCommand((code) => (exitCode = code)))
    .command(replayCommand((code) => (exitCode = code)))
    .command(lobsterCommand((code) => (exitCode = code)))
    .command(listCommand((code) => (exitCode = code)))
    .command(validateCommand((code) => (exitCode = code)))
    .command(reportCommand((code) => (exitCode = code)))
    .command(compareCommand((code) => (exitCode = code)))
    .command(gateCommand((code) => (exitCode = code)))
    .command(baselineCommand((code) => (exitCode = code)))
    .demandCommand(1, 'Name a command: lobsim --help lists them.')
    .strict()
    .help()
    .version()
    .wrap(Math.min(100, process.stdout.columns ?? 100))
    .exitProcess(false)
    .fail((message, error) => {
      // yargs re-throws a flag's coerce error as its own YError: still a usage error.
      if (error?.name === 'YError') throw new LobsimError('LOBSIM_ERR_USAGE', error.message);
      throw error ?? new LobsimError('LOBSIM_ERR_USAGE', message);
    });
  try {
    await parser.parseAsync();
  } catch (error) {
    if (error instanceof LobsimError) {
      process.stderr.write(`lobsim: ${error.message}\n`);
      return EXIT_USAGE;
    }
    // A path the user gave that cannot be written or read (--out, -o, an input file): their input,
    // not a bug, so the message without a stack trace, and the usage exit code.
    if (isFileSystemError(error)) {
      process.stderr.write(`lobsim: ${error.message}\n`);
      return EXIT_USAGE;
    }
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    process.stderr.write(`lobsim: internal error, a bug in lobsim (please report it with the command that caused it):\n${detail}\n`);
    return EXIT_INTERNAL;
  }
  return exitCode;
}

const FILE_SYSTEM_ERROR_CODES = new Set(['ENOENT', 'ENOTDIR', 'EISDIR', 'EACCES', 'EPERM', 'EROFS', 'EEXIST', 'ENOSPC', 'ENAMETOOLONG', 'ELOOP']);

function isFileSystemError(error: unknown): error is NodeJS.ErrnoException {
  if (!(error instanceof Error)) return false;
  const { code, syscall } = error as NodeJS.ErrnoException;
  return typeof code === 'string' && typeof syscall === 'string' && FILE_SYSTEM_ERROR_CODES.has(code);
}

const exitCode = await main(hideBin(process.argv));
process.exitCode = exitCode;
