import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LobsimError } from '../../engine/errors.js';
import { ScenarioError } from '../../sim/scenario/errors.js';
import { loadScenario, parseScenario } from '../../sim/scenario/load.js';
import { errorsOf, issuesFor, load, scenarioWith } from './helpers.js';

const INSTRUMENT = { symbol: 'A', tickSize: 1, lotSize: 1, maxOrderQuantity: 1, referencePrice: 1, bandBps: 1 };
const clients = (extra: Record<string, unknown>) => ({ clients: { count: 1, ratePerSecond: 1, ...extra } });

describe('scenario errors: each names the path, the value and what is allowed', () => {
  it.each<[string, Record<string, unknown>, string]>([
    ['below a minimum', { clients: { count: 0, ratePerSecond: 1 } }, 'clients.count: 0 is not allowed (must be >= 1)'],
    ['at an exclusive minimum', { clients: { count: 1, ratePerSecond: 1, sizes: { mean: 0 } } }, 'clients.sizes.mean: 0 is not allowed (must be > 0)'],
    ['below a fractional minimum', { clients: { count: 1, ratePerSecond: 0 } }, 'clients.ratePerSecond: 0 is not allowed (must be >= 0.000001)'],
    ['above a maximum', { workers: 65 }, 'workers: 65 is not allowed (must be <= 64)'],
    ['a wrong type', { durationMs: '5s' }, 'durationMs: "5s" is not allowed (must be an integer in [1, 86400000])'],
    ['a fraction for an integer', { durationMs: 1.5 }, 'durationMs: 1.5 is not allowed (must be an integer in [1, 86400000])'],
    ['a value outside an enum', { mode: 'fast' }, 'mode: "fast" is not allowed (must be one of "deterministic", "stress")'],
    ['a missing required key', { durationMs: undefined }, 'durationMs: missing (required: an integer in [1, 86400000])'],
    ['a missing nested key', { clients: { count: 1 } }, 'clients.ratePerSecond: missing (required: a number in [0.000001, 1000000000])'],
    [
      'an unknown key',
      { colour: 'red' },
      'colour: unknown key is not allowed (allowed: $schema, name, description, mode, seed, durationMs, workers, engine, instruments, symbols, clients, latency, checks, thresholds, pm)',
    ],
    ['an unknown nested key', clients({ types: { GTC: 1 } }), 'clients.types.GTC: unknown key is not allowed (allowed: LIMIT, IOC, FOK, MARKET, POST_ONLY)'],
    ['a name that is not an identifier', { name: 'Big Name' }, 'name: "Big Name" is not allowed (must match ^[a-z0-9][a-z0-9._-]*$)'],
    ['an empty instrument list', { symbols: undefined, instruments: [] }, 'instruments: an array of 0 items is not allowed (must have at least 1 item)'],
    ['an empty symbol', { symbols: undefined, instruments: [{ ...INSTRUMENT, symbol: '' }] }, 'instruments[0].symbol: "" is not allowed (must have at least 1 character)'],
    ['both instrument forms', { instruments: [INSTRUMENT] }, 'symbols: both instruments and symbols are given (give exactly one)'],
    ['neither instrument form', { symbols: undefined }, 'instruments: missing (required: instruments or symbols, exactly one)'],
    ['duplicate symbols (the engine check)', { symbols: undefined, instruments: [INSTRUMENT, INSTRUMENT] }, 'instruments[1].symbol: duplicate of instruments[0].symbol ("A")'],
    ['generated quantities off the lot', { symbols: { count: 2, lotSize: 3 } }, 'symbols.maxOrderQuantity: must be a multiple of lotSize 3, got 1000000'],
    [
      'generated symbols too long',
      { symbols: { count: 100, prefix: 'ABCDEFGHIJKLMN' } },
      'symbols.prefix: "ABCDEFGHIJKLMN" is not allowed with count 100 (prefix + number must have at most 16 characters, got 17)',
    ],
    [
      'price mixture fractions above 1',
      clients({ prices: { depthFraction: 0.7, crossFraction: 0.5 } }),
      'clients.prices: depthFraction + crossFraction = 1.2 is not allowed (must be <= 1)',
    ],
    ['all type weights 0', clients({ types: { LIMIT: 0, IOC: 0 } }), 'clients.types: all weights are 0, which is not allowed (at least one must be > 0)'],
    [
      'a spike past the end of the run',
      clients({ spikes: [{ startMs: 500, durationMs: 600, ratePerSecond: 5 }] }),
      'clients.spikes[0]: startMs + durationMs = 1100 is not allowed (must be <= durationMs 1000: the spike must end within the run)',
    ],
    [
      'overlapping spikes',
      clients({ spikes: [{ startMs: 100, durationMs: 300, ratePerSecond: 5 }, { startMs: 200, durationMs: 100, ratePerSecond: 5 }] }),
      'clients.spikes[1].startMs: 200 is not allowed (must be >= 400, the end of the spikes before it: spikes in time order, not overlapping)',
    ],
    [
      'a pm step at the end of the run',
      { pm: { strategy: { kind: 'steps', steps: [{ atMs: 0, symbol: 0, target: 10 }, { atMs: 1000, symbol: 0, target: 0 }] } } },
      'pm.strategy.steps[1].atMs: 1000 is not allowed (must be < durationMs 1000: the step must come within the run)',
    ],
    ['a threshold that is not a string', { thresholds: [7] }, 'thresholds[0]: 7 is not allowed (must be a string)'],
    ['a pm section without a strategy', { pm: {} }, 'pm.strategy: missing (required: an object)'],
    ['a pm strategy missing a field of its kind', { pm: { strategy: { kind: 'flips', periodMs: 10 } } }, "pm.strategy: quantity: required for kind 'flips'"],
    ['a pm option out of range', { pm: { options: { crossTicks: -1 }, strategy: { kind: 'flips', periodMs: 10, quantity: 5 } } }, 'pm.options: crossTicks: must be an integer in [0, 1000000], got -1'],
  ])('%s', (_, changes, expected) => {
    expect(issuesFor(scenarioWith(changes))).toEqual([`t.json: ${expected}`]);
  });

  it('lists every error, not only the first', () => {
    const lines = issuesFor(scenarioWith({ seed: -1, workers: 65, durationMs: 0, engine: { stp: 'maybe' }, ...clients({ buyProbability: 2 }) }));
    expect(lines).toEqual([
      't.json: seed: -1 is not allowed (must be >= 0)',
      't.json: durationMs: 0 is not allowed (must be >= 1)',
      't.json: workers: 65 is not allowed (must be <= 64)',
      't.json: engine.stp: "maybe" is not allowed (must be one of "off", "cancel-incoming", "cancel-resting")',
      't.json: clients.buyProbability: 2 is not allowed (must be <= 1)',
    ]);
  });

  it('does not check a pm section against instruments that an earlier error left unresolved', () => {
    const pm = { strategy: { kind: 'steps', steps: [{ atMs: 0, symbol: 0, target: 10 }] } };
    // Before, the pm checks saw no instruments: "symbol 0 is not an instrument index (0 .. -1)".
    expect(issuesFor(scenarioWith({ seed: -1, pm }))).toEqual(['t.json: seed: -1 is not allowed (must be >= 0)']);
  });

  it('reports schema and cross-field errors together', () => {
    const lines = issuesFor(scenarioWith({ seed: -1, thresholds: ['ack.p99 <= 1 parsec'], ...clients({ types: { LIMIT: 0 } }) }));
    expect(lines).toHaveLength(3);
    expect(lines[0]).toBe('t.json: seed: -1 is not allowed (must be >= 0)');
  });

  it('rejects a file that is not an object', () => {
    expect(issuesFor([1, 2])).toEqual(['t.json: an array of 2 items is not allowed (must be an object)']);
  });

  it('is a ScenarioError with code LOBSIM_ERR_SCENARIO, one issue per line', () => {
    let caught: unknown;
    try {
      load(scenarioWith({ seed: -1, workers: 65 }));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ScenarioError);
    expect(caught).toBeInstanceOf(LobsimError);
    const error = caught as ScenarioError;
    expect(error.code).toBe('LOBSIM_ERR_SCENARIO');
    expect(error.source).toBe('t.json');
    expect(error.issues).toEqual([
      { path: 'seed', message: '-1 is not allowed (must be >= 0)' },
      { path: 'workers', message: '65 is not allowed (must be <= 64)' },
    ]);
    expect(error.message).toBe(error.lines.join('\n'));
  });
});

