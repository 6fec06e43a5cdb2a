import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareRunSets } from '../../reports/compare.js';
import { gateOptions } from '../../reports/gate/options.js';
import { runReportHtml } from '../../reports/html/run-report.js';
import { sweepReportHtml } from '../../reports/html/sweep-report.js';
import { readResult } from '../../reports/read-result.js';
import { readSweep } from '../../reports/read-sweep.js';
import { BASELINE_DIR, editedBaselineCopy, smokeRunFile, tempDir } from './fixtures.js';

function chartTitles(html: string): string[] {
  const json = /<script type="application\/json" id="lobsim-charts">(.*?)<\/script>/s.exec(html)![1]!;
  return (JSON.parse(json) as { title: string }[]).map((chart) => chart.title);
}

describe('run report', () => {
  it('shows identity, replay command, verdicts, spectra and timelines, self-contained', () => {
    const result = readResult(smokeRunFile());
    const html = runReportHtml(result);
    for (const text of [result.eventHash, result.replayCommand, `seed ${result.seed}`, result.version.commit, 'ack.p99 &lt;= 1ms', 'engine-invariants', 'no PM in this run']) {
      expect(html).toContain(text);
    }
    const titles = chartTitles(html);
    expect(titles).toContain('ack: latency by percentile');
    expect(titles).toContain('engine: throughput (ack per s)');
    expect(titles).toContain('engine: latency per interval');
    expect(titles).toContain('engine: queue depth (max per interval)');
    expect(titles).toContain('engine: RSS (max per interval)');
    for (const book of result.book ?? []) expect(titles).toContain(`${book.symbol}: cumulative depth at the end`);
    expect(result.book?.length).toBe(2);
    expect(html).toContain('"label":"threshold ack.p99 <= 1ms"'.replace('<', '\\u003c'));
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=/i);
    expect(html).toContain("default-src 'none'");
  });

  it('draws the PM position and the book depth when the result has them', () => {
    const result = readResult(smokeRunFile());
    result.pm = { metrics: { trackingErrorMax: 100 }, positions: { SYM1: [{ tMs: 0, position: 0, target: null }, { tMs: 5, position: 0, target: 100 }, { tMs: 10, position: 60, target: 100 }] } };
    result.book = [{ symbol: 'SYM1', bids: [{ price: 99, quantity: 5 }, { price: 98, quantity: 7 }], asks: [{ price: 101, quantity: 4 }] }];
    const titles = chartTitles(runReportHtml(result));
    expect(titles).toContain('PM position against target');
    expect(titles).toContain('SYM1: cumulative depth at the end');
  });
});

describe('sweep report', () => {
  it('shows distributions with confidence intervals, merged spectra and failing seeds with replay commands', () => {
    const failing = editedBaselineCopy((result) => {
      if (result.seed === 3) result.passed = false;
    });
    const sweep = readSweep(failing);
    sweep.summary.failingSeeds = sweep.summary.outcomes.filter((o) => o.seed === 3).map((o) => ({ ...o, passed: false, failed: ['conservation'] }));
    sweep.summary.passed = false;
    const html = sweepReportHtml(sweep);
    expect(html).toContain('seed 3: conservation');
    expect(html).toContain(sweep.summary.failingSeeds[0]!.replayCommand);
    expect(html).toContain('95% CI of mean');
    const titles = chartTitles(html);
    expect(titles).toContain('ack.p99_us across seeds');
    expect(titles).toContain(`ack: merged over ${sweep.summary.seeds.length} seeds`);
  });

  it('renders the committed baseline', () => {
    expect(sweepReportHtml(readSweep(BASELINE_DIR))).toContain('every seed passed');
  });
});

describe('compare', () => {
  it('prints deltas and verdicts and writes an HTML page', () => {
    const slower = editedBaselineCopy((result) => (result.metrics.processingCost!.nsPerEvent! *= 2));
    const file = path.join(tempDir('compare'), 'compare.html');
    const comparison = compareRunSets(BASELINE_DIR, slower, gateOptions(), file);
    expect(comparison.text).toMatch(/processingCost\.nsPerEvent.*\+100\.0%.*REGRESSION/);
    expect(comparison.text).toMatch(/1 regression\(s\)/);
    expect(comparison.evaluation.verdict).toBe('regression');
  });
});
