import seedrandom from 'seedrandom';
import { sampleCorrelation } from 'simple-statistics';
import { describe, expect, it } from 'vitest';
import { LobsimError } from '../../engine/errors.js';
import { clientStreamName, RandomStreams, type RandomStream } from '../../sim/random/streams.js';
import {
  ALPHA,
  chiSquareTest,
  exponentialCdf,
  histogram,
  ksTest,
  normalCdf,
  report,
  uniformCdf,
} from './stat-helpers.js';

const SEED = 20240611;
const N = 50_000;

const draws = (stream: RandomStream, count: number, draw: (s: RandomStream) => number = (s) => s.next()): number[] =>
  Array.from({ length: count }, () => draw(stream));

describe('RandomStreams: determinism and independence', () => {
  it('pins the first draws of a known seed (same values on every run and machine)', () => {
    const stream = new RandomStreams(42).stream('client/0/arrivals');
    // Alea outputs are multiples of 2^-32; pin them as integers to compare exactly.
    const pinned = draws(stream, 4).map((u) => u * 2 ** 32);
    expect(pinned).toEqual([1174777739, 1844392355, 2265941715, 17583754]);
    // The seeding rule is part of the contract: Alea seeded with `${rootSeed}/${name}`.
    const direct = seedrandom.alea('42/client/0/arrivals');
    expect([direct(), direct(), direct(), direct()].map((u) => u * 2 ** 32)).toEqual(pinned);
  });

  it('gives the same sequence for the same seed and name', () => {
    const a = new RandomStreams(SEED).stream('client/3/sizes');
    const b = new RandomStreams(SEED).stream('client/3/sizes');
    expect(draws(a, 1000)).toEqual(draws(b, 1000));
  });

  it('gives different sequences for different names and different seeds', () => {
    const streams = new RandomStreams(SEED);
    const base = draws(streams.stream('client/1/prices'), 100);
    expect(draws(streams.stream('client/2/prices'), 100)).not.toEqual(base);
    expect(draws(streams.stream('client/1/sides'), 100)).not.toEqual(base);
    expect(draws(new RandomStreams(SEED + 1).stream('client/1/prices'), 100)).not.toEqual(base);
    expect(draws(new RandomStreams(String(SEED)).stream('client/1/prices'), 100)).toEqual(base);
  });

  it('does not shift a stream when another stream draws more, or is created earlier', () => {
    const quiet = new RandomStreams(SEED);
    const reference = draws(quiet.stream('client/7/arrivals'), 500);

    const busy = new RandomStreams(SEED);
    const noisy = busy.stream('client/7/sizes');
    draws(noisy, 1234);
    const target = busy.stream('client/7/arrivals');
    const interleaved: number[] = [];
    for (let i = 0; i < 500; i++) {
      interleaved.push(target.next());
      for (let k = 0; k <= i % 5; k++) noisy.normal(0, 1);
    }
    expect(interleaved).toEqual(reference);
  });

  it('keeps the normal spare per stream: normals in one stream do not change another', () => {
    const a = new RandomStreams(SEED);
    const b = new RandomStreams(SEED);
    const x = a.stream('x');
    const y = a.stream('y');
    x.normal(0, 1); // leaves a spare in x only
    const fromY = draws(y, 10, (s) => s.normal(0, 1));
    expect(fromY).toEqual(draws(b.stream('y'), 10, (s) => s.normal(0, 1)));
  });

  it('shows no correlation between neighbouring streams (|r| < 4 / sqrt(n))', () => {
    const streams = new RandomStreams(SEED);
    const a = draws(streams.stream('client/1/arrivals'), N);
    const b = draws(streams.stream('client/2/arrivals'), N);
    const c = draws(streams.stream('client/1/arrivalt'), N);
    const bound = 4 / Math.sqrt(N);
    const rab = sampleCorrelation(a, b);
    const rac = sampleCorrelation(a, c);
    console.log(`[stat] correlation client/1 vs client/2 r=${rab.toPrecision(3)}, vs 1-char-off name r=${rac.toPrecision(3)}, bound ${bound.toPrecision(3)}`);
    expect(Math.abs(rab)).toBeLessThan(bound);
    expect(Math.abs(rac)).toBeLessThan(bound);
    // The bound can fail: a correlated pair exceeds it.
    const mixed = a.map((v, i) => 0.9 * v + 0.1 * (b[i] as number));
    expect(Math.abs(sampleCorrelation(a, mixed))).toBeGreaterThan(bound);
  });

  it('hands each name out once and validates names and seeds', () => {
    const streams = new RandomStreams(SEED);
    streams.stream('client/1/types');
    expect(() => streams.stream('client/1/types')).toThrow(/already taken/);
    expect(() => streams.stream('')).toThrow(LobsimError);
    expect(() => new RandomStreams(Number.NaN)).toThrow(/rootSeed/);
    expect(clientStreamName(17, 'arrivals')).toBe('client/17/arrivals');
    expect(() => clientStreamName(-1, 'sizes')).toThrow(/clientId/);
  });
});

