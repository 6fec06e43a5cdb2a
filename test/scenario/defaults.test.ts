import { describe, expect, it } from 'vitest';
import { ENGINE_DEFAULTS } from '../../engine/options.js';
import { load, MINIMAL, scenarioWith } from './helpers.js';

describe('defaults', () => {
  it('fills every optional field of a minimal scenario', () => {
    const s = load(MINIMAL);
    expect(s).toEqual({
      name: 't',
      description: 'a test scenario',
      mode: 'deterministic',
      seed: 1,
      durationMs: 1000,
      workers: 0,
      engine: { stp: 'off', ordersMax: ENGINE_DEFAULTS.ordersMax, directLevelsMax: ENGINE_DEFAULTS.directLevelsMax },
      instruments: [{ symbol: 'SYM1', tickSize: 1, lotSize: 1, maxOrderQuantity: 1_000_000, referencePrice: 10_000, bandBps: 2000 }],
      clients: {
        count: 1,
        ratePerSecond: 1,
        spikes: [],
        sizes: { mean: 100, sd: 200 },
        prices: { sigmaFraction: 0.005, depthFraction: 0.2, crossFraction: 0.1, depthOffsetSigmas: 2 },
        buyProbability: 0.5,
        types: { LIMIT: 0.9, IOC: 0.1 },
        cancelFractionPerMinute: 0.2,
      },
      latency: { oneWayUs: { mean: 50, sd: 20 }, processingUs: 1, quantumUs: 100 },
      checks: { invariantsEveryCommands: 10_000 },
      thresholds: [],
      source: 't.json',
    });
  });

  it('fills defaults inside partly given objects, and keeps given values', () => {
    const s = load(scenarioWith({ latency: { oneWayUs: { sd: 5 } }, clients: { count: 2, ratePerSecond: 3, prices: { crossFraction: 0.3 } } }));
    expect(s.latency).toEqual({ oneWayUs: { mean: 50, sd: 5 }, processingUs: 1, quantumUs: 100 });
    expect(s.clients.prices).toEqual({ sigmaFraction: 0.005, depthFraction: 0.2, crossFraction: 0.3, depthOffsetSigmas: 2 });
  });

  it('does not fill per-type weights: a missing type weighs 0', () => {
    expect(load(scenarioWith({ clients: { count: 1, ratePerSecond: 1, types: { FOK: 1 } } })).clients.types).toEqual({ FOK: 1 });
  });

  it('expands symbols into instruments, padding nothing', () => {
    const s = load(scenarioWith({ symbols: { count: 12, prefix: 'X', tickSize: 5, referencePrice: 500 } }));
    expect(s.instruments).toHaveLength(12);
    expect(s.instruments[11]).toEqual({ symbol: 'X12', tickSize: 5, lotSize: 1, maxOrderQuantity: 1_000_000, referencePrice: 500, bandBps: 2000 });
  });

  it('takes an explicit instrument list as given', () => {
    const instruments = [
      { symbol: 'AAPL', tickSize: 1, lotSize: 100, maxOrderQuantity: 100_000, referencePrice: 19_000, bandBps: 500 },
      { symbol: 'MSFT', tickSize: 5, lotSize: 1, maxOrderQuantity: 5000, referencePrice: 42_000, bandBps: 1000 },
    ];
    expect(load(scenarioWith({ symbols: undefined, instruments })).instruments).toEqual(instruments);
  });

  it('ignores a $schema key', () => {
    expect(load(scenarioWith({ $schema: './scenario.schema.json' })).name).toBe('t');
  });
});
