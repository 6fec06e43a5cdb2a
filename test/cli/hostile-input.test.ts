/**
 * Inputs from a hostile-input review of the CLI: each is a usage or input error (exit 2) naming the
 * flag, file or field, never a stack trace (exit 3) nor a silent wrong answer.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../support/run-cli.js';

const dir = mkdtempSync(path.join(tmpdir(), 'lobsim-hostile-'));
const SMOKE_BASELINE = path.join(ROOT, 'reports', 'baselines', 'smoke');

/** A copy of the committed smoke baseline with `edit` applied to one of its JSON files. */
function baselineCopy(name: string, file: string, edit: (json: Record<string, unknown>) => void): string {
  const folder = path.join(dir, name);
  cpSync(SMOKE_BASELINE, folder, { recursive: true });
  const target = path.join(folder, file);
  const json = JSON.parse(readFileSync(target, 'utf8')) as Record<string, unknown>;
  edit(json);
  writeFileSync(target, JSON.stringify(json));
  return folder;
}

describe('seed overrides where the seeds come from elsewhere', () => {
  it('sweep, baseline and gate --run refuse --set seed=..., naming it and where the seeds come from', () => {
    const sweep = runCli(['sweep', 'smoke', '--duration', '10', '--seeds', '1..3', '--set', 'seed=5', '--out', path.join(dir, 'sw-seed')]);
    expect(sweep.status).toBe(2);
    expect(sweep.stderr).toContain('lobsim: --set seed=5: the seeds come from --seeds');
    expect(existsSync(path.join(dir, 'sw-seed'))).toBe(false);
    const baseline = runCli(['baseline', 'smoke', '--seeds', '1..2', '--set', 'seed=5', '--out', path.join(dir, 'bl-seed')]);
    expect(baseline.status).toBe(2);
    expect(baseline.stderr).toContain('--set seed=5: the seeds come from --seeds');
    const gate = runCli(['gate', '--baseline', SMOKE_BASELINE, '--run', 'smoke', '--set', 'seed=5']);
    expect(gate.status).toBe(2);
    expect(gate.stderr).toContain("--set seed=5: the seeds come from the baseline's seeds");
  });
});

describe('baseline.json and summary.json are checked', () => {
  it('refuses a gate option of the wrong type, naming the file and field', () => {
    const folder = baselineCopy('gate-bool', 'baseline.json', (json) => (json.gate = { allowFactChanges: 'no' }));
    const cli = runCli(['gate', '--baseline', folder, '--candidate', SMOKE_BASELINE]);
    expect(cli.status).toBe(2);
    expect(cli.stderr).toBe(`lobsim: ${folder}/baseline.json: gate.allowFactChanges must be true or false, got "no"\n`);
    const normalize = baselineCopy('gate-norm', 'baseline.json', (json) => (json.gate = { normalize: 0 }));
    expect(runCli(['gate', '--baseline', normalize, '--candidate', SMOKE_BASELINE]).stderr).toContain('baseline.json: gate.normalize must be true or false, got 0');
    const range = baselineCopy('gate-range', 'baseline.json', (json) => (json.gate = { latencyTolerance: -1 }));
    const ranged = runCli(['gate', '--baseline', range, '--candidate', SMOKE_BASELINE]);
    expect(ranged.status).toBe(2);
    expect(ranged.stderr).toContain('baseline.json: gate: latencyTolerance must be a number in (0, 10], got -1');
  });

  it('names baseline.json parallel, not a --parallel flag the user never gave', () => {
    const folder = baselineCopy('parallel', 'baseline.json', (json) => (json.parallel = -3));
    const cli = runCli(['gate', '--baseline', folder, '--run', 'smoke']);
    expect(cli.status).toBe(2);
    expect(cli.stderr).toBe(`lobsim: ${folder}/baseline.json: parallel must be an integer in [1, 256], got -3\n`);
  });

  it('gate --run checks the scenario with baseline.json overrides before it runs anything, naming the file', () => {
    const folder = baselineCopy('bad-overrides', 'baseline.json', (json) => (json.overrides = ['durationMs=-1']));
    const cli = runCli(['gate', '--baseline', folder, '--run', 'smoke']);
    expect(cli.status).toBe(2);
    expect(cli.stderr).toBe(`lobsim: ${folder}/baseline.json overrides: durationMs: -1 is not allowed (must be >= 1)\n`);
    const seed = baselineCopy('seed-override', 'baseline.json', (json) => (json.overrides = ['seed=5']));
    expect(runCli(['gate', '--baseline', seed, '--candidate', SMOKE_BASELINE]).stderr).toContain('baseline.json: overrides.0 is "seed=5": the seeds are in seeds');
  });

  it('refuses a summary listing a seed twice, a seed folder holding another run, and a baseline.json disagreeing with its summary', () => {
    const duplicate = baselineCopy('dup', 'summary.json', (json) => (json.seeds = [1, 1, 2, 3]));
    const dup = runCli(['gate', '--baseline', duplicate, '--candidate', SMOKE_BASELINE]);
    expect(dup.status).toBe(2);
    expect(dup.stderr).toContain('summary.json: seeds.1 is seed 1 again');
    const otherSeed = baselineCopy('other-seed', 'seed-2/result.json', (json) => (json.seed = 3));
    expect(runCli(['report', otherSeed, '-o', path.join(dir, 'o1.html')]).stderr).toContain('seed-2/result.json: seed is 3 but it is in the folder of seed 2');
    const otherScenario = baselineCopy('other-scenario', 'seed-2/result.json', (json) => ((json.scenario as { name: string }).name = 'spike'));
    const scenario = runCli(['compare', otherScenario, SMOKE_BASELINE]);
    expect(scenario.status).toBe(2);
    expect(scenario.stderr).toContain('seed-2/result.json: scenario.name is "spike" but');
    const seeds = baselineCopy('meta-seeds', 'baseline.json', (json) => (json.seeds = [7, 8]));
    const meta = runCli(['gate', '--baseline', seeds, '--candidate', SMOKE_BASELINE]);
    expect(meta.status).toBe(2);
    expect(meta.stderr).toContain('baseline.json: seeds are 7,8 but summary.json lists seeds 1,2,3,4');
  });
});

