import { describe, expect, it } from 'vitest';
import { CancelPolicy, LiveOrders, NEVER_NS } from '../../sim/flow/cancel-policy.js';
import { NS_PER_SECOND, PoissonArrivals } from '../../sim/flow/poisson-arrivals.js';
import { RandomStreams } from '../../sim/random/streams.js';
import { ALPHA, chiSquareTest, exponentialCdf, histogram, ksTest, poissonCountPValue, report } from './stat-helpers.js';

const SEED = 7005;
const MINUTE_NS = 60 * NS_PER_SECOND;

/** Cancels at a fixed live count (each cancelled order is replaced at once); returns times and picked indices. */
function cancelsAtFixedCount(policy: CancelPolicy, count: number, endNs: number): { times: number[]; picks: number[] } {
  const times: number[] = [];
  const picks: number[] = [];
  policy.update(0, count);
  for (let t = policy.nextCancelNs; t < endNs; t = policy.nextCancelNs) {
    picks.push(policy.fire(t, count));
    times.push(t);
    policy.update(t, count);
  }
  return { times, picks };
}

describe('CancelPolicy: rate fraction * active / minute', () => {
  const streams = new RandomStreams(SEED);

  it('cancels at rate f * n / 60 s with exponential gaps (the seed: 20% of 100 live orders per minute)', () => {
    const policy = new CancelPolicy(streams.stream('client/1/cancels'), { fractionPerMinute: 0.2 });
    const { times } = cancelsAtFixedCount(policy, 100, 60 * MINUTE_NS);
    const count = poissonCountPValue(times.length, 0.2 * 100 * 60);
    report(`cancels in 60 min at n=100: ${times.length} vs 1200`, count);
    expect(count.pValue).toBeGreaterThan(ALPHA);
    const ratePerSecond = (0.2 * 100) / 60;
    const gaps = times.map((t, i) => (t - (i === 0 ? 0 : times[i - 1]!)) / NS_PER_SECOND);
    const result = ksTest(gaps, exponentialCdf(ratePerSecond));
    report(`cancel gaps KS vs Exp(${ratePerSecond.toFixed(4)}/s)`, result);
    expect(result.pValue).toBeGreaterThan(ALPHA);
    expect(ksTest(gaps, exponentialCdf(ratePerSecond * 1.3)).pValue).toBeLessThan(ALPHA);
  });

  it('follows a changing live count without extra draws (integrated rate over two regimes)', () => {
    const policy = new CancelPolicy(streams.stream('client/2/cancels'));
    let n = 50;
    let cancels = 0;
    policy.update(0, n);
    const switchNs = 30 * MINUTE_NS;
    const endNs = 60 * MINUTE_NS;
    let switched = false;
    for (;;) {
      const due = policy.nextCancelNs;
      if (!switched && due >= switchNs) {
        n = 200;
        policy.update(switchNs, n);
        switched = true;
        continue;
      }
      if (due >= endNs) break;
      policy.fire(due, n);
      policy.update(due, n);
      cancels++;
    }
    const result = poissonCountPValue(cancels, 0.2 * (50 * 30 + 200 * 30));
    report(`cancels with n 50 then 200: ${cancels} vs 1500`, result);
    expect(result.pValue).toBeGreaterThan(ALPHA);
    // A policy that missed the switch would cancel about 600 times.
    expect(poissonCountPValue(cancels, 0.2 * 50 * 60).pValue).toBeLessThan(ALPHA);
  });

  it('picks uniformly among the live orders (chi-square over 10 slots)', () => {
    const policy = new CancelPolicy(streams.stream('client/3/cancels'), { fractionPerMinute: 60 });
    const { picks } = cancelsAtFixedCount(policy, 10, 1000 * NS_PER_SECOND);
    const observed = histogram(picks, 10);
    const result = chiSquareTest(observed, new Array(10).fill(picks.length / 10));
    report(`cancel picks over 10 slots, n=${picks.length}`, result);
    expect(result.pValue).toBeGreaterThan(ALPHA);
  });

  it('gives every order an Exp(f / minute) lifetime in a full arrive-and-cancel simulation (KS)', () => {
    const root = new RandomStreams(SEED);
    const arrivals = new PoissonArrivals(root.stream('client/4/arrivals'), { ratePerSecond: 1 });
    const policy = new CancelPolicy(root.stream('client/4/cancels'), { fractionPerMinute: 0.2 });
    const live = new LiveOrders();
    const bornNs = new Map<number, number>();
    const lifetimes: number[] = [];
    const endNs = 4 * 3600 * NS_PER_SECOND;
    let nextArrival = arrivals.next(0);
    let nextId = 1;
    while (Math.min(nextArrival, policy.nextCancelNs) < endNs) {
      if (nextArrival <= policy.nextCancelNs) {
        live.add(nextId);
        bornNs.set(nextId++, nextArrival);
        policy.update(nextArrival, live.size);
        nextArrival = arrivals.next(nextArrival);
      } else {
        const now = policy.nextCancelNs;
        const id = live.at(policy.fire(now, live.size));
        live.remove(id);
        // Orders born in the first half: by the end all but e^-24 of them have been cancelled.
        if (bornNs.get(id)! < endNs / 2) lifetimes.push((now - bornNs.get(id)!) / NS_PER_SECOND);
        policy.update(now, live.size);
      }
    }
    const hazardPerSecond = 0.2 / 60;
    const result = ksTest(lifetimes, exponentialCdf(hazardPerSecond));
    report(`order lifetimes, n=${lifetimes.length}, KS vs Exp(0.2/min); live at end ${live.size} (steady state 300)`, result);
    expect(result.pValue).toBeGreaterThan(ALPHA);
    expect(ksTest(lifetimes, exponentialCdf(hazardPerSecond * 1.1)).pValue).toBeLessThan(ALPHA);
  });

  it('schedules nothing without live orders or at a zero rate, and validates its inputs', () => {
    const policy = new CancelPolicy(streams.stream('client/5/cancels'));
    expect(policy.update(0, 0)).toBe(NEVER_NS);
    expect(policy.update(10, 5)).toBeGreaterThanOrEqual(10);
    expect(() => policy.update(5, 5)).toThrow(/time must be a safe integer >= the last time 10/);
    expect(() => policy.fire(20, 0)).toThrow(RangeError);
    expect(new CancelPolicy(streams.stream('zero'), { fractionPerMinute: 0 }).update(0, 100)).toBe(NEVER_NS);
    expect(() => new CancelPolicy(streams.stream('bad'), { fractionPerMinute: -0.1 })).toThrow(/cancel\.fractionPerMinute: must be a number in \[0, 1000000\]/);
  });

  it('is deterministic for the same seed', () => {
    const run = (): number[] => cancelsAtFixedCount(new CancelPolicy(new RandomStreams(SEED).stream('d')), 37, 10 * MINUTE_NS).picks;
    expect(run()).toEqual(run());
  });
});

describe('LiveOrders', () => {
  it('swap-removes deterministically and keeps ids and indices consistent', () => {
    const live = new LiveOrders();
    for (const id of [10, 11, 12, 13]) live.add(id);
    expect(live.remove(11)).toBe(true);
    expect([0, 1, 2].map((i) => live.at(i))).toEqual([10, 13, 12]);
    expect(live.remove(11)).toBe(false);
    expect(live.remove(12)).toBe(true);
    expect(live.remove(10)).toBe(true);
    expect(live.size).toBe(1);
    expect(live.at(0)).toBe(13);
    expect(live.has(13)).toBe(true);
    expect(() => live.add(13)).toThrow(/already live/);
    expect(() => live.at(1)).toThrow(RangeError);
  });
});
