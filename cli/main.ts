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

/** Flags that take no value: `--x=true` and `--x=false` are the only `=` forms allowed. */
const BOOLEAN_FLAGS = new Set(['json', 'check-determinism', 'progress', 'allow-fact-changes', 'normalize', 'rerun', 'help', 'version']);
/** Flags that take a value: given last, or followed by another flag, they are missing it. */
const VALUE_FLAGS = new Set([
  'seed', 'mode', 'duration', 'clients', 'workers', 'out', 'set', 'seeds', 'parallel', 'output', 'baseline', 'candidate', 'run', 'html',
  'latency-tolerance', 'throughput-tolerance', 'cost-tolerance', 'alpha', 'engine',
]);
const SHORT_ALIASES: Readonly<Record<string, string>> = { o: 'output' };

function usageError(message: string): LobsimError {
  return new LobsimError('LOBSIM_ERR_USAGE', message);
}

/** A flag token's name as the user would write it (`--noJson` -> `json`, `-o` -> `output`), and its `=` value. */
function flagToken(token: string): { name: string; shown: string; value: string | undefined } | null {
  const match = /^(--?)([A-Za-z][A-Za-z0-9.-]*)(?:=(.*))?$/s.exec(token);
  if (match === null) return null;
  const [, dashes, raw, value] = match as unknown as [string, string, string, string | undefined];
  if (dashes === '-') return raw.length === 1 ? { name: SHORT_ALIASES[raw] ?? raw, shown: `-${raw}`, value } : null;
  const kebab = raw.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
  const name = kebab.startsWith('no-') && BOOLEAN_FLAGS.has(kebab.slice(3)) ? kebab.slice(3) : kebab;
  return { name, shown: `--${raw}`, value };
}

/**
 * Checks yargs does not make: a boolean flag given a value other than true or false (`--json=yes`
 * would be false), a flag other than --set given twice (yargs keeps the last boolean), and a value
 * flag given without its value (`--parallel` at the end would fall back to its default).
 */
export function checkRawFlags(argv: readonly string[]): void {
  const seen = new Map<string, string>();
  for (let index = 0; index < argv.length; index++) {
    const token = argv[index]!;
    if (token === '--') break;
    const flag = flagToken(token);
    if (flag === null) continue;
    const stem = flag.name.split('.')[0]!;
    if (flag.name.includes('.') && (BOOLEAN_FLAGS.has(stem) || VALUE_FLAGS.has(stem))) {
      throw usageError(`${flag.shown.replace(/=.*$/s, '')}: unknown flag (flag names have no dots; did you mean --${stem}?)`);
    }
    const known = BOOLEAN_FLAGS.has(flag.name) || VALUE_FLAGS.has(flag.name);
    if (!known) continue;
    if (BOOLEAN_FLAGS.has(flag.name) && flag.value !== undefined && flag.value !== 'true' && flag.value !== 'false') {
      throw usageError(`${flag.shown}: takes no value or =true/=false, got ${JSON.stringify(flag.value)}`);
    }
    if (flag.name !== 'set') {
      const earlier = seen.get(flag.name);
      if (earlier !== undefined) throw usageError(`${flag.shown}: given more than once (only --set repeats)`);
      seen.set(flag.name, flag.shown);
    }
    if (VALUE_FLAGS.has(flag.name) && flag.value === undefined) {
      const next = argv[index + 1];
      const nextFlag = next === undefined ? null : flagToken(next);
      if (next === undefined || next === '--' || (nextFlag !== null && (BOOLEAN_FLAGS.has(nextFlag.name) || VALUE_FLAGS.has(nextFlag.name)))) {
        throw usageError(`${flag.shown}: needs a value`);
      }
    }
  }
}

export async function main(argv: string[]): Promise<number> {
  let exitCode = EXIT_PASSED;
  try {
    checkRawFlags(argv);
  } catch (error) {
    const failure = failureOf(error);
    process.stderr.write(failure.message);
    return failure.exitCode;
  }
  const parser = yargs(argv)
    // `--set.foo 1` would become an object under --set (and `--seed.x 1` the text "[object Object]"):
    // with dot-notation off it is an unknown flag.
    .parserConfiguration({ 'dot-notation': false })
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
  const afterDashes = argv['--'];
  if (Array.isArray(afterDashes) && afterDashes.length > 0) {
    throw new LobsimError('LOBSIM_ERR_USAGE', `--: no command takes arguments after --, got ${afterDashes.map((arg) => JSON.stringify(String(arg))).join(' ')}`);
  }
  for (const [key, value] of Object.entries(argv)) {
    // The camelCase copy of a dashed flag is checked under its own name.
    if (key === '_' || key === '$0' || key === '--' || key === 'set' || /[A-Z]/.test(key) || !Array.isArray(value)) continue;
    throw new LobsimError('LOBSIM_ERR_USAGE', `${key.length === 1 ? '-' : '--'}${key}: given more than once (only --set repeats)`);
  }
}

const exitCode = await main(hideBin(process.argv));
process.exitCode = exitCode;