describe('flag parsing', () => {
  it('refuses arguments after --, naming them (it said "----: given more than once")', () => {
    const cli = runCli(['validate', 'smoke', '--', '--extra']);
    expect(cli.status).toBe(2);
    expect(cli.stderr).toBe('lobsim: --: no command takes arguments after --, got "--extra"\n');
  });

  it('refuses dotted flags as unknown flags, not a crash', () => {
    for (const args of [
      ['run', 'smoke', '--set.foo', '1'],
      ['run', 'smoke', '--duration.x', '10'],
      ['run', 'smoke', '--seed.x', '1'],
      ['sweep', 'smoke', '--seeds.a', '1..2'],
      ['report', 'x.json', '--output.x', 'y'],
      ['baseline', 'smoke', '--out.x', 'y'],
    ]) {
      const cli = runCli(args);
      expect(cli.status, args.join(' ')).toBe(2);
      expect(cli.stderr, args.join(' ')).toMatch(/^lobsim: --[a-z]+\.[a-z]+: unknown flag \(flag names have no dots; did you mean --[a-z]+\?\)\n$/);
    }
  });

  it('refuses a boolean flag with a value other than true or false, and a boolean flag given twice', () => {
    for (const [args, flag] of [
      [['list', '--json=yes'], '--json'],
      [['run', 'smoke', '--check-determinism=maybe'], '--check-determinism'],
      [['compare', 'a', 'b', '--allow-fact-changes=yes'], '--allow-fact-changes'],
    ] as const) {
      const cli = runCli([...args]);
      expect(cli.status).toBe(2);
      expect(cli.stderr).toContain(`lobsim: ${flag}: takes no value or =true/=false, got "`);
    }
    expect(runCli(['list', '--json=true']).status).toBe(0);
    const twice = runCli(['list', '--json', '--json']);
    expect(twice.status).toBe(2);
    expect(twice.stderr).toBe('lobsim: --json: given more than once (only --set repeats)\n');
    expect(runCli(['run', 'smoke', '--progress', '--no-progress']).stderr).toBe('lobsim: --no-progress: given more than once (only --set repeats)\n');
  });

  it('refuses hex numbers in numeric flags, as --set does', () => {
    const cli = runCli(['run', 'smoke', '--seed', '0x10']);
    expect(cli.status).toBe(2);
    expect(cli.stderr).toContain('lobsim: --seed: must be a number, got "0x10" (a decimal number');
    expect(runCli(['validate', 'smoke', '--set', 'seed=0x10']).status).toBe(2);
  });

  it('refuses a value flag given without its value', () => {
    const cli = runCli(['baseline', 'smoke', '--out', path.join(dir, 'novalue'), '--parallel']);
    expect(cli.status).toBe(2);
    expect(cli.stderr).toBe('lobsim: --parallel: needs a value\n');
    expect(existsSync(path.join(dir, 'novalue'))).toBe(false);
  });

  it('gate --candidate refuses the flags that only shape a --run candidate', () => {
    const cli = runCli(['gate', '--baseline', SMOKE_BASELINE, '--candidate', SMOKE_BASELINE, '--parallel', '999', '--set', 'foo=bar', '--no-rerun']);
    expect(cli.status).toBe(2);
    expect(cli.stderr).toBe('lobsim: gate: --set, --parallel, --no-rerun apply to --run only, not to --candidate (the candidate is already made)\n');
  });
});

