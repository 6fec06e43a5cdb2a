/**
 * Stress mode end to end: worker threads drive the threaded engine open loop, then every shard's
 * journal is replayed through the inline engine and the reference book.
 */
import { describe, expect, it } from 'vitest';
import { runScenario } from '../../sim/run.js';
import { loadScenario } from '../../sim/scenario/load.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

describe('stress mode', () => {
  it('runs the smoke flow from two workers; journal replay, conservation and the ledger pass', async () => {
    const scenario = loadScenario('smoke', { overrides: ['mode="stress"', 'durationMs=1500', 'workers=2', 'thresholds=[]'] });
    const result = await runScenario(scenario, { outDir: mkdtempSync(path.join(tmpdir(), 'lobsim-stress-')) });
    expect(Object.fromEntries(result.checks.map((check) => [check.name, check.passed]))).toEqual({
      'engine-invariants': true,
      conservation: true,
      'trade-ledger': true,
      'journal-replay': true,
    });
    // smoke validates every 1000 commands: the 1.5 s run sends about 1500 of them.
    expect(result.checks.find((check) => check.name === 'engine-invariants')!.detail).toMatch(/ [1-9]\d* times during the run \(every 1000 commands\) and at the end/);
    expect(result.metrics.stress).toMatchObject({ workers: 2 });
    expect(result.metrics.counts.orders).toBeGreaterThan(500);
    expect(result.metrics.latency.ack!.corrected.count).toBe(result.metrics.counts.orders);
    expect(result.eventHash).toMatch(/^[0-9a-f]{16}$/);
    // The main thread samples the gauges twice per interval while the workers send.
    const points = result.timelines.engine!.points;
    const sampled = points.filter((point) => point.queueDepth !== null);
    expect(sampled.length).toBeGreaterThan(points.length / 2);
    for (const point of sampled) {
      expect(Number.isInteger(point.queueDepth)).toBe(true);
      expect(point.queueDepth).toBeGreaterThanOrEqual(0);
      expect(point.rssMb).toBeGreaterThan(10);
    }
  });

  it('runs the position manager over the threaded engine: large liquidation passes every PM check', async () => {
    const scenario = loadScenario('large-liquidation', { overrides: ['mode="stress"', 'durationMs=4000', 'thresholds=[]'] });
    const result = await runScenario(scenario, { outDir: mkdtempSync(path.join(tmpdir(), 'lobsim-stress-pm-')) });
    expect(Object.fromEntries(result.checks.map((check) => [check.name, check.passed]))).toMatchObject({
      'journal-replay': true,
      'pm.ledger': true,
      'pm.no-overshoot': true,
      'pm.converged': true,
      'pm.no-orphans': true,
    });
    expect(result.pm!.metrics.ordersSent).toBeGreaterThanOrEqual(100);
  });

  it('refuses --check-determinism in stress mode with a usage error', async () => {
    const scenario = loadScenario('smoke', { overrides: ['mode="stress"', 'durationMs=100'] });
    await expect(runScenario(scenario, { outDir: tmpdir(), checkDeterminism: true })).rejects.toThrow(/--check-determinism: only deterministic mode/);
  });
});
