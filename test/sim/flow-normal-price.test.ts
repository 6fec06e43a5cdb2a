import { describe, expect, it } from 'vitest';
import { Side } from '../../engine/protocol.js';
import { NormalPrice, PriceComponent } from '../../sim/flow/normal-price.js';
import { RandomStreams } from '../../sim/random/streams.js';
import { ALPHA, chiSquareTest, halfNormalCdf, histogram, ksTest, normalCdf, report } from './stat-helpers.js';

const SEED = 7003;
const N = 40_000;
const MID = 10_000.5; // ticks: bid 10000, ask 10001
const BID = 10_000;
const ASK = 10_001;

describe('NormalPrice: core component (the seed: N(mid, 0.5% of mid))', () => {
  const streams = new RandomStreams(SEED);

  it('draws the raw price from N(mid, sigmaFraction * mid) (KS) and rounds it to the tick', () => {
    const prices = new NormalPrice(streams.stream('client/1/prices'), { sigmaFraction: 0.005, depthFraction: 0, crossFraction: 0 });
    const raw: number[] = [];
    let offTick = 0;
    for (let i = 0; i < N; i++) {
      const price = prices.next(i % 2 === 0 ? Side.BUY : Side.SELL, MID, BID, ASK);
      if (price !== Math.round(prices.lastRaw) || prices.lastComponent !== PriceComponent.CORE) offTick++;
      raw.push(prices.lastRaw);
    }
    expect(offTick).toBe(0);
    const sigma = 0.005 * MID;
    const result = ksTest(raw, normalCdf(MID, sigma));
    report(`core raw price KS vs N(${MID}, ${sigma.toFixed(2)})`, result);
    expect(result.pValue).toBeGreaterThan(ALPHA);
    expect(ksTest(raw, normalCdf(MID, sigma * 1.06)).pValue).toBeLessThan(ALPHA);
    expect(ksTest(raw, normalCdf(MID + 2, sigma)).pValue).toBeLessThan(ALPHA);
  });

  it('keeps every price at least one tick, however wide sigma is against the mid', () => {
    const prices = new NormalPrice(streams.stream('client/2/prices'), { sigmaFraction: 1, depthFraction: 0.5, crossFraction: 0.5 });
    let belowOne = 0;
    let clamped = 0;
    for (let i = 0; i < 10_000; i++) {
      const price = prices.next(i % 2 === 0 ? Side.BUY : Side.SELL, 3, 2, 4);
      if (!Number.isInteger(price) || price < 1) belowOne++;
      if (price === 1 && prices.lastRaw < 0.5) clamped++;
    }
    expect(belowOne).toBe(0);
    expect(clamped).toBeGreaterThan(1000); // the floor was exercised, not vacuous
  });
});

describe('NormalPrice: depth and crossing mixture', () => {
  const streams = new RandomStreams(SEED);
  const options = { sigmaFraction: 0.002, depthFraction: 0.25, crossFraction: 0.15, depthOffsetSigmas: 2 };

  it('picks the components with their fractions (chi-square)', () => {
    const prices = new NormalPrice(streams.stream('client/3/prices'), options);
    const components: number[] = [];
    for (let i = 0; i < N; i++) {
      prices.next(Side.BUY, MID, BID, ASK);
      components.push(prices.lastComponent);
    }
    const observed = histogram(components, 3);
    const result = chiSquareTest(observed, [0.6 * N, 0.25 * N, 0.15 * N]);
    report(`components core/depth/cross ${observed.join('/')}`, result);
    expect(result.pValue).toBeGreaterThan(ALPHA);
    expect(chiSquareTest(observed, [0.62 * N, 0.23 * N, 0.15 * N]).pValue).toBeLessThan(ALPHA);
  });

  it('places depth orders behind the touch by sigma * (offset + |Z|) (KS on |Z|), crossing orders through it', () => {
    const prices = new NormalPrice(streams.stream('client/4/prices'), options);
    const sigma = options.sigmaFraction * MID;
    const depthZ: number[] = [];
    const crossZ: number[] = [];
    let misplaced = 0;
    for (let i = 0; i < N; i++) {
      const buy = i % 2 === 0;
      const price = prices.next(buy ? Side.BUY : Side.SELL, MID, BID, ASK);
      if (prices.lastComponent === PriceComponent.DEPTH) {
        if (buy ? price >= BID : price <= ASK) misplaced++;
        depthZ.push((buy ? BID - prices.lastRaw : prices.lastRaw - ASK) / sigma - options.depthOffsetSigmas);
      } else if (prices.lastComponent === PriceComponent.CROSS) {
        if (buy ? price < ASK : price > BID) misplaced++;
        crossZ.push((buy ? prices.lastRaw - ASK : BID - prices.lastRaw) / sigma);
      }
    }
    expect(misplaced).toBe(0);
    const depth = ksTest(depthZ, halfNormalCdf);
    const cross = ksTest(crossZ, halfNormalCdf);
    report(`depth offset |Z| KS vs half-normal, n=${depthZ.length}`, depth);
    report(`crossing offset |Z| KS vs half-normal, n=${crossZ.length}`, cross);
    expect(depth.pValue).toBeGreaterThan(ALPHA);
    expect(cross.pValue).toBeGreaterThan(ALPHA);
    expect(ksTest(depthZ.map((z) => z + 0.1), halfNormalCdf).pValue).toBeLessThan(ALPHA);
  });

  it('anchors on the mid when a side of the book is empty', () => {
    const prices = new NormalPrice(streams.stream('client/5/prices'), { sigmaFraction: 0.001, depthFraction: 0, crossFraction: 1 });
    for (let i = 0; i < 100; i++) expect(prices.next(Side.BUY, MID)).toBeGreaterThanOrEqual(Math.ceil(MID));
  });

  it('rejects bad options, naming the field and the range', () => {
    const stream = streams.stream('bad');
    expect(() => new NormalPrice(stream, { sigmaFraction: 0 })).toThrow(/price\.sigmaFraction: must be a number in \(0, 1\]/);
    expect(() => new NormalPrice(stream, { depthFraction: 0.7, crossFraction: 0.4 })).toThrow(/depthFraction \+ crossFraction must be in \[0, 1\]/);
    expect(() => new NormalPrice(stream, { depthOffsetSigmas: -1 })).toThrow(/price\.depthOffsetSigmas: must be a number in \[0, 100\]/);
    expect(() => new NormalPrice(stream, { sigma: 1 } as never)).toThrow(/price\.sigma: unknown option/);
    expect(() => new NormalPrice(stream).next(Side.BUY, 0)).toThrow(RangeError);
  });
});
