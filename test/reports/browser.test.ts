/**
 * Opens reports in headless Chromium (Debian's, through playwright-core): every chart drew (a
 * canvas with pixels), the console shows no error, and no request left the page (every non-file:
 * request is aborted and counted). Saves screenshots under lobsim-out/test-output/ and, when
 * missing or with LOBSIM_UPDATE_SCREENSHOT=1, docs/report-screenshot.png for the README.
 * Skips outside CI when /usr/bin/chromium is missing; under CI=true it must run.
 */
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareReportHtml } from '../../reports/html/compare-report.js';
import { runReportHtml } from '../../reports/html/run-report.js';
import { sweepReportHtml } from '../../reports/html/sweep-report.js';
import { evaluate } from '../../reports/gate/evaluate.js';
import { gateOptions } from '../../reports/gate/options.js';
import { readResult } from '../../reports/read-result.js';
import { readSweep } from '../../reports/read-sweep.js';
import { readRunSet } from '../../reports/run-set.js';
import { ROOT } from '../support/run-cli.js';
import { BASELINE_DIR, editedBaselineCopy, smokeRunFile } from './fixtures.js';

const CHROMIUM = '/usr/bin/chromium';
const OUTPUT = path.join(ROOT, 'lobsim-out', 'test-output');
const DOCS_SCREENSHOT = path.join(ROOT, 'docs', 'report-screenshot.png');
const inCi = process.env.CI === 'true' || process.env.CI === '1';
const available = existsSync(CHROMIUM);
if (!available && !inCi) {
  console.warn(`browser tests skipped: ${CHROMIUM} is missing. Install Debian's Chromium with: apt-get install -y chromium`);
}
// The flags that work on this machine kind: no sandbox as root, and no background networking,
// whose connections the closed network refuses.
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

interface PageCheck {
  charts: { id: string; drawn: boolean; painted: boolean }[];
  consoleErrors: string[];
  outsideRequests: string[];
}

describe.skipIf(!available && !inCi)('reports in a real browser', () => {
  let browser: Browser;

  beforeAll(async () => {
    if (!available) throw new Error(`CI=true but ${CHROMIUM} is missing: .ci/run must install it (apt-get install -y chromium)`);
    mkdirSync(OUTPUT, { recursive: true });
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
  });

  afterAll(async () => {
    await browser?.close();
  });

  async function open(name: string, html: string, fullPage = true, height = 900): Promise<PageCheck & { screenshot: string }> {
    const file = path.join(OUTPUT, `${name}.html`);
    writeFileSync(file, html);
    const context = await browser.newContext({ viewport: { width: 1200, height } });
    const page = await context.newPage();
    const consoleErrors: string[] = [];
    const outsideRequests: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(error.message));
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('file:')) return route.continue();
      outsideRequests.push(url);
      return route.abort();
    });
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    await page.waitForFunction(() => document.querySelectorAll('.chart').length === document.querySelectorAll('.chart[data-drawn], .chart:not(:empty)').length);
    const charts = await page.evaluate(() =>
      [...document.querySelectorAll<HTMLElement>('.chart')].map((element) => {
        const canvas = element.querySelector('canvas');
        let painted = false;
        if (canvas !== null && canvas.width > 0 && canvas.height > 0) {
          const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
          for (let index = 3; index < pixels.length; index += 4) if (pixels[index] !== 0) { painted = true; break; }
        }
        return { id: element.id, drawn: element.getAttribute('data-drawn') === '1', painted };
      }),
    );
    const screenshot = path.join(OUTPUT, `${name}.png`);
    await page.screenshot({ path: screenshot, fullPage });
    await context.close();
    return { charts, consoleErrors, outsideRequests, screenshot };
  }

  function expectClean(check: PageCheck, chartsMin: number): void {
    expect(check.charts.length).toBeGreaterThanOrEqual(chartsMin);
    expect(check.charts.filter((chart) => !chart.drawn || !chart.painted)).toEqual([]);
    expect(check.consoleErrors).toEqual([]);
    expect(check.outsideRequests).toEqual([]);
  }

  it('draws every chart of a run report, offline and without errors', async () => {
    const result = readResult(smokeRunFile());
    const check = await open('run-report', runReportHtml(result));
    expectClean(check, 7);
    if (!existsSync(DOCS_SCREENSHOT) || process.env.LOBSIM_UPDATE_SCREENSHOT === '1') {
      const top = await open('run-report-top', runReportHtml(result), false, 1700);
      mkdirSync(path.dirname(DOCS_SCREENSHOT), { recursive: true });
      copyFileSync(top.screenshot, DOCS_SCREENSHOT);
    }
  });

  it('draws the PM and book charts when present', async () => {
    const result = readResult(smokeRunFile());
    result.pm = { metrics: { trackingErrorMax: 100 }, positions: { SYM1: [0, 10, 20].map((tMs, i) => ({ tMs, position: i * 40, target: 100 })) } };
    result.book = [{ symbol: 'SYM1', bids: [{ price: 99, quantity: 5 }, { price: 98, quantity: 7 }], asks: [{ price: 101, quantity: 4 }, { price: 103, quantity: 9 }] }];
    expectClean(await open('run-report-pm-book', runReportHtml(result)), 9);
  });

  it('draws a sweep report and a comparison', async () => {
    expectClean(await open('sweep-report', sweepReportHtml(readSweep(BASELINE_DIR))), 6);
    const slower = readRunSet(editedBaselineCopy((r) => (r.metrics.eventsPerWallS /= 2)));
    const baseline = readRunSet(BASELINE_DIR);
    expectClean(await open('compare-report', compareReportHtml(baseline, slower, evaluate(baseline, slower, gateOptions()))), 3);
  });
});
