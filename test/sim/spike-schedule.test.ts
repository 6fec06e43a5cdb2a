/** Spikes the scenario format allows (README) make a schedule the arrival process takes. */
import { describe, expect, it } from 'vitest';
import { rateSchedule } from '../../sim/clients/trader-agent.js';
import { loadScenario } from '../../sim/scenario/load.js';
import { validateScenario } from '../../sim/scenario/load.js';
import type { ClientFlow } from '../../sim/scenario/types.js';
import { runCli } from '../support/run-cli.js';

const flow = (spikes: ClientFlow['spikes']) => ({ ...(loadScenario('smoke').clients as ClientFlow), ratePerSecond: 50, spikes });

describe('spike schedules', () => {
  it('a spike at 0 replaces the base rate from the start', () => {
    expect(rateSchedule(flow([{ startMs: 0, durationMs: 50, ratePerSecond: 5 }]))).toEqual([
      { startNs: 0, ratePerSecond: 5 },
      { startNs: 50e6, ratePerSecond: 50 },
    ]);
  });

  it('back-to-back spikes follow each other without a base-rate segment of no length', () => {
    expect(rateSchedule(flow([{ startMs: 10, durationMs: 50, ratePerSecond: 5 }, { startMs: 60, durationMs: 50, ratePerSecond: 7 }]))).toEqual([
      { startNs: 0, ratePerSecond: 50 },
      { startNs: 10e6, ratePerSecond: 5 },
      { startNs: 60e6, ratePerSecond: 7 },
      { startNs: 110e6, ratePerSecond: 50 },
    ]);
  });

  it('a scenario with such spikes that validates also runs (exit 0)', () => {
    const scenario = {
      name: 'spikes', description: 'd', durationMs: 200, symbols: { count: 1 },
      clients: { count: 2, ratePerSecond: 50, spikes: [{ startMs: 0, durationMs: 50, ratePerSecond: 5 }, { startMs: 50, durationMs: 150, ratePerSecond: 7 }] },
    };
    expect(() => validateScenario(structuredClone(scenario), 's.json')).not.toThrow();
    const cli = runCli(['run', 'smoke', '--json', '--no-progress', '--set', `clients=${JSON.stringify(scenario.clients)}`, '--duration', '200', '--set', 'thresholds=[]', '--out', `${process.env.TMPDIR ?? '/tmp'}/lobsim-spikes-${process.pid}`]);
    expect(cli.stderr).toBe('');
    expect(cli.status).toBe(0);
  });
});
