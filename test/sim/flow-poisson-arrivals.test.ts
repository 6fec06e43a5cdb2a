import { mean, sampleVariance } from 'simple-statistics';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../engine/errors.js';
import { NS_PER_SECOND, PoissonArrivals, spikeSchedule } from '../../sim/flow/poisson-arrivals.js';
import { RandomStreams } from '../../sim/random/streams.js';
import { ALPHA, chiSquareTest, chiSquareUpperTail, exponentialCdf, ksTest, poissonCountPValue, report } from './stat-helpers.js';

const SEED = 7001;

/** Arrival times in [0, endNs). */
function arrivals(process: PoissonArrivals, endNs: number): number[] {
  const times: number[] = [];
  for (let t = process.next(0); t < endNs; t = process.next(t)) times.push(t);
  return times;
}

describe('PoissonArrivals: constant rate', () => {
  const streams = new RandomStreams(SEED);

  it('draws exponential gaps at rate lambda (KS on gaps in seconds)', () => {
    const lambda = 100; // orders per second per client (the seed)
    const times = arrivals(new PoissonArrivals(streams.stream('client/1/arrivals'), { ratePerSecond: lambda }), 400 * NS_PER_SECOND);
    const gaps = times.map((t, i) => (t - (i === 0 ? 0 : (times[i - 1] as number))) / NS_PER_SECOND);
    const result = ksTest(gaps, exponentialCdf(lambda));
    report(`gaps at ${lambda}/s, n=${gaps.length}, KS vs Exp(${lambda})`, result);
    expect(result.pValue).toBeGreaterThan(ALPHA);
    expect(ksTest(gaps, exponentialCdf(lambda * 1.06)).pValue).toBeLessThan(ALPHA);
    expect(times.every((t) => Number.isSafeInteger(t))).toBe(true);
  });

  it('counts lambda arrivals per second with Poisson dispersion (mean, and variance-to-mean chi-square)', () => {
    const lambda = 250;
    const seconds = 200;
    const times = arrivals(new PoissonArrivals(streams.stream('client/2/arrivals'), { ratePerSecond: lambda }), seconds * NS_PER_SECOND);
    const counts = new Array<number>(seconds).fill(0);
    for (const t of times) counts[Math.floor(t / NS_PER_SECOND)]! += 1;
    const total = poissonCountPValue(times.length, lambda * seconds);
    report(`total count ${times.length} vs ${lambda * seconds}`, total);
    expect(total.pValue).toBeGreaterThan(ALPHA);
    // Index of dispersion: (k - 1) s^2 / mean ~ chi-square(k - 1) for Poisson counts.
    const dispersion = ((seconds - 1) * sampleVariance(counts)) / mean(counts);
    const lowTail = 1 - chiSquareUpperTail(dispersion, seconds - 1);
    const p = 2 * Math.min(lowTail, 1 - lowTail);
    console.log(`[stat] per-second counts: mean=${mean(counts).toFixed(2)} variance=${sampleVariance(counts).toFixed(2)} dispersion=${dispersion.toFixed(1)} df=${seconds - 1} p=${p.toPrecision(4)}`);
    expect(p).toBeGreaterThan(ALPHA);
  });

  it('is deterministic and draws one uniform per arrival', () => {
    const a = arrivals(new PoissonArrivals(new RandomStreams(SEED).stream('x'), { ratePerSecond: 1000 }), NS_PER_SECOND);
    const b = arrivals(new PoissonArrivals(new RandomStreams(SEED).stream('x'), { ratePerSecond: 1000 }), NS_PER_SECOND);
    expect(a).toEqual(b);
    const stream = new RandomStreams(SEED).stream('x');
    const expected = -Math.log(1 - stream.next()) * 1e6;
    expect(a[0]).toBe(Math.round(expected));
  });
});