describe('scenario files: JSON syntax, names and paths', () => {
  it.each<[string, string]>([
    ['{\n  "a": 1,\n}', 'x.json: invalid JSON at line 3, column 1: unexpected "}" (Expected double-quoted property name in JSON at position 12)'],
    ['{"a" 1}', `x.json: invalid JSON at line 1, column 6: unexpected "1" (Expected ':' after property name in JSON at position 5)`],
    ['{"a": ', 'x.json: invalid JSON at line 1, column 7: unexpected end of input (Unexpected end of JSON input)'],
    ['{"a": }', 'x.json: invalid JSON at line 1, column 7: unexpected "}"'],
    ['[1,2]x', 'x.json: invalid JSON at line 1, column 6: unexpected "x" (Unexpected non-whitespace character after JSON at position 5)'],
  ])('bad JSON %j gives its line and column', (text, expected) => {
    const [line] = errorsOf(() => parseScenario(text, 'x.json'));
    expect(line?.startsWith(expected)).toBe(true);
  });

  it('names the shipped scenarios when a name is unknown', () => {
    expect(errorsOf(() => loadScenario('nosuch'))).toEqual([
      "nosuch: no such scenario (names: baseline, large-liquidation, smoke, spike; a file path needs a '/' or .json)",
    ]);
  });

  it('says why a file cannot be read', () => {
    expect(errorsOf(() => loadScenario('./nosuch.json'))).toEqual([`./nosuch.json: cannot read ${path.resolve('nosuch.json')} (ENOENT)`]);
  });

  it('loads a file by path and names it as given', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lobsim-scenario-'));
    const file = path.join(dir, 'mine.json');
    writeFileSync(file, JSON.stringify(scenarioWith({ name: 'mine' })));
    expect(loadScenario(file).source).toBe(file);
    writeFileSync(file, JSON.stringify(scenarioWith({ workers: -1 })));
    expect(errorsOf(() => loadScenario(file))).toEqual([`${file}: workers: -1 is not allowed (must be >= 0)`]);
  });
});
