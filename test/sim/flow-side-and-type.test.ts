import { describe, expect, it } from 'vitest';
import { OrderType, Side } from '../../engine/protocol.js';
import { OrderTypeMix } from '../../sim/flow/order-type-mix.js';
import { SideSampler } from '../../sim/flow/side.js';
import { RandomStreams } from '../../sim/random/streams.js';
import { ALPHA, chiSquareTest, histogram, report } from './stat-helpers.js';

const SEED = 7004;
const N = 50_000;

describe('SideSampler', () => {
  const streams = new RandomStreams(SEED);

  it.each([0.5, 0.8])('buys with probability %s (chi-square)', (buyProbability) => {
    const sides = new SideSampler(streams.stream(`client/${buyProbability}/sides`), { buyProbability });
    const observed = histogram(Array.from({ length: N }, () => sides.next()), 2);
    const result = chiSquareTest(observed, [buyProbability * N, (1 - buyProbability) * N]);
    report(`side p(buy)=${buyProbability}: buys/sells ${observed.join('/')}`, result);
    expect(result.pValue).toBeGreaterThan(ALPHA);
    expect(chiSquareTest(observed, [(buyProbability + 0.02) * N, (0.98 - buyProbability) * N]).pValue).toBeLessThan(ALPHA);
  });

  it('returns the engine side codes and validates buyProbability', () => {
    expect(new SideSampler(streams.stream('all-buy'), { buyProbability: 1 }).next()).toBe(Side.BUY);
    expect(new SideSampler(streams.stream('all-sell'), { buyProbability: 0 }).next()).toBe(Side.SELL);
    expect(() => new SideSampler(streams.stream('bad'), { buyProbability: 1.1 })).toThrow(/side\.buyProbability: must be a number in \[0, 1\], got 1\.1/);
  });
});

describe('OrderTypeMix', () => {
  const streams = new RandomStreams(SEED);
  const cellOf = (code: number): number => code - OrderType.LIMIT; // LIMIT=1 .. POST_ONLY=5 -> 0 .. 4

  it('matches the seed mix of 90% GTC (LIMIT) and 10% FAK (IOC) by default (chi-square)', () => {
    const mix = new OrderTypeMix(streams.stream('client/1/types'));
    const observed = histogram(Array.from({ length: N }, () => cellOf(mix.next())), 5);
    expect(observed.slice(2)).toEqual([0, 0, 0]);
    const result = chiSquareTest(observed.slice(0, 2), [0.9 * N, 0.1 * N]);
    report(`type mix default LIMIT/IOC ${observed.slice(0, 2).join('/')}`, result);
    expect(result.pValue).toBeGreaterThan(ALPHA);
    expect(chiSquareTest(observed.slice(0, 2), [0.89 * N, 0.11 * N]).pValue).toBeLessThan(ALPHA);
  });

  it('matches arbitrary weights over all five types, zero weights never drawn (chi-square)', () => {
    const weights = { LIMIT: 5, IOC: 2, FOK: 0, MARKET: 1, POST_ONLY: 2 };
    const mix = new OrderTypeMix(streams.stream('client/2/types'), weights);
    expect(mix.probabilities).toEqual([0.5, 0.2, 0, 0.1, 0.2]);
    const observed = histogram(Array.from({ length: N }, () => cellOf(mix.next())), 5);
    expect(observed[2]).toBe(0);
    const cells = [0, 1, 3, 4];
    const result = chiSquareTest(cells.map((c) => observed[c]!), cells.map((c) => mix.probabilities[c]! * N));
    report(`type mix 5:2:0:1:2 ${observed.join('/')}`, result);
    expect(result.pValue).toBeGreaterThan(ALPHA);
  });

  it('rejects bad weights, naming the field and the range', () => {
    const stream = streams.stream('bad');
    expect(() => new OrderTypeMix(stream, { LIMIT: -1 })).toThrow(/orderTypes\.LIMIT: must be a number in \[0, /);
    expect(() => new OrderTypeMix(stream, { LIMIT: 0 })).toThrow(/at least one weight must be > 0/);
    expect(() => new OrderTypeMix(stream, { GTC: 1 } as never)).toThrow(/orderTypes\.GTC: unknown option \(allowed: LIMIT, IOC, FOK, MARKET, POST_ONLY\)/);
  });
});
