/**
 * Determinism: same scenario + seed => same event-log hash, in one process and across processes;
 * a different seed => a different log; nothing on the simulated path reads Math.random.
 */
import { readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runDeterministic } from '../../sim/deterministic/runner.js';
import { loadScenario } from '../../sim/scenario/load.js';
import { runCli } from '../support/run-cli.js';

const smoke = (overrides: string[] = []) => loadScenario('smoke', { overrides: ['durationMs=2000', ...overrides] });

describe('deterministic mode', () => {
  afterEach(() => vi.restoreAllMocks());

  it('gives the same event-log hash for the same scenario and seed', () => {
    const first = runDeterministic(smoke());
    const second = runDeterministic(smoke());
    expect(first.eventHash.eventCount).toBeGreaterThan(1_000);
    expect(second.eventHash.digest()).toBe(first.eventHash.digest());
    expect(second.counts).toEqual(first.counts);
  });

  it('gives a different log for a different seed', () => {
    expect(runDeterministic(smoke(['seed=2'])).eventHash.digest()).not.toBe(runDeterministic(smoke()).eventHash.digest());
  });

  it('never reads Math.random on the simulated path', () => {
    const random = vi.spyOn(Math, 'random').mockImplementation(() => {
      throw new Error('Math.random called');
    });
    const run = runDeterministic(smoke());
    expect(random).not.toHaveBeenCalled();
    expect(run.checks.every((check) => check.passed)).toBe(true);
  });

  it('passes its checks: invariants, conservation, trade ledger', () => {
    const run = runDeterministic(smoke());
    expect(run.checks.map((check) => [check.name, check.passed])).toEqual([
      ['engine-invariants', true],
      ['conservation', true],
      ['trade-ledger', true],
    ]);
    expect(run.counts.trades).toBeGreaterThan(100);
    expect(run.counts.cancels).toBeGreaterThan(0);
  });

  it('gives the same hash in separate processes, and --check-determinism passes', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lobsim-det-'));
    const results = ['a', 'b'].map((name) => {
      const out = path.join(dir, name);
      const cli = runCli(['run', 'smoke', '--set', 'durationMs=2000', '--out', out, '--check-determinism', '--json']);
      expect(cli.stderr).toBe('');
      expect(cli.status).toBe(0);
      return JSON.parse(readFileSync(path.join(out, 'result.json'), 'utf8'));
    });
    expect(results[1].eventHash).toBe(results[0].eventHash);
    expect(results[0].checks.find((check: { name: string }) => check.name === 'determinism')).toMatchObject({ passed: true });
  });
});

describe('the engine in situ', () => {
  it('gives the same event log over the native engine and over the reference book', () => {
    const scenario = smoke(['durationMs=1500']);
    const native = runDeterministic(scenario, { engine: 'native' });
    const reference = runDeterministic(scenario, { engine: 'reference' });
    expect(reference.eventHash.eventCount).toBe(native.eventHash.eventCount);
    expect(reference.eventHash.digest()).toBe(native.eventHash.digest());
  });

  it('gives the same event log whatever engine.directLevelsMax: the budget moves speed, not results', () => {
    const hash = (budget: number) => runDeterministic(smoke(['durationMs=1500', `engine.directLevelsMax=${budget}`])).eventHash.digest();
    expect(smoke(['engine.directLevelsMax=250']).engine.directLevelsMax).toBe(250);
    const sorted = hash(0);
    expect(hash(1_048_576)).toBe(sorted);
    expect(hash(250)).toBe(sorted);
  });
});
