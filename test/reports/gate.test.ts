import { describe, expect, it } from 'vitest';
import { compareSamples } from '../../reports/gate/compare-samples.js';
import { evaluate } from '../../reports/gate/evaluate.js';
import { runGate } from '../../reports/gate/gate.js';
import { gateOptions } from '../../reports/gate/options.js';
import type { RunSet } from '../../reports/run-set.js';
import { baselineSet } from './fixtures.js';

const options = gateOptions();
const spec = { metric: 'm', direction: 'lower-is-better' as const, kind: 'measured' as const, normalized: false, tolerance: 0.25, alpha: 0.05 };

describe('compareSamples verdicts', () => {
  it('flags a significant regression beyond the tolerance', () => {
    const result = compareSamples(spec, [100, 101, 99, 102], [150, 149, 152, 151]);
    expect(result.verdict).toBe('regression');
    expect(result.ratio).toBeCloseTo(1.5, 2);
    expect(result.pWorse).toBeCloseTo(1 / 70, 4);
  });

  it('passes a change inside the tolerance even when significant', () => {
    expect(compareSamples(spec, [100, 101, 99, 102], [110, 111, 112, 113]).verdict).toBe('pass');
  });

  it('does not fail on a worse median that is not significant', () => {
    const result = compareSamples(spec, [100, 200, 90, 180], [95, 300, 290, 100]);
    expect(result.verdict).toBe('pass');
    expect(result.note).toMatch(/not significant/);
  });

  it('decides by ratio alone when the samples are too small for the test', () => {
    const result = compareSamples(spec, [100], [130]);
    expect(result.verdict).toBe('regression');
    expect(result.pWorse).toBeNull();
    expect(result.note).toMatch(/too few/);
  });

  it('reads higher-is-better metrics the other way round', () => {
    const throughput = { ...spec, direction: 'higher-is-better' as const, tolerance: 0.2 };
    expect(compareSamples(throughput, [1000, 1010, 990, 1005], [700, 710, 690, 705]).verdict).toBe('regression');
    expect(compareSamples(throughput, [1000, 1010, 990, 1005], [1500, 1510, 1490, 1505]).verdict).toBe('improvement');
  });
});

describe('gate evaluation on the smoke baseline', () => {
  it('passes the baseline against itself', () => {
    const evaluation = evaluate(baselineSet(), baselineSet(), options);
    expect(evaluation.verdict).toBe('pass');
    expect(evaluation.facts.every((fact) => fact.passed)).toBe(true);
    expect(evaluation.calibration.factor).toBe(1);
  });

  it('fails on a different event hash or trade count, naming the seed', () => {
    const candidate = baselineSet((result, index) => {
      if (index === 1) result.eventHash = '0000000000000000';
      if (index === 2) result.metrics.counts.trades! += 1;
    });
    const evaluation = evaluate(baselineSet(), candidate, options);
    expect(evaluation.verdict).toBe('regression');
    const failed = evaluation.facts.filter((fact) => !fact.passed).map((fact) => fact.name);
    expect(failed).toEqual([`seed ${candidate.results[1]!.seed} event hash`, `seed ${candidate.results[2]!.seed} counts`]);
  });

  it('reports fact changes without failing under allowFactChanges', () => {
    const candidate = baselineSet((result) => (result.eventHash = 'ffffffffffffffff'));
    expect(evaluate(baselineSet(), candidate, gateOptions({ allowFactChanges: true })).verdict).toBe('pass');
  });

  it('fails when a candidate seed failed its own checks', () => {
    const candidate = baselineSet((result, index) => {
      if (index === 0) result.checks[0]!.passed = false;
    });
    const evaluation = evaluate(baselineSet(), candidate, options);
    expect(evaluation.regressions.join('\n')).toMatch(/checks: failed/);
  });

  it('fails a 2x slower processing cost on the same machine', () => {
    const candidate = baselineSet((result) => {
      result.metrics.processingCost!.nsPerEvent! *= 2;
      result.metrics.eventsPerWallS /= 2;
    });
    const evaluation = evaluate(baselineSet(), candidate, options);
    expect(evaluation.verdict).toBe('regression');
    expect(evaluation.regressions.some((r) => r.startsWith('processingCost.nsPerEvent'))).toBe(true);
    expect(evaluation.regressions.some((r) => r.startsWith('eventsPerWallS'))).toBe(true);
  });

  it('passes the same 2x slowdown when the calibration workload says the machine is 2x slower', () => {
    const base = baselineSet();
    const candidate = baselineSet((result) => {
      result.metrics.processingCost!.nsPerEvent! *= 2;
      result.metrics.eventsPerWallS /= 2;
    }, base.calibration!.nsPerRound * 2);
    const evaluation = evaluate(base, candidate, options);
    expect(evaluation.calibration.factor).toBe(2);
    expect(evaluation.verdict).toBe('pass');
  });

  it('fails a modelled latency regression on merged percentiles when facts may change', () => {
    const candidate = baselineSet((result) => {
      result.eventHash = 'eeeeeeeeeeeeeeee';
      for (const summary of Object.values(result.metrics.latency)) summary.corrected.p99_us! *= 2;
    });
    const evaluation = evaluate(baselineSet(), candidate, gateOptions({ allowFactChanges: true }));
    expect(evaluation.metrics.find((m) => m.metric === 'ack.p99_us')?.verdict).toBe('regression');
  });

  it('refuses a candidate of another scenario as bad input', () => {
    const other = { ...baselineSet(), scenario: 'other' };
    expect(() => evaluate(baselineSet(), other, options)).toThrow(/scenario differs/);
  });
});

describe('rerun once', () => {
  const slow = baselineSet((result) => (result.metrics.processingCost!.nsPerEvent! *= 3));

  it('passes when the rerun clears a suspected regression', async () => {
    const candidates: RunSet[] = [slow, baselineSet()];
    const outcome = await runGate({ baseline: baselineSet(), candidate: async (attempt) => candidates[attempt - 1]!, rerunnable: true, options });
    expect(outcome.attempts.map((a) => a.verdict)).toEqual(['regression', 'pass']);
    expect(outcome.exitCode).toBe(0);
  });

  it('fails when the rerun regresses too', async () => {
    const outcome = await runGate({ baseline: baselineSet(), candidate: async () => slow, rerunnable: true, options });
    expect(outcome.attempts).toHaveLength(2);
    expect(outcome.exitCode).toBe(1);
  });

  it('never reruns a fact failure', async () => {
    let calls = 0;
    const wrong = baselineSet((result) => (result.eventHash = '1111111111111111'));
    const outcome = await runGate({ baseline: baselineSet(), candidate: async () => (calls += 1, wrong), rerunnable: true, options });
    expect(calls).toBe(1);
    expect(outcome.exitCode).toBe(1);
  });
});

describe('gate options', () => {
  it('names a bad field', () => {
    expect(() => gateOptions({ latencyTolerance: -1 })).toThrow(/latencyTolerance must be a number in \(0, 10\]/);
    expect(() => gateOptions({ alpha: 0.9 })).toThrow(/alpha/);
    expect(() => gateOptions({ bogus: 1 } as never)).toThrow(/unknown key 'bogus'/);
  });
});
