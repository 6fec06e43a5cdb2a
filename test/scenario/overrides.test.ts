import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../sim/scenario/load.js';
import { parseOverrideValue } from '../../sim/scenario/overrides.js';
import { issuesFor, load, MINIMAL, scenarioWith } from './helpers.js';

describe('--set key=value overrides', () => {
  it('sets numbers, strings and nested paths, creating missing objects', () => {
    const s = load(MINIMAL, ['clients.count=10', 'mode=stress', 'latency.oneWayUs.mean=20', 'engine.stp=cancel-resting']);
    expect(s.clients.count).toBe(10);
    expect(s.mode).toBe('stress');
    expect(s.latency.oneWayUs).toEqual({ mean: 20, sd: 20 });
    expect(s.engine.stp).toBe('cancel-resting');
  });

  it('parses JSON values: arrays, objects, booleans', () => {
    const s = load(MINIMAL, ['thresholds=["ack.p99 <= 100us"]', 'clients.types={"LIMIT": 1}']);
    expect(s.thresholds).toEqual([{ text: 'ack.p99 <= 100us', metric: 'ack.p99', operator: '<=', value: 100, unit: 'us' }]);
    expect(s.clients.types).toEqual({ LIMIT: 1 });
  });

  it('keeps text that is not JSON as a string, and only splits at the first =', () => {
    expect(parseOverrideValue('10')).toBe(10);
    expect(parseOverrideValue('"10"')).toBe('10');
    expect(parseOverrideValue('stress')).toBe('stress');
    expect(parseOverrideValue('null')).toBe(null);
    expect(load(MINIMAL, ['description=a=b']).description).toBe('a=b');
  });

  it('applies overrides in order: the last one wins', () => {
    expect(load(MINIMAL, ['seed=5', 'seed=9']).seed).toBe(9);
  });

  it('indexes existing array items with dots or brackets', () => {
    const raw = scenarioWith({ ...{ clients: { count: 1, ratePerSecond: 1, spikes: [{ startMs: 0, durationMs: 10, ratePerSecond: 5 }] } } });
    expect(load(raw, ['clients.spikes.0.ratePerSecond=50']).clients.spikes[0]?.ratePerSecond).toBe(50);
    expect(load(raw, ['clients.spikes[0].durationMs=20']).clients.spikes[0]?.durationMs).toBe(20);
  });

  it('switches between instruments and symbols: setting one removes the other', () => {
    const s = load(MINIMAL, ['instruments=[{"symbol":"Z","tickSize":1,"lotSize":1,"maxOrderQuantity":10,"referencePrice":100,"bandBps":50}]']);
    expect(s.instruments.map((i) => i.symbol)).toEqual(['Z']);
    expect(load(s.instruments ? scenarioWith({ symbols: undefined, instruments: s.instruments }) : MINIMAL, ['symbols.count=3']).instruments).toHaveLength(3);
  });

  it('validates overridden values like values in the file', () => {
    expect(issuesFor(MINIMAL, ['clients.count=0'])).toEqual(['t.json: clients.count: 0 is not allowed (must be >= 1)']);
    expect(issuesFor(MINIMAL, ['seed=abc'])).toEqual(['t.json: seed: "abc" is not allowed (must be an integer in [0, 9007199254740991])']);
  });

  it.each<[string, string]>([
    ['clients.colour=3', 'clients.colour is not a scenario key (allowed under clients: count, ratePerSecond, spikes, sizes, prices, buyProbability, types, cancelFractionPerMinute)'],
    ['latency.oneWayUs.median=3', 'latency.oneWayUs.median is not a scenario key (allowed under latency.oneWayUs: mean, sd)'],
    ['colour=red', 'colour is not a scenario key (allowed: $schema, name, description, mode, seed, durationMs, workers, engine, instruments, symbols, clients, latency, checks, thresholds, pm)'],
    ['noequals', 'must be key=value, e.g. clients.count=10'],
    ['=5', 'must be key=value, e.g. clients.count=10'],
    ['clients.count.x=1', 'clients.count is an integer in [1, 100000], so clients.count.x is not a scenario key'],
    ['clients.spikes.0.startMs=1', 'clients.spikes is not in the scenario, so it has no items to set'],
    ['clients.spikes.x=1', 'clients.spikes.x is not a scenario key (allowed under clients.spikes: an item index)'],
  ])('rejects --set %s, naming the key', (override, expected) => {
    expect(issuesFor(MINIMAL, [override])).toEqual([`t.json: --set ${override}: ${expected}`]);
  });

  it('rejects a path through a value of the wrong type in the file', () => {
    expect(issuesFor(scenarioWith({ clients: 5 }), ['clients.count=1'])[0]).toBe('t.json: --set clients.count=1: clients is 5, not an object');
  });

  it('rejects an index past the end of an existing array', () => {
    const raw = scenarioWith({ clients: { count: 1, ratePerSecond: 1, spikes: [] } });
    expect(issuesFor(raw, ['clients.spikes.0.startMs=1'])).toEqual(['t.json: --set clients.spikes.0.startMs=1: clients.spikes.0: index 0 is past the end (the array has 0 items)']);
  });

  it('lists every bad override together with the file errors', () => {
    expect(issuesFor(scenarioWith({ workers: 99 }), ['a=1', 'b=2'])).toEqual([
      't.json: --set a=1: a is not a scenario key (allowed: $schema, name, description, mode, seed, durationMs, workers, engine, instruments, symbols, clients, latency, checks, thresholds, pm)',
      't.json: --set b=2: b is not a scenario key (allowed: $schema, name, description, mode, seed, durationMs, workers, engine, instruments, symbols, clients, latency, checks, thresholds, pm)',
      't.json: workers: 99 is not allowed (must be <= 64)',
    ]);
  });

  it('applies to shipped scenarios by name', () => {
    const s = loadScenario('baseline', { overrides: ['clients.count=10', 'durationMs=1000'] });
    expect(s.clients.count).toBe(10);
    expect(s.durationMs).toBe(1000);
    expect(loadScenario('baseline').clients.count).toBe(100);
  });
});
