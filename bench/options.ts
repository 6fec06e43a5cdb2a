/**
 * The bench scripts' command-line options: each script declares them once through node's parseArgs
 * (strict: an unknown option or one without its value is an error) and converts each value here,
 * so that a bad one stops the script with one line that names the option, the allowed range and
 * what was typed (exit 2), instead of a stack trace, a NaN run, or a silently ignored option.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { LobsimError } from '../engine/errors.js';

/** Exit status of a script stopped by a bad option (as `lobsim` uses for usage errors). */
export const EXIT_USAGE = 2;

/** The most repetitions (runs, rounds, warm-ups) any bench option asks for: book_bench.cpp's own cap. */
export const RUNS_MAX = 100;

function usageError(message: string): LobsimError {
  return new LobsimError('LOBSIM_ERR_USAGE', message);
}

/** `text` as an integer in [min, max]. */
export function integerOption(name: string, text: string, min: number, max: number): number {
  const value = text.trim() === '' ? Number.NaN : Number(text);
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw usageError(`--${name}: must be an integer in [${min}, ${max}], got ${JSON.stringify(text)}`);
  }
  return value;
}

/** `text` as a finite number in [min, max]. */
export function numberOption(name: string, text: string, min: number, max: number): number {
  const value = text.trim() === '' ? Number.NaN : Number(text);
  if (!Number.isFinite(value) || value < min || value > max) {
    throw usageError(`--${name}: must be a number in [${min}, ${max}], got ${JSON.stringify(text)}`);
  }
  return value;
}

/** `text` as one of `choices`. */
export function choiceOption<T extends string>(name: string, text: string, choices: readonly T[]): T {
  if (!(choices as readonly string[]).includes(text)) {
    throw usageError(`--${name}: must be one of ${choices.join(', ')}, got ${JSON.stringify(text)}`);
  }
  return text as T;
}

/**
 * Whether `error` says what was wrong with the command line: one parseArgs found
 * (ERR_PARSE_ARGS_*), or a coded lobsim error (a bad option value, or a scenario an option named).
 */
export function isUsageError(error: unknown): error is Error {
  if (error instanceof LobsimError) return true;
  const code = error instanceof Error ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_');
}

/**
 * parseArgs(config) on the script's arguments, then `convert` on its values. A usage error in
 * either prints `<script>: <message>` and the usage line to stderr and exits with EXIT_USAGE.
 */
export function parseBenchOptions<T extends ParseArgsConfig, R>(
  script: string,
  usage: string,
  config: T,
  convert: (values: ReturnType<typeof parseArgs<T>>['values']) => R,
): R {
  try {
    const args = joinDashValues(config.args ?? process.argv.slice(2), config);
    return convert(parseArgs({ ...config, args }).values);
  } catch (error) {
    if (!isUsageError(error)) throw error;
    process.stderr.write(`${script}: ${error.message}\nusage: ${usage}\n`);
    process.exit(EXIT_USAGE);
  }
}

/**
 * `--name -5` as `--name=-5` for an option that takes a value: parseArgs refuses a value that starts
 * with '-' as ambiguous, in a message that names neither the range nor the value, where the value
 * check says both ("--commands: must be an integer in [1, ...], got "-5"").
 */
function joinDashValues(args: readonly string[], config: ParseArgsConfig): string[] {
  const takesValue = (token: string) => token.startsWith('--') && !token.includes('=') && config.options?.[token.slice(2)]?.type === 'string';
  const joined: string[] = [];
  for (let at = 0; at < args.length; at++) {
    const token = args[at]!;
    const next = args[at + 1];
    if (takesValue(token) && next !== undefined && /^-[^-]/.test(next)) {
      joined.push(`${token}=${next}`);
      at++;
    } else {
      joined.push(token);
    }
  }
  return joined;
}