describe('RandomStream: distributions at a fixed seed', () => {
  const streams = new RandomStreams(SEED);

  it('next() is uniform on [0, 1) (KS)', () => {
    const sample = draws(streams.stream('uniform'), N);
    const result = ksTest(sample, uniformCdf);
    report('next() vs U(0,1) KS', result);
    expect(result.pValue).toBeGreaterThan(ALPHA);
    expect(Math.min(...sample)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...sample)).toBeLessThan(1);
    expect(ksTest(sample.map((u) => u * 0.98), uniformCdf).pValue).toBeLessThan(ALPHA);
  });

  it('gives uniform KS p-values across 40 named streams (a test of the tests and of stream seeding)', () => {
    const root = new RandomStreams(SEED);
    const pValues = Array.from({ length: 40 }, (_, k) => ksTest(draws(root.stream(`client/${k}/prices`), 10_000), uniformCdf).pValue);
    const result = ksTest(pValues, uniformCdf);
    report('KS p-values of 40 streams vs U(0,1)', result);
    expect(result.pValue).toBeGreaterThan(ALPHA);
  });

  it('int(min, max) is uniform over the inclusive range (chi-square)', () => {
    const stream = streams.stream('int');
    const sample = draws(stream, N, (s) => s.int(-3, 6));
    expect(Math.min(...sample)).toBe(-3);
    expect(Math.max(...sample)).toBe(6);
    const observed = histogram(sample.map((v) => v + 3), 10);
    const result = chiSquareTest(observed, new Array(10).fill(N / 10));
    report('int(-3, 6) chi-square', result);
    expect(result.pValue).toBeGreaterThan(ALPHA);
    expect(() => stream.int(2, 1)).toThrow(RangeError);
    expect(() => stream.int(0, 2 ** 32)).toThrow(RangeError);
    expect(stream.int(5, 5)).toBe(5);
  });

  it('normal(mean, sd) matches N(mean, sd) (KS)', () => {
    const sample = draws(streams.stream('normal'), N, (s) => s.normal(10, 3));
    const result = ksTest(sample, normalCdf(10, 3));
    report('normal(10, 3) KS', result);
    expect(result.pValue).toBeGreaterThan(ALPHA);
    expect(ksTest(sample, normalCdf(10, 3.2)).pValue).toBeLessThan(ALPHA);
    expect(ksTest(sample, normalCdf(10.15, 3)).pValue).toBeLessThan(ALPHA);
  });

  it('exponential(rate) matches Exp(rate) (KS)', () => {
    const sample = draws(streams.stream('exponential'), N, (s) => s.exponential(2.5));
    const result = ksTest(sample, exponentialCdf(2.5));
    report('exponential(2.5) KS', result);
    expect(result.pValue).toBeGreaterThan(ALPHA);
    expect(ksTest(sample, exponentialCdf(2.5 * 1.06)).pValue).toBeLessThan(ALPHA);
    expect(() => streams.stream('exponential-bad').exponential(0)).toThrow(RangeError);
  });

  it('chance(p) and pick(items) hit their frequencies (chi-square)', () => {
    const stream = streams.stream('chance');
    const hits = draws(stream, N, (s) => (s.chance(0.3) ? 1 : 0));
    const chance = chiSquareTest(histogram(hits, 2), [0.7 * N, 0.3 * N]);
    report('chance(0.3) chi-square', chance);
    expect(chance.pValue).toBeGreaterThan(ALPHA);
    expect(chiSquareTest(histogram(hits, 2), [0.68 * N, 0.32 * N]).pValue).toBeLessThan(ALPHA);

    const items = ['a', 'b', 'c', 'd'] as const;
    const picks = draws(streams.stream('pick'), N, (s) => items.indexOf(s.pick(items)));
    const pick = chiSquareTest(histogram(picks, 4), [N / 4, N / 4, N / 4, N / 4]);
    report('pick(4 items) chi-square', pick);
    expect(pick.pValue).toBeGreaterThan(ALPHA);
    expect(() => stream.pick([])).toThrow(RangeError);
    expect(() => stream.chance(1.5)).toThrow(RangeError);
  });
});
