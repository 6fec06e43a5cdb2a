import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { choiceOption, integerOption, isUsageError, numberOption } from '../../bench/options.js';
import { ROOT } from '../support/run-cli.js';

/** A bench script run from source with `args`, as `npm run bench:<name> -- args` runs it. */
function runBench(script: string, args: string[]) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bench', script), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('bench options', () => {
  it('read integers in their range and name the option, the range and the text otherwise', () => {
    expect(integerOption('rounds', '9', 1, 100)).toBe(9);
    expect(integerOption('warmup', '0', 0, 100)).toBe(0);
    for (const text of ['0', '101', '2.5', 'x', '', ' ', 'NaN', 'Infinity', '-1', '1e400', '9007199254740993']) {
      expect(() => integerOption('rounds', text, 1, 100), text).toThrow(`--rounds: must be an integer in [1, 100], got ${JSON.stringify(text)}`);
    }
    try {
      integerOption('reps', '0', 1, 100);
      expect.unreachable();
    } catch (error) {
      expect(isUsageError(error)).toBe(true);
      expect((error as { code?: string }).code).toBe('LOBSIM_ERR_USAGE');
    }
  });

  it('read numbers and choices the same way', () => {
    expect(numberOption('seconds', '0.5', 0.1, 3600)).toBe(0.5);
    for (const text of ['0', '3601', 'abc', '', 'NaN', '-Infinity']) {
      expect(() => numberOption('seconds', text, 0.1, 3600), text).toThrow(`--seconds: must be a number in [0.1, 3600], got ${JSON.stringify(text)}`);
    }
    expect(choiceOption('only', 'latency', ['throughput', 'latency'] as const)).toBe('latency');
    expect(() => choiceOption('only', 'LATENCY', ['throughput', 'latency'] as const)).toThrow('--only: must be one of throughput, latency, got "LATENCY"');
  });

  it('count only command-line mistakes as usage errors', () => {
    expect(isUsageError(Object.assign(new TypeError("Unknown option '--x'"), { code: 'ERR_PARSE_ARGS_UNKNOWN_OPTION' }))).toBe(true);
    expect(isUsageError(new RangeError('stream draw out of range'))).toBe(false);
    expect(isUsageError('--rounds')).toBe(false);
  });

  it('stop a bench script on a bad option with one line and exit 2, before it measures anything', () => {
    const cases: [string, string[], string][] = [
      ['book-bench.ts', ['--rounds', '0'], 'bench:book: --rounds: must be an integer in [1, 100], got "0"'],
      ['book-bench.ts', ['--bogus'], "bench:book: Unknown option '--bogus'"],
      ['pm-bench.ts', ['--reps', 'x'], 'bench:pm: --reps: must be an integer in [1, 100], got "x"'],
      ['sim-bench.ts', ['--scenario', 'nope'], 'bench:sim: nope: no such scenario'],
      ['engine-bench.ts', ['--only', 'both'], 'bench:engine: --only: must be one of throughput, latency, got "both"'],
      // A value that starts with '-' is still the option's value, checked against its range.
      ['book-bench.ts', ['--commands', '-5'], 'bench:book: --commands: must be an integer in [1, 10000000], got "-5"'],
      ['engine-bench.ts', ['--spin-ns', '-1'], 'bench:engine: --spin-ns: must be an integer in [0, 10000000], got "-1"'],
    ];
    for (const [script, args, message] of cases) {
      const result = runBench(script, args);
      expect(result.status, `${script} ${args.join(' ')}: ${result.stderr}`).toBe(2);
      expect(result.stderr.startsWith(message), result.stderr).toBe(true);
      expect(result.stderr).toContain('usage: npm run bench:');
      expect(result.stderr).not.toContain('    at ');  // No stack trace.
      expect(result.stdout).toBe('');
    }
  });
});