describe('PoissonArrivals: piecewise rate schedule (spikes)', () => {
  const streams = new RandomStreams(SEED);
  const schedule = spikeSchedule({ baseRatePerSecond: 50, spikeRatePerSecond: 2000, startNs: 20 * NS_PER_SECOND, durationNs: 5 * NS_PER_SECOND });

  it('matches the integrated rate in each segment (chi-square over segments)', () => {
    const process = new PoissonArrivals(streams.stream('client/3/arrivals'), { schedule });
    const endNs = 60 * NS_PER_SECOND;
    const times = arrivals(process, endNs);
    const bounds = [0, 20, 25, 60].map((s) => s * NS_PER_SECOND);
    const observed = [0, 1, 2].map((i) => times.filter((t) => t >= bounds[i]! && t < bounds[i + 1]!).length);
    const expected = [0, 1, 2].map((i) => process.expectedCount(bounds[i]!, bounds[i + 1]!));
    expect(expected).toEqual([1000, 10_000, 1750]);
    const result = chiSquareTest(observed, expected);
    // Counts are independent Poisson, so the sum over cells of (O - E)^2 / E is chi-square with k df.
    const p = chiSquareUpperTail(result.statistic, 3);
    report(`segment counts ${observed.join('/')} vs ${expected.join('/')}`, { statistic: result.statistic, pValue: p, df: 3 });
    expect(p).toBeGreaterThan(ALPHA);
    // Without the spike the same counts are rejected.
    expect(chiSquareUpperTail(chiSquareTest(observed, [1000, 250, 1750]).statistic, 3)).toBeLessThan(ALPHA);
    expect(process.rateAt(22 * NS_PER_SECOND)).toBe(2000);
    expect(process.rateAt(25 * NS_PER_SECOND)).toBe(50);
  });

  it('gives exponential gaps at the spike rate inside the spike (KS)', () => {
    const process = new PoissonArrivals(streams.stream('client/4/arrivals'), { schedule });
    const times = arrivals(process, 25 * NS_PER_SECOND).filter((t) => t >= 20 * NS_PER_SECOND);
    const gaps = times.slice(1).map((t, i) => (t - times[i]!) / NS_PER_SECOND);
    const result = ksTest(gaps, exponentialCdf(2000));
    report(`gaps inside the spike, n=${gaps.length}, KS vs Exp(2000)`, result);
    expect(result.pValue).toBeGreaterThan(ALPHA);
    expect(ksTest(gaps, exponentialCdf(50)).pValue).toBeLessThan(ALPHA);
  });

  it('produces no arrivals in a zero-rate segment and carries the mass across it', () => {
    const process = new PoissonArrivals(streams.stream('client/5/arrivals'), {
      schedule: [
        { startNs: 0, ratePerSecond: 100 },
        { startNs: NS_PER_SECOND, ratePerSecond: 0 },
        { startNs: 3 * NS_PER_SECOND, ratePerSecond: 100 },
      ],
    });
    const times = arrivals(process, 20 * NS_PER_SECOND);
    expect(times.some((t) => t > NS_PER_SECOND && t < 3 * NS_PER_SECOND)).toBe(false);
    const result = poissonCountPValue(times.length, process.expectedCount(0, 20 * NS_PER_SECOND));
    report(`count across a quiet gap ${times.length} vs 1800`, result);
    expect(result.pValue).toBeGreaterThan(ALPHA);
  });

  it('rejects bad options, naming the field and the range', () => {
    const stream = streams.stream('bad');
    expect(() => new PoissonArrivals(stream, { ratePerSecond: 0 })).toThrow(/arrivals\.ratePerSecond: must be a number in \(0, 1000000000\]/);
    expect(() => new PoissonArrivals(stream, {})).toThrow(/exactly one/);
    expect(() => new PoissonArrivals(stream, { ratePerSecond: 1, schedule })).toThrow(ConfigError);
    expect(() => new PoissonArrivals(stream, { schedule: [{ startNs: 5, ratePerSecond: 1 }] })).toThrow(/schedule\[0\]\.startNs: must be 0/);
    expect(() => new PoissonArrivals(stream, { schedule: [{ startNs: 0, ratePerSecond: 1 }, { startNs: 0, ratePerSecond: 2 }] })).toThrow(/schedule\[1\]\.startNs/);
    expect(() => new PoissonArrivals(stream, { schedule: [{ startNs: 0, ratePerSecond: 0 }] })).toThrow(/schedule\[0\]\.ratePerSecond/);
    expect(() => new PoissonArrivals(stream, { ratePerSecond: 1, burst: 2 } as never)).toThrow(/arrivals\.burst: unknown option/);
    expect(() => new PoissonArrivals(stream, { ratePerSecond: 1 }).next(-1)).toThrow(RangeError);
  });
});
