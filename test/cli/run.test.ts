import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';

const dir = mkdtempSync(path.join(tmpdir(), 'lobsim-run-'));
const SHORT = ['--set', 'durationMs=1500'];

describe('lobsim run', () => {
  it('writes a schema-versioned result.json and exits 0 when everything passes', () => {
    const out = path.join(dir, 'pass');
    const cli = runCli(['run', 'smoke', ...SHORT, '--out', out]);
    expect(cli.status).toBe(0);
    expect(cli.stdout).toMatch(/^PASS: result in /m);
    const result = JSON.parse(readFileSync(path.join(out, 'result.json'), 'utf8'));
    expect(result).toMatchObject({ schemaVersion: 1, seed: 1, mode: 'deterministic', passed: true, scenario: { name: 'smoke', durationMs: 1500 } });
    expect(result.eventHash).toMatch(/^[0-9a-f]{16}$/);
    expect(result.version.package).toBe('0.1.0');
    expect(result.checks.map((check: { name: string }) => check.name)).toEqual(['engine-invariants', 'conservation', 'trade-ledger']);
    expect(Object.keys(result.histograms.operations)).toEqual(['ack', 'fill', 'cancel']);
    expect(result.histograms.operations.ack.corrected.hdr.length).toBeGreaterThan(10);
    expect(result.timelines.engine.points.length).toBeGreaterThan(10);
    expect(result.metrics.counts.orders).toBeGreaterThan(1_000);
    expect(result.replayCommand).toBe('npx lobsim run smoke --seed 1 --mode deterministic --set durationMs=1500');
  });

  it('exits 1 on a failed threshold and prints the command that replays the run', () => {
    const out = path.join(dir, 'fail');
    const cli = runCli(['run', 'smoke', ...SHORT, '--seed', '3', '--set', 'thresholds=["ack.p99 <= 10us"]', '--out', out]);
    expect(cli.status).toBe(1);
    expect(cli.stdout).toMatch(/ack\.p99 <= 10us\s*│ FAIL/);
    expect(cli.stderr).toContain("replay it with:\n  npx lobsim run smoke --seed 3 --mode deterministic --set durationMs=1500 --set 'thresholds=[\"ack.p99 <= 10us\"]'");
    expect(JSON.parse(readFileSync(path.join(out, 'result.json'), 'utf8')).passed).toBe(false);
  });

  it('exits 2 with a message naming the field on bad input, and writes nothing', () => {
    const out = path.join(dir, 'bad');
    const cli = runCli(['run', 'smoke', '--clients', '0', '--out', out]);
    expect(cli.status).toBe(2);
    expect(cli.stderr).toMatch(/clients\.count: 0 is not allowed \(must be >= 1\)/);
    expect(existsSync(out)).toBe(false);
    expect(runCli(['run', 'smoke', '--duration', 'soon']).stderr).toMatch(/--duration: must be a number with an optional unit/);
    // A value that starts with '-' is still the flag's value, not short flags 5 and s.
    expect(runCli(['run', 'smoke', '--duration', '-5s']).stderr).toContain("--duration: must be a number with an optional unit ms, s, m or h (e.g. 30s), got '-5s'");
    expect(runCli(['run', 'nosuch']).stderr).toMatch(/no such scenario/);
  });

  it('quotes what was typed for a numeric flag that is not a number, and gives the range of one that is out of it', () => {
    for (const [flag, value] of [['--seed', 'abc'], ['--clients', '12x'], ['--workers', '']]) {
      const cli = runCli(['run', 'smoke', flag!, value!]);
      expect(cli.status, flag).toBe(2);
      expect(cli.stderr, flag).toContain(`lobsim: ${flag}: must be a number, got ${JSON.stringify(value)}`);
    }
    const twice = runCli(['run', 'smoke', '--out', 'a', '--out', 'b']);
    expect(twice.status).toBe(2);
    expect(twice.stderr).toBe('lobsim: --out: given more than once (only --set repeats)\n');
    const fraction = runCli(['run', 'smoke', '--seed', '1.5']);
    expect(fraction.status).toBe(2);
    expect(fraction.stderr).toContain('seed: 1.5 is not allowed (must be an integer in [0, 9007199254740991])');
  });

  it('exits 2 with the system message, not a stack trace, when the output folder cannot be made, before it runs', () => {
    const file = path.join(dir, 'a-file');
    writeFileSync(file, 'x');
    // A run of 10 simulated minutes takes 10 s or more of wall time: the error must come first.
    const started = Date.now();
    const cli = runCli(['run', 'smoke', '--set', 'durationMs=600000', '--out', path.join(file, 'below')], { timeoutMs: 20_000 });
    expect(Date.now() - started).toBeLessThan(8_000);
    expect(cli.status).toBe(2);
    expect(cli.stderr).toMatch(/^lobsim: --out: ENOTDIR: not a directory, mkdir '.*a-file\/below'\n$/);
    // A file where the folder would be: refused before the run, not when result.json is written.
    const onFile = runCli(['run', 'smoke', '--set', 'durationMs=600000', '--out', file], { timeoutMs: 20_000 });
    expect(onFile.status).toBe(2);
    expect(onFile.stderr).toMatch(/^lobsim: --out: EEXIST: file already exists, mkdir '.*a-file'\n$/);
  });

  it('runs an instrument whose price band reaches past 2^53 with every generated price a safe integer', () => {
    const out = path.join(dir, 'wide-band');
    const cli = runCli(['run', 'smoke', '--set', 'durationMs=500', '--set', 'symbols.referencePrice=9000000000000000', '--set', 'symbols.bandBps=1000', '--out', out]);
    expect(cli.stderr).toBe('');
    expect(cli.status).toBe(0);
    const result = JSON.parse(readFileSync(path.join(out, 'result.json'), 'utf8'));
    expect(result.metrics.counts.orders).toBeGreaterThan(100);
  });
});