describe('output paths', () => {
  it('sweep --out whose summary.json is a folder is a file-system error naming the path', () => {
    const out = path.join(dir, 'swj');
    mkdirSync(path.join(out, 'summary.json'), { recursive: true });
    const cli = runCli(['sweep', 'smoke', '--duration', '10', '--seeds', '1', '--parallel', '1', '--out', out]);
    expect(cli.status).toBe(2);
    expect(cli.stderr).toContain(`${path.join(out, 'summary.json')}`);
    expect(cli.stderr).not.toContain('internal error');
  });

  it('run checks that result.json can be written before the run, and leaves the folder as it was', () => {
    const out = path.join(dir, 'rj');
    mkdirSync(path.join(out, 'result.json'), { recursive: true });
    const cli = runCli(['run', 'smoke', '--duration', '10', '--out', out]);
    expect(cli.status).toBe(2);
    expect(cli.stderr).toBe(`lobsim: --out: ${path.join(out, 'result.json')} exists and is a folder; the command writes a file there, so remove it or name another --out folder\n`);
  });

  it('names an empty output path', () => {
    expect(runCli(['run', 'smoke', '--out', '']).stderr).toBe('lobsim: --out: is empty; name a folder\n');
    const report = runCli(['report', path.join(SMOKE_BASELINE, 'seed-1', 'result.json'), '-o', '']);
    expect(report.status).toBe(2);
    expect(report.stderr).toBe('lobsim: -o/--output: is empty; name an .html file\n');
    expect(runCli(['baseline', 'smoke', '--out', '']).stderr).toContain('lobsim: --out: is empty; name the baseline folder');
  });

  it('refuses an -o that is a symbolic link to a .json file or to an input, leaving the target as it was', () => {
    const input = path.join(dir, 'good.json');
    cpSync(path.join(SMOKE_BASELINE, 'seed-1', 'result.json'), input);
    const other = path.join(dir, 'other.json');
    writeFileSync(other, '{"keep": true}');
    symlinkSync(other, path.join(dir, 'link.html'));
    const cli = runCli(['report', input, '-o', path.join(dir, 'link.html')]);
    expect(cli.status).toBe(2);
    expect(cli.stderr).toContain(`(a symbolic link to ${other}) is an existing .json file and the output is HTML`);
    expect(readFileSync(other, 'utf8')).toBe('{"keep": true}');
    symlinkSync(input, path.join(dir, 'self.html'));
    expect(runCli(['report', input, '-o', path.join(dir, 'self.html')]).stderr).toContain('is also an input; name another file');
  });
});

describe('messages', () => {
  it('names the flag, not the file, for a flag value out of range', () => {
    const cli = runCli(['run', 'smoke', '--seed', '-1']);
    expect(cli.status).toBe(2);
    expect(cli.stderr).toBe('lobsim: --seed: seed: -1 is not allowed (must be >= 0)\n');
    expect(runCli(['sweep', 'smoke', '--seeds', '1', '--duration', '0']).stderr).toBe('lobsim: --duration: durationMs: 0 is not allowed (must be >= 1)\n');
  });

  it('says a reversed --seeds range ends below its start', () => {
    const cli = runCli(['sweep', 'smoke', '--seeds', '5..1']);
    expect(cli.status).toBe(2);
    expect(cli.stderr).toBe('lobsim: --seeds: the range 5..1 ends below its start; write 1..5\n');
  });

  it('refuses /dev/zero as a scenario or a command file instead of reading it without end', () => {
    for (const args of [['validate', '/dev/zero'], ['replay', '/dev/zero'], ['run', '/dev/zero']]) {
      const cli = runCli(args, { timeoutMs: 20_000 });
      expect(cli.status, args.join(' ')).toBe(2);
      expect(cli.stderr, args.join(' ')).toContain('/dev/zero: not a regular file (a device, pipe or socket)');
    }
  });

  it('report refuses a result whose book is not a list of depths', () => {
    const file = path.join(dir, 'book.json');
    const json = JSON.parse(readFileSync(path.join(SMOKE_BASELINE, 'seed-1', 'result.json'), 'utf8')) as Record<string, unknown>;
    json.book = [1, 2, 3];
    writeFileSync(file, JSON.stringify(json));
    const cli = runCli(['report', file, '-o', path.join(dir, 'book.html')]);
    expect(cli.status).toBe(2);
    expect(cli.stderr).toBe(`lobsim: ${file}: book.0 must be an object, got number\n`);
    expect(runCli(['compare', file, SMOKE_BASELINE]).status).toBe(2);
  });
});
