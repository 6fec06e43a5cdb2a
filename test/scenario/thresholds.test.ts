import { describe, expect, it } from 'vitest';
import { isThreshold, parseThreshold, thresholdHolds, thresholdValueUs } from '../../sim/scenario/thresholds.js';
import type { Threshold } from '../../sim/scenario/types.js';
import { issuesFor, load, scenarioWith } from './helpers.js';

function parsed(text: string): Threshold {
  const result = parseThreshold(text, 'thresholds[0]');
  if (!isThreshold(result)) throw new Error(result.message);
  return result;
}

describe('thresholds', () => {
  it.each<[string, Omit<Threshold, 'text'>]>([
    ['ack.p99 <= 100us', { metric: 'ack.p99', operator: '<=', value: 100, unit: 'us' }],
    ['fill.p999 < 2.5ms', { metric: 'fill.p999', operator: '<', value: 2.5, unit: 'ms' }],
    ['cancel.max >= 1s', { metric: 'cancel.max', operator: '>=', value: 1, unit: 's' }],
    ['ack.mean > 800ns', { metric: 'ack.mean', operator: '>', value: 800, unit: 'ns' }],
    ['ack.p9999 == 1e3us', { metric: 'ack.p9999', operator: '==', value: 1000, unit: 'us' }],
    ['throughput >= 9000', { metric: 'throughput', operator: '>=', value: 9000, unit: '' }],
    ['  ack.p50<=7us ', { metric: 'ack.p50', operator: '<=', value: 7, unit: 'us' }],
  ])('parses %j', (text, expected) => {
    expect(parsed(text)).toEqual({ text, ...expected });
  });

  it.each<[string, string]>([
    ['ack.p99 =< 100us', '"ack.p99 =< 100us" is not allowed (must be "<metric> <op> <number><unit>" with <op> one of <= < >= > == and <unit> one of ns us ms s (none for throughput), e.g. "ack.p99 <= 100us")'],
    ['ack.p99 <= -5us', '"ack.p99 <= -5us" is not allowed (must be "<metric> <op> <number><unit>" with <op> one of <= < >= > == and <unit> one of ns us ms s (none for throughput), e.g. "ack.p99 <= 100us")'],
    ['ack.p99 <=', '"ack.p99 <=" is not allowed (must be "<metric> <op> <number><unit>" with <op> one of <= < >= > == and <unit> one of ns us ms s (none for throughput), e.g. "ack.p99 <= 100us")'],
    ['ack.p98 <= 1ms', '"ack.p98 <= 1ms": metric "ack.p98" is not allowed (must be <ack|fill|cancel>.<min|mean|p50|p90|p99|p999|p9999|max> or throughput)'],
    ['trade.p99 <= 1ms', '"trade.p99 <= 1ms": metric "trade.p99" is not allowed (must be <ack|fill|cancel>.<min|mean|p50|p90|p99|p999|p9999|max> or throughput)'],
    ['fill.p999 < 5', '"fill.p999 < 5": unit "" is not allowed (fill.p999 needs one of ns, us, ms, s)'],
    ['ack.p99 <= 5parsecs', '"ack.p99 <= 5parsecs": unit "parsecs" is not allowed (ack.p99 needs one of ns, us, ms, s)'],
    ['throughput >= 5us', '"throughput >= 5us": unit "us" is not allowed (throughput takes no unit: orders per second)'],
  ])('rejects %j, naming it', (text, expected) => {
    expect(parseThreshold(text, 'thresholds[0]')).toEqual({ path: 'thresholds[0]', message: expected });
  });

  it('reports every bad threshold of a scenario with its index', () => {
    expect(issuesFor(scenarioWith({ thresholds: ['ack.p99 <= 100us', 'nonsense', 'ack.p99 < 5'] }))).toEqual([
      't.json: thresholds[1]: "nonsense" is not allowed (must be "<metric> <op> <number><unit>" with <op> one of <= < >= > == and <unit> one of ns us ms s (none for throughput), e.g. "ack.p99 <= 100us")',
      't.json: thresholds[2]: "ack.p99 < 5": unit "" is not allowed (ack.p99 needs one of ns, us, ms, s)',
    ]);
  });

  it('keeps the scenario order', () => {
    const s = load(scenarioWith({ thresholds: ['throughput >= 1', 'ack.p99 <= 1ms'] }));
    expect(s.thresholds.map((t) => t.metric)).toEqual(['throughput', 'ack.p99']);
  });

  it('converts latencies to microseconds and compares', () => {
    expect(thresholdValueUs(parsed('ack.p99 <= 2ms'))).toBe(2000);
    expect(thresholdValueUs(parsed('ack.p99 <= 500ns'))).toBe(0.5);
    expect(thresholdValueUs(parsed('ack.p99 <= 1s'))).toBe(1e6);
    expect(() => thresholdValueUs(parsed('throughput >= 5'))).toThrow(RangeError);
    expect(thresholdHolds(parsed('ack.p99 <= 100us'), 100)).toBe(true);
    expect(thresholdHolds(parsed('ack.p99 < 100us'), 100)).toBe(false);
    expect(thresholdHolds(parsed('ack.p99 <= 0.1ms'), 100.5)).toBe(false);
    expect(thresholdHolds(parsed('throughput >= 9000'), 9000)).toBe(true);
    expect(thresholdHolds(parsed('throughput > 9000'), 9000)).toBe(false);
    expect(thresholdHolds(parsed('cancel.max == 5us'), 5)).toBe(true);
  });
});
