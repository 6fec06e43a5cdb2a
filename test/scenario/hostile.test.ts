/** Scenario text and values from a hostile-input review: clear issues, never a crash. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ISSUES_SHOWN_MAX, ScenarioError } from '../../sim/scenario/errors.js';
import { JSON_NESTING_MAX } from '../../sim/scenario/json-text.js';
import { loadScenario, ORDERS_EXPECTED_MAX, parseScenario } from '../../sim/scenario/load.js';
import { errorsOf, load, MINIMAL, scenarioWith } from './helpers.js';

function scenarioErrorOf(action: () => unknown): ScenarioError {
  try {
    action();
  } catch (error) {
    if (error instanceof ScenarioError) return error;
    throw error;
  }
  throw new Error('expected a ScenarioError');
}

describe('scenario JSON text', () => {
  it('refuses nesting deeper than JSON_NESTING_MAX with its line and column, not a stack overflow', () => {
    const text = `{"x":${'['.repeat(200_000)}`;
    expect(errorsOf(() => parseScenario(text, 'deep.json'))).toEqual([
      `deep.json: not accepted at line 1, column ${6 + JSON_NESTING_MAX - 1}: arrays and objects nested more than ${JSON_NESTING_MAX} deep (at most ${JSON_NESTING_MAX})`,
    ]);
  });

  it('refuses a key given twice in one object, naming the key and its line', () => {
    const text = '{\n  "name": "a",\n  "description": "d",\n  "name": "b"\n}';
    expect(errorsOf(() => parseScenario(text, 'dup.json'))).toEqual(['dup.json: not accepted at line 4, column 3: key "name" is given twice in one object (each key at most once)']);
    // The same key in different objects is fine.
    const nested = JSON.stringify({ ...MINIMAL, clients: { count: 1, ratePerSecond: 1, sizes: { mean: 100, sd: 1 } }, latency: { oneWayUs: { mean: 50, sd: 1 } } });
    expect(parseScenario(nested, 'ok.json').name).toBe('t');
  });

  it('accepts a UTF-8 byte order mark', () => {
    expect(parseScenario(`\uFEFF${JSON.stringify(MINIMAL)}`, 'bom.json').name).toBe('t');
  });
});

describe('huge invalid arrays', () => {
  it('validates 65,536 instruments each missing its fields, listing the first issues and counting the rest', () => {
    const raw = scenarioWith({ symbols: undefined, instruments: Array.from({ length: 65_536 }, () => ({})) });
    const error = scenarioErrorOf(() => load(raw));
    expect(error.issues.length).toBeGreaterThan(65_536);
    expect(error.lines).toHaveLength(ISSUES_SHOWN_MAX + 1);
    expect(error.lines[0]).toMatch(/^t\.json: instruments\[0\]\.symbol: missing/);
    expect(error.lines.at(-1)).toBe(`t.json: ... and ${(error.issues.length - ISSUES_SHOWN_MAX).toLocaleString('en-US')} more problems (${error.issues.length.toLocaleString('en-US')} in all; the first ${ISSUES_SHOWN_MAX} are shown)`);
    expect(error.message.split('\n')).toHaveLength(ISSUES_SHOWN_MAX + 1);
  });

  it('validates 400,000 bad thresholds and 400,000 null spikes without overflowing the stack', () => {
    const thresholds = scenarioErrorOf(() => load(scenarioWith({ thresholds: Array.from({ length: 400_000 }, (_, i) => i) })));
    // One per item, and one for the array's length.
    expect(thresholds.issues.length).toBeGreaterThanOrEqual(400_000);
    expect(thresholds.lines).toHaveLength(ISSUES_SHOWN_MAX + 1);
    expect(thresholds.lines.at(-1)).toMatch(/^t\.json: \.\.\. and 399,90\d more problems \(400,00\d in all; the first 100 are shown\)$/);
    const spikes = scenarioErrorOf(() => load(scenarioWith({ clients: { count: 1, ratePerSecond: 1, spikes: Array.from({ length: 400_000 }, () => null) } })));
    expect(spikes.issues.length).toBeGreaterThanOrEqual(400_000);
    expect(spikes.lines[0]).toMatch(/^t\.json: clients\.spikes(\[0\])?: /);
  });
});

const FLIPS = { kind: 'flips', periodMs: 10, quantity: 100 };

describe('bounds that keep a run finite', () => {
  it('refuses a flips period, a step time or a convergence time out of range, naming the range', () => {
    expect(errorsOf(() => load(scenarioWith({ pm: { strategy: { ...FLIPS, periodMs: 1e-9 } } })))).toEqual(['t.json: pm.strategy.periodMs: 1e-9 is not allowed (must be >= 1)']);
    expect(errorsOf(() => load(scenarioWith({ pm: { strategy: { ...FLIPS, periodMs: 1e9 } } })))).toEqual(['t.json: pm.strategy.periodMs: 1000000000 is not allowed (must be <= 86400000)']);
    expect(errorsOf(() => load(scenarioWith({ pm: { strategy: FLIPS, convergeWithinMs: 1e-9 } })))).toEqual(['t.json: pm.convergeWithinMs: 1e-9 is not allowed (must be >= 1)']);
    expect(errorsOf(() => load(scenarioWith({ pm: { strategy: { kind: 'steps', steps: [{ atMs: 1e12, symbol: 0, target: 100 }] } } })))).toContain('t.json: pm.strategy.steps[0].atMs: 1000000000000 is not allowed (must be <= 86400000)');
  });

  it('refuses a run expected to send more than ORDERS_EXPECTED_MAX orders, giving the estimate and the limit', () => {
    expect(errorsOf(() => load(scenarioWith({ durationMs: 10_000, clients: { count: 5, ratePerSecond: 1e9 } })))).toEqual([
      `t.json: clients.ratePerSecond: 1000000000 with clients.count 5 over durationMs 10000 is about 50,000,000,000 orders (spikes included), which is not allowed (at most ${ORDERS_EXPECTED_MAX.toLocaleString('en-US')} per run: lower the rate, the clients or the duration)`,
    ]);
    // Spikes count: a short burst far above the base rate.
    const spiky = { count: 1, ratePerSecond: 1, spikes: [{ startMs: 0, durationMs: 1000, ratePerSecond: 1e8 }] };
    expect(errorsOf(() => load(scenarioWith({ clients: spiky }))).join('\n')).toContain('about 100,000,000 orders');
    expect(load(scenarioWith({ clients: { count: 100, ratePerSecond: 100 }, durationMs: 60_000 })).clients.count).toBe(100);
  });

  it('names the flags that pushed a run over ORDERS_EXPECTED_MAX, beside the file whose rate they multiply', () => {
    const flagged = (flagFields: Record<string, string>) => errorsOf(() => loadScenario('smoke', { overrides: ['durationMs=7200000', 'clients.count=5000'], flagFields }));
    expect(flagged({ durationMs: '--duration', 'clients.count': '--clients' })).toEqual([
      `smoke.json with --clients and --duration: clients.ratePerSecond: 50 with clients.count 5000 over durationMs 7200000 is about 1,800,000,000 orders (spikes included), which is not allowed (at most ${ORDERS_EXPECTED_MAX.toLocaleString('en-US')} per run: lower the rate, the clients or the duration)`,
    ]);
    expect(flagged({ durationMs: '--duration' })[0]).toMatch(/^smoke\.json with --duration: clients\.ratePerSecond: 50 /);
    expect(flagged({})[0]).toMatch(/^smoke\.json: clients\.ratePerSecond: 50 /);
  });
});

describe('files that are not scenarios', () => {
  it('refuses a device and names the schema as the schema', () => {
    expect(errorsOf(() => loadScenario('/dev/zero'))).toEqual(['/dev/zero: not a regular file (a device, pipe or socket); name a scenario file']);
    expect(errorsOf(() => loadScenario('scenario.schema'))[0]).toMatch(/^scenario\.schema: this is the scenario schema \(scenarios\/scenario\.schema\.json\), which describes scenario files; it is not a scenario \(names: baseline, /);
  });
});

describe('pm.options.journalPath is checked at load', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'lobsim-journal-'));
  const withJournal = (journalPath: string) => scenarioWith({ pm: { options: { journalPath }, strategy: FLIPS } });

  it('refuses the scenario file itself, a path through a file and an existing non-journal file', () => {
    const scenarioFile = path.join(dir, 's.json');
    writeFileSync(scenarioFile, JSON.stringify(withJournal(scenarioFile)));
    expect(errorsOf(() => loadScenario(scenarioFile))).toEqual([`${scenarioFile}: pm.options.journalPath: "${scenarioFile}" is not allowed (it is this scenario file: the PM appends its journal there; name a file of its own)`]);
    expect(errorsOf(() => load(withJournal(`${scenarioFile}/j.log`)))).toEqual([`t.json: pm.options.journalPath: "${scenarioFile}/j.log" is not allowed (${scenarioFile} is not a folder)`]);
    const other = path.join(dir, 'notes.txt');
    writeFileSync(other, 'my notes\n');
    expect(errorsOf(() => load(withJournal(other)))[0]).toContain('it is an existing file that is not a PM journal');
  });

  it('accepts a new file, one in a folder the run makes (its --out), and an existing journal', () => {
    expect(load(withJournal(path.join(dir, 'new.log'))).pm?.options.journalPath).toBe(path.join(dir, 'new.log'));
    expect(load(withJournal(path.join(dir, 'out-to-be', 'pm.journal'))).pm?.options.journalPath).toBe(path.join(dir, 'out-to-be', 'pm.journal'));
    const journal = path.join(dir, 'old.log');
    writeFileSync(journal, '{"k":"hdr","v":1,"owner":2,"ns":0}\n');
    expect(() => load(withJournal(journal))).not.toThrow();
  });
});

describe('overrides under pm.options', () => {
  it('takes any PM option, checked by the PM', () => {
    const raw = scenarioWith({ pm: { strategy: FLIPS } });
    expect(load(raw, ['pm.options.crossTicks=2']).pm?.options.crossTicks).toBe(2);
    expect(errorsOf(() => load(raw, ['pm.options.crossTicks=-2']))).toEqual(['t.json: pm.options: crossTicks: must be an integer in [0, 1000000], got -2']);
    expect(errorsOf(() => load(raw, ['pm.options.crossTick=2']))[0]).toMatch(/^t\.json: pm\.options: crossTick: unknown option \(allowed: .*crossTicks/);
  });
});
