import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../engine/errors.js';
import { loadScenario, scenarioNames } from '../../sim/scenario/load.js';
import { packageScenariosDir } from '../../sim/scenario/schema.js';

describe('shipped scenarios', () => {
  const names = scenarioNames();

  it('ships baseline, smoke and spike', () => {
    expect(names).toEqual(expect.arrayContaining(['baseline', 'smoke', 'spike']));
  });

  it.each(names)('%s validates, and its name is its file name', (name) => {
    const scenario = loadScenario(name);
    expect(scenario.name).toBe(name);
    expect(scenario.description.length).toBeGreaterThan(0);
    expect(scenario.source).toBe(`${packageScenariosDir()}/${name}.json`);
  });

  it('baseline is the seed section 7 example', () => {
    const s = loadScenario('baseline');
    expect(s.mode).toBe('deterministic');
    expect(s.clients.count).toBe(100);
    expect(s.clients.ratePerSecond).toBe(100);
    expect(s.instruments.map((i) => i.symbol)).toEqual(['SYM1', 'SYM2', 'SYM3', 'SYM4', 'SYM5']);
    expect(s.clients.types).toEqual({ LIMIT: 0.9, IOC: 0.1 });
    expect(s.clients.sizes).toEqual({ mean: 100, sd: 200 });
    expect(s.clients.prices.sigmaFraction).toBe(0.005);
    expect(s.clients.buyProbability).toBe(0.5);
    expect(s.clients.cancelFractionPerMinute).toBe(0.2);
    expect(s.durationMs).toBe(60_000);
    expect(s.thresholds.map((t) => t.text)).toContain('ack.p99 <= 1ms');
  });

  it('smoke is small: at most 10,000 orders expected', () => {
    const s = loadScenario('smoke');
    expect(s.mode).toBe('deterministic');
    expect(s.clients.count * s.clients.ratePerSecond * (s.durationMs / 1000)).toBeLessThanOrEqual(10_000);
  });

  it('spike has spikes inside the run', () => {
    const s = loadScenario('spike');
    expect(s.clients.spikes.length).toBeGreaterThan(0);
    for (const spike of s.clients.spikes) expect(spike.startMs + spike.durationMs).toBeLessThanOrEqual(s.durationMs);
    expect(Math.max(...s.clients.spikes.map((x) => x.ratePerSecond))).toBeGreaterThan(s.clients.ratePerSecond * 10);
  });

  it('the scenario error code is registered', () => {
    expect(ERROR_CODES).toContain('LOBSIM_ERR_SCENARIO');
  });
});
