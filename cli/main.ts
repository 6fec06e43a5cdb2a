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
import { EXIT_PASSED, failureOf } from './exit-code.js';
import { gateCommand } from './gate-command.js';
import { listCommand } from './list-command.js';
import { lobsterCommand } from './lobster-command.js';
import { replayCommand } from './replay-command.js';
import { reportCommand } from './report-command.js';
import { runCommand } from './run-command.js';
import { sweepCommand } from './sweep-command.js';
import { validateCommand } from './validate-command.js';

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
    .middleware(refuseRepeatedFlags, true)
    .fail((message, error) => {
      // yargs re-throws a flag's coerce error as its own YError: still a usage error.
      if (error?.name === 'YError') throw new LobsimError('LOBSIM_ERR_USAGE', error.message);
      throw error ?? new LobsimError('LOBSIM_ERR_USAGE', message);
    });
  try {
    await parser.parseAsync();
  } catch (error) {
    const failure = failureOf(error);
    process.stderr.write(failure.message);
    return failure.exitCode;
  }
  return exitCode;
}

/** yargs collects a flag given twice into an array; only --set is meant to repeat. */
function refuseRepeatedFlags(argv: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(argv)) {
    // The camelCase copy of a dashed flag is checked under its own name.
    if (key === '_' || key === '$0' || key === 'set' || /[A-Z]/.test(key) || !Array.isArray(value)) continue;
    throw new LobsimError('LOBSIM_ERR_USAGE', `${key.length === 1 ? '-' : '--'}${key}: given more than once (only --set repeats)`);
  }
}

const exitCode = await main(hideBin(process.argv));
process.exitCode = exitCode;
