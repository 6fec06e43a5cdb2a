import path from 'node:path';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';
import { BASELINE_DIR, editedBaselineCopy, smokeRunFile, tempDir } from './fixtures.js';

describe('lobsim report / compare / gate exit codes', () => {
  it('report: 0 and writes the file; 2 with the path named for a missing input', () => {
    const out = path.join(tempDir('cli-report'), 'r.html');
    const ok = runCli(['report', smokeRunFile(), '-o', out]);
    expect(ok.status).toBe(0);
    expect(existsSync(out)).toBe(true);
    const missing = runCli(['report', '/nonexistent/result.json']);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('/nonexistent/result.json: no such file or folder');
    const unwritable = runCli(['report', smokeRunFile(), '-o', '/nonexistent/r.html']);
    expect(unwritable.status).toBe(2);
    expect(unwritable.stderr).toBe('lobsim: -o/--output: /nonexistent is not an existing folder\n');
  });

  it('refuses an HTML output over an input or any .json file, or in a missing folder, before doing anything', () => {
    const copy = editedBaselineCopy(() => {});
    const input = path.join(copy, 'seed-1', 'result.json');
    const before = readFileSync(input, 'utf8');
    const cases: [string[], string][] = [
      [['report', input, '-o', input], `lobsim: -o/--output: ${input} is also an input; name another file\n`],
      [['report', copy, '-o', input], `lobsim: -o/--output: ${input} is an existing .json file and the output is HTML; name an .html file\n`],
      [['report', input, '-o', copy], `lobsim: -o/--output: ${copy} is a folder; name a file\n`],
      [['compare', copy, BASELINE_DIR, '-o', path.join(copy, 'summary.json')], `lobsim: -o/--output: ${path.join(copy, 'summary.json')} is an existing .json file and the output is HTML; name an .html file\n`],
      // Checked before the gate runs, so the verdict and its exit code are not replaced by a write error.
      [['gate', '--baseline', BASELINE_DIR, '--candidate', copy, '--html', '/nonexistent/g.html'], 'lobsim: --html: /nonexistent is not an existing folder\n'],
    ];
    for (const [args, message] of cases) {
      const cli = runCli(args);
      expect(cli.status, args.join(' ')).toBe(2);
      expect(cli.stderr, args.join(' ')).toBe(message);
      expect(cli.stdout, args.join(' ')).toBe('');
    }
    expect(readFileSync(input, 'utf8')).toBe(before);
  });

  it('compare: 0 with a table', () => {
    const result = runCli(['compare', BASELINE_DIR, BASELINE_DIR]);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('no regression');
  });

  it('gate: 0 on the baseline against itself, 1 on a changed hash, 1 on a slowdown, 2 on bad usage', () => {
    const same = runCli(['gate', '--baseline', BASELINE_DIR, '--candidate', BASELINE_DIR]);
    expect(same.status).toBe(0);
    expect(same.stdout).toContain('GATE PASS');

    const changed = editedBaselineCopy((result) => (result.eventHash = '0123456789abcdef'));
    const fail = runCli(['gate', '--baseline', BASELINE_DIR, '--candidate', changed]);
    expect(fail.status).toBe(1);
    expect(fail.stdout).toMatch(/GATE FAIL[\s\S]*event hash: baseline [0-9a-f]{16}, candidate 0123456789abcdef/);

    const slower = editedBaselineCopy((result) => (result.metrics.eventsPerWallS /= 2));
    expect(runCli(['gate', '--baseline', BASELINE_DIR, '--candidate', slower]).status).toBe(1);
    expect(runCli(['gate', '--baseline', BASELINE_DIR, '--candidate', slower, '--throughput-tolerance', '60']).status).toBe(0);

    const neither = runCli(['gate', '--baseline', BASELINE_DIR]);
    expect(neither.status).toBe(2);
    expect(neither.stderr).toContain('exactly one of --candidate');
    const alpha = runCli(['gate', '--baseline', BASELINE_DIR, '--candidate', BASELINE_DIR, '--alpha', '2']);
    expect(alpha.status).toBe(2);
    expect(alpha.stderr).toContain('lobsim: --alpha: must be a number in (0, 0.5], got 2');
    // The flag's own name and unit (percent), not the baseline file's fraction.
    const tolerance = runCli(['gate', '--baseline', BASELINE_DIR, '--candidate', BASELINE_DIR, '--latency-tolerance', '-5']);
    expect(tolerance.status).toBe(2);
    expect(tolerance.stderr).toContain('lobsim: --latency-tolerance: must be a percentage in (0, 1000], got -5');
  });
});
