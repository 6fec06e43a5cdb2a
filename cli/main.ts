/**
 * The `lobsim` command: the composition root. It parses arguments and calls sim/ and reports/;
 * nothing imports it. Exit codes: 0 passed, 1 a check or threshold failed, 2 bad usage or input.
 */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { LobsimError } from '../engine/errors.js';
import { baselineCommand } from './baseline-command.js';
import { compareCommand } from './compare-command.js';
import { gateCommand } from './gate-command.js';
import { listCommand } from './list-command.js';
import { replayCommand } from './replay-command.js';
import { reportCommand } from './report-command.js';
import { runCommand } from './run-command.js';
import { sweepCommand } from './sweep-command.js';
import { validateCommand } from './validate-command.js';

export const EXIT_PASSED = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

export async function main(argv: string[]): Promise<number> {
  let exitCode = EXIT_PASSED;
  const parser = yargs(argv)
    .scriptName('lobsim')
    .usage('$0 <command> [options]')
    .command(runCommand((code) => (exitCode = code)))
    .command(sweepCommand((code) => (exitCode = code)))
    .command(replayCommand((code) => (exitCode = code)))
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
      throw error ?? new LobsimError('LOBSIM_ERR_USAGE', message);
    });
  try {
    await parser.parseAsync();
  } catch (error) {
    if (error instanceof LobsimError) {
      process.stderr.write(`lobsim: ${error.message}\n`);
      return EXIT_USAGE;
    }
    throw error;
  }
  return exitCode;
}

const exitCode = await main(hideBin(process.argv));
process.exitCode = exitCode;