describe('lobsim sweep', () => {
  it('runs seeds in parallel processes and writes summary.json with distributions and merged histograms', () => {
    const out = path.join(dir, 'sweep');
    const cli = runCli(['sweep', 'smoke', '--seeds', '1..3', '--parallel', '2', ...SHORT, '--out', out]);
    expect(cli.status).toBe(0);
    const summary = JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8'));
    expect(summary).toMatchObject({ schemaVersion: 1, scenario: 'smoke', seeds: [1, 2, 3], passed: true, failingSeeds: [] });
    expect(summary.metrics['counts.trades']).toMatchObject({ n: 3 });
    expect(summary.metrics['ack.p99_us'].ci95).toHaveLength(2);
    const perSeedAcks = [1, 2, 3].map((seed) => JSON.parse(readFileSync(path.join(out, `seed-${seed}`, 'result.json'), 'utf8')).metrics.latency.ack.corrected.count);
    expect(summary.mergedLatency.ack.corrected.count).toBe(perSeedAcks.reduce((a: number, b: number) => a + b, 0));
  });

  it('lists failing seeds with their replay commands and exits 1', () => {
    const out = path.join(dir, 'sweep-fail');
    const cli = runCli(['sweep', 'smoke', '--seeds', '1,2', ...SHORT, '--set', 'thresholds=["ack.p99 <= 10us"]', '--out', out]);
    expect(cli.status).toBe(1);
    expect(cli.stderr).toMatch(/seed 1 failed \(ack\.p99 <= 10us\); replay: npx lobsim run smoke --seed 1/);
    const summary = JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8'));
    expect(summary.failingSeeds.map((seed: { seed: number }) => seed.seed)).toEqual([1, 2]);
  });

  it('rejects a malformed seed list or parallelism, exit 2', () => {
    const cli = runCli(['sweep', 'smoke', '--seeds', '5..x']);
    expect(cli.status).toBe(2);
    expect(cli.stderr).toMatch(/--seeds: must be a range A\.\.B or a list/);
    const parallel = runCli(['sweep', 'smoke', '--seeds', '1..2', '--parallel', 'abc']);
    expect(parallel.status).toBe(2);
    expect(parallel.stderr).toContain('lobsim: --parallel: must be a number, got "abc"');
    const cases: [string, string][] = [
      // Counted before any list is made: this range used to build a 10^11-element array.
      ['1..99999999999', 'lobsim: --seeds: at most 10000 seeds, got 99999999999\n'],
      ['1,2,1', "lobsim: --seeds: seed 1 is listed twice, got '1,2,1'\n"],
      ['-1..2', "lobsim: --seeds: must be a range A..B or a list 1,2,5 of integers >= 0, got '-1..2'\n"],
      ['3..1', 'lobsim: --seeds: the range 3..1 ends below its start; write 1..3\n'],
    ];
    for (const [seeds, message] of cases) {
      const cli = runCli(['sweep', 'smoke', '--seeds', seeds]);
      expect(cli.status, seeds).toBe(2);
      expect(cli.stderr, seeds).toBe(message);
    }
  });
});
