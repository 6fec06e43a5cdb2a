import { mean } from 'simple-statistics';
import { describe, expect, it } from 'vitest';
import { LognormalSize, lognormalParams } from '../../sim/flow/lognormal-size.js';
import { RandomStreams } from '../../sim/random/streams.js';
import { ALPHA, chiSquareTest, ksTest, normalCdf, report } from './stat-helpers.js';

const SEED = 7002;
const N = 50_000;

describe('LognormalSize', () => {
  const streams = new RandomStreams(SEED);

  it('converts mean and sd to mu and sigma (the seed: mean 100, sd 200)', () => {
    const { mu, sigma } = lognormalParams(100, 200);
    expect(sigma).toBeCloseTo(Math.sqrt(Math.log(5)), 14);
    expect(mu).toBeCloseTo(Math.log(100) - Math.log(5) / 2, 14);
    // Back to the moments: E = exp(mu + sigma^2/2), Var = (exp(sigma^2) - 1) E^2.
    expect(Math.exp(mu + (sigma * sigma) / 2)).toBeCloseTo(100, 10);
    expect(Math.sqrt(Math.expm1(sigma * sigma)) * 100).toBeCloseTo(200, 10);
  });

  it('draws ln(size) from N(mu, sigma) before rounding (KS), with the target mean', () => {
    const sizes = new LognormalSize(streams.stream('client/1/sizes'));
    const raw: number[] = [];
    for (let i = 0; i < N; i++) {
      sizes.next();
      raw.push(sizes.lastRaw);
    }
    const logs = raw.map(Math.log);
    const result = ksTest(logs, normalCdf(sizes.mu, sizes.sigma));
    report(`ln(size) KS vs N(${sizes.mu.toFixed(4)}, ${sizes.sigma.toFixed(4)})`, result);
    expect(result.pValue).toBeGreaterThan(ALPHA);
    expect(ksTest(logs, normalCdf(sizes.mu, sizes.sigma * 1.06)).pValue).toBeLessThan(ALPHA);
    // The standard error of the mean is sd / sqrt(n) = 0.89; allow 4 of them.
    const sampleMean = mean(raw);
    console.log(`[stat] raw size mean ${sampleMean.toFixed(2)} (target 100, 4 s.e. = ${(4 * 200 / Math.sqrt(N)).toFixed(2)})`);
    expect(Math.abs(sampleMean - 100)).toBeLessThan((4 * 200) / Math.sqrt(N));
  });

  it('rounds to whole lots, at least one, capped (chi-square against the exact rounded distribution)', () => {
    const lotSize = 10;
    const maxLots = 60;
    const sizes = new LognormalSize(streams.stream('client/2/sizes'), { mean: 100, sd: 200, lotSize, maxLots });
    const lots: number[] = [];
    let mismatches = 0;
    for (let i = 0; i < N; i++) {
      const drawn = sizes.next();
      if (drawn !== Math.min(maxLots, Math.max(1, Math.round(sizes.lastRaw / lotSize)))) mismatches++;
      lots.push(drawn);
    }
    expect(mismatches).toBe(0);
    expect(lots.every((l) => Number.isInteger(l) && l >= 1 && l <= maxLots)).toBe(true);
    // Cells of lots [from, to]; the first absorbs the raise to one lot, the last the cap.
    const cells: [number, number][] = [[1, 1], [2, 2], [3, 3], [4, 4], [5, 6], [7, 9], [10, 14], [15, 29], [30, 59], [60, 60]];
    const rawCdf = (q: number): number => (q <= 0 ? 0 : normalCdf(sizes.mu, sizes.sigma)(Math.log(q)));
    const edge = (l: number): number => (l + 0.5) * lotSize;
    const expected = cells.map(([from, to], i) => N * ((i === cells.length - 1 ? 1 : rawCdf(edge(to))) - (i === 0 ? 0 : rawCdf(edge(from - 1)))));
    const observed = cells.map(([from, to]) => lots.filter((l) => l >= from && l <= to).length);
    const result = chiSquareTest(observed, expected);
    report(`rounded lots (lot 10, cap 60) chi-square, cells ${observed.join('/')}`, result);
    expect(result.pValue).toBeGreaterThan(ALPHA);
    // Floor instead of round would be rejected.
    const floored = cells.map(([from, to]) => N * (rawCdf((to + 1) * lotSize) - rawCdf(from * lotSize)));
    floored[0] = N * rawCdf(2 * lotSize);
    floored[cells.length - 1] = N * (1 - rawCdf(60 * lotSize));
    expect(chiSquareTest(observed, floored).pValue).toBeLessThan(ALPHA);
  });

  it('rejects bad options, naming the field and the range', () => {
    const stream = streams.stream('bad');
    expect(() => new LognormalSize(stream, { mean: 0 })).toThrow(/size\.mean: must be a number in \(0, /);
    expect(() => new LognormalSize(stream, { sd: -1 })).toThrow(/size\.sd: must be a number in \[0, /);
    expect(() => new LognormalSize(stream, { lotSize: 1.5 })).toThrow(/size\.lotSize: must be an integer in \[1, 4294967295\]/);
    expect(() => new LognormalSize(stream, { maxLots: 0 })).toThrow(/size\.maxLots/);
    expect(() => new LognormalSize(stream, { meen: 1 } as never)).toThrow(/size\.meen: unknown option/);
  });
});
