import { describe, expect, it } from 'vitest';
import { smallestP } from '../../reports/gate/compare-samples.js';
import { bootstrapRatioCi } from '../../reports/stats/bootstrap.js';
import { mean, median, quantileSorted } from '../../reports/stats/describe.js';
import { mannWhitneyGreater, normalUpperTail } from '../../reports/stats/mann-whitney.js';

describe('descriptive statistics', () => {
  it('computes mean, median and type-7 quantiles', () => {
    expect(mean([1, 2, 3, 6])).toBe(3);
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(quantileSorted([1, 2, 3, 4, 5], 0.25)).toBe(2);
    expect(() => median([])).toThrow(/empty/);
  });
});

describe('Mann-Whitney U', () => {
  it('gives the exact p of a complete separation: 1 / C(8, 4) = 1/70', () => {
    const result = mannWhitneyGreater([1, 2, 3, 4], [5, 6, 7, 8]);
    expect(result.method).toBe('exact');
    expect(result.uGreater).toBe(16);
    expect(result.pGreater).toBeCloseTo(1 / 70, 10);
    expect(mannWhitneyGreater([5, 6, 7, 8], [1, 2, 3, 4]).pGreater).toBeCloseTo(1, 10);
  });

  it('matches the exact distribution for small interleaved samples', () => {
    // y = [2, 4], x = [1, 3]: U = pairs with y > x = (2>1) + (4>1) + (4>3) = 3; P(U >= 3) over C(4,2)=6 arrangements is 2/6.
    const result = mannWhitneyGreater([1, 3], [2, 4]);
    expect(result.uGreater).toBe(3);
    expect(result.pGreater).toBeCloseTo(2 / 6, 10);
  });

  it('falls back to the normal approximation with ties', () => {
    const result = mannWhitneyGreater([1, 1, 2, 2, 3], [2, 3, 3, 4, 4]);
    expect(result.method).toBe('normal');
    expect(result.pGreater).toBeGreaterThan(0);
    expect(result.pGreater).toBeLessThan(0.1);
  });

  it('rejects empty samples', () => {
    expect(() => mannWhitneyGreater([], [1])).toThrow(/both samples/);
  });

  it('has a sane normal tail and smallest p', () => {
    expect(normalUpperTail(0)).toBeCloseTo(0.5, 6);
    expect(normalUpperTail(1.959964)).toBeCloseTo(0.025, 4);
    expect(smallestP(4, 4)).toBeCloseTo(1 / 70, 10);
    expect(smallestP(3, 3)).toBeCloseTo(1 / 20, 10);
  });
});

describe('bootstrap CI of a ratio of means', () => {
  it('is deterministic and brackets the true ratio', () => {
    const baseline = [100, 104, 98, 101, 99, 102];
    const candidate = baseline.map((value) => value * 1.5);
    const ci = bootstrapRatioCi(baseline, candidate)!;
    expect(bootstrapRatioCi(baseline, candidate)).toEqual(ci);
    expect(ci[0]).toBeLessThanOrEqual(1.5);
    expect(ci[1]).toBeGreaterThanOrEqual(1.5);
    expect(ci[0]).toBeGreaterThan(1.4);
  });

  it('is null with an empty side', () => {
    expect(bootstrapRatioCi([], [1])).toBeNull();
  });
});
