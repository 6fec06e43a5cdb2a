import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readResult, validateResult } from '../../reports/read-result.js';
import { readSweep } from '../../reports/read-sweep.js';
import { BASELINE_DIR, readJson, tempDir } from './fixtures.js';

const seedFile = path.join(BASELINE_DIR, 'seed-1', 'result.json');

describe('reading result files', () => {
  it('reads a valid result and a sweep folder', () => {
    expect(readResult(seedFile).seed).toBe(1);
    const sweep = readSweep(BASELINE_DIR);
    expect(sweep.results.map((r) => r.seed)).toEqual(sweep.summary.seeds);
  });

  it('refuses another schema version, saying which it reads', () => {
    const json = { ...readJson<object>(seedFile), schemaVersion: 2 };
    expect(() => validateResult(json, 'x.json')).toThrow("x.json: schemaVersion is 2; this lobsim reads version 1");
  });

  it('names a missing or mistyped field', () => {
    const json = readJson<Record<string, any>>(seedFile);
    delete json.eventHash;
    expect(() => validateResult(json, 'x.json')).toThrow('x.json: eventHash is missing (expected string)');
    const typed = readJson<Record<string, any>>(seedFile);
    typed.metrics.counts.trades = 'many';
    expect(() => validateResult(typed, 'x.json')).toThrow('x.json: metrics.counts.trades must be a number, got string');
  });

  it('checks the book section: a book of numbers is refused, naming the item', () => {
    const json = { ...readJson<object>(seedFile), book: [1, 2, 3] };
    expect(() => validateResult(json, 'x.json')).toThrow('x.json: book.0 must be an object, got number');
    const level = { ...readJson<object>(seedFile), book: [{ symbol: 'S1', bids: [{ price: 1, quantity: 'x' }], asks: [] }] };
    expect(() => validateResult(level, 'x.json')).toThrow('x.json: book.0.bids.0.quantity must be a number, got string');
    const sides = { ...readJson<object>(seedFile), book: [{ symbol: 'S1', bids: {} }] };
    expect(() => validateResult(sides, 'x.json')).toThrow('x.json: book.0.bids must be an array, got object');
  });

  it('names a file that is not JSON, and a folder without summary.json', () => {
    const dir = tempDir('bad');
    const file = path.join(dir, 'result.json');
    writeFileSync(file, '{ nope');
    expect(() => readResult(file)).toThrow(/result.json: not valid JSON/);
    expect(() => readSweep(dir)).toThrow(/not a sweep folder \(no summary.json\)/);
  });
});
