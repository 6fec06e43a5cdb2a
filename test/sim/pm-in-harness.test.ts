/** The position manager inside deterministic runs: its checks, metrics and determinism. */
import { describe, expect, it } from 'vitest';
import { runDeterministic } from '../../sim/deterministic/runner.js';
import { loadScenario } from '../../sim/scenario/load.js';

const checkNames = (run: ReturnType<typeof runDeterministic>) => Object.fromEntries(run.checks.map((check) => [check.name, check.passed]));

describe('the PM in deterministic runs', () => {
  it('liquidates 100,000 shares in slices and passes every PM check (large-liquidation)', () => {
    const run = runDeterministic(loadScenario('large-liquidation', { overrides: ['durationMs=6000'] }));
    expect(checkNames(run)).toMatchObject({ 'pm.ledger': true, 'pm.no-overshoot': true, 'pm.converged': true, 'pm.no-orphans': true });
    const metrics = run.pm!.metrics();
    expect(run.pm!.pm.position(0)).toBe(-100_000);
    // Children of at most 1,000: at least 100 of them.
    expect(metrics.ordersSent).toBeGreaterThanOrEqual(100);
    expect(metrics.slippagePerUnit).toBeGreaterThan(0);
    expect(run.latency.summary('pm_target_to_order', 'corrected').count).toBe(1);
  });

  it('follows rapid flips without overshoot or orphans, deterministically', () => {
    const scenario = loadScenario('smoke', {
      overrides: ['durationMs=3000', 'pm={"options":{"childQuantityMax":100},"strategy":{"kind":"flips","periodMs":50,"quantity":300,"symbols":[0,1]},"convergeWithinMs":2000}'],
    });
    const first = runDeterministic(scenario);
    expect(checkNames(first)).toMatchObject({ 'pm.ledger': true, 'pm.no-overshoot': true, 'pm.no-orphans': true });
    expect(first.pm!.metrics().targetsApplied).toBeGreaterThan(100);
    expect(runDeterministic(scenario).eventHash.digest()).toBe(first.eventHash.digest());
  });

  it('fails pm.converged when a target cannot be reached in time (no liquidity)', () => {
    const scenario = loadScenario('smoke', {
      overrides: ['durationMs=3000', 'clients.count=1', 'clients.ratePerSecond=0.001', 'pm={"strategy":{"kind":"steps","steps":[{"atMs":10,"symbol":0,"target":5000}]},"convergeWithinMs":1000}'],
    });
    const run = runDeterministic(scenario);
    const converged = run.checks.find((check) => check.name === 'pm.converged')!;
    expect(converged.passed).toBe(false);
    expect(converged.detail).toMatch(/target 5000 set at 10 ms not reached in 1000 ms/);
    expect(checkNames(run)).toMatchObject({ 'pm.ledger': true, 'pm.no-overshoot': true });
  });
});
