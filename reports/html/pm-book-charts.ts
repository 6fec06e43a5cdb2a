/**
 * Optional sections: the PM's position against its target (`pm`) and the book's depth at the end
 * (`book`). Each says plainly when the result does not carry it.
 */
import type { BookDepth, PmSection } from '../result-shape.js';
import { COLORS, type SeriesSpec } from './chart-spec.js';
import { html, type Raw } from './escape.js';
import { fmt } from './format.js';
import type { Page } from './page.js';

function pmMetricsTable(metrics: Record<string, number | null>): Raw {
  return html`<table><tbody>${Object.entries(metrics).map(([key, value]) => html`<tr><th>${key}</th><td class="num">${fmt(value, 3)}</td></tr>`)}</tbody></table>`;
}

export function pmSection(page: Page, pm: PmSection | undefined): Raw {
  const symbols = Object.keys(pm?.positions ?? {}).sort();
  if (pm === undefined) return html`<p class="note">no PM in this run (the result has no <code>pm</code> section)</p>`;
  if (symbols.length === 0) return html`${pmMetricsTable(pm.metrics)}<p class="note">the PM recorded no position samples</p>`;
  const x = [...new Set(symbols.flatMap((symbol) => pm.positions[symbol]!.map((p) => p.tMs)))].sort((a, b) => a - b);
  const index = new Map(x.map((t, i) => [t, i]));
  const series: SeriesSpec[] = symbols.flatMap((symbol) => {
    const position = new Array<number | null>(x.length).fill(null);
    const target = new Array<number | null>(x.length).fill(null);
    for (const point of pm.positions[symbol]!) {
      position[index.get(point.tMs)!] = point.position;
      target[index.get(point.tMs)!] = point.target;
    }
    return [
      { label: `${symbol} position`, values: position, color: COLORS.line, spanGaps: true },
      { label: `${symbol} target`, values: target, color: COLORS.target, dash: [6, 4], spanGaps: true },
    ];
  });
  return html`${pmMetricsTable(pm.metrics)}${page.chart('pm', { title: 'PM position against target', x, series, xLabel: 'time (ms)', yLabel: 'quantity', xAxis: 'linear', yLog: false })}`;
}

/** Cumulative depth from the touch outwards: bids to the left of the spread, asks to the right. */
function depthSeries(book: BookDepth): { x: number[]; bids: (number | null)[]; asks: (number | null)[] } {
  const prices = [...new Set([...book.bids, ...book.asks].map((level) => level.price))].sort((a, b) => a - b);
  const at = new Map(prices.map((price, i) => [price, i]));
  const bids = new Array<number | null>(prices.length).fill(null);
  const asks = new Array<number | null>(prices.length).fill(null);
  let total = 0;
  for (const level of [...book.bids].sort((a, b) => b.price - a.price)) bids[at.get(level.price)!] = total += level.quantity;
  total = 0;
  for (const level of [...book.asks].sort((a, b) => a.price - b.price)) asks[at.get(level.price)!] = total += level.quantity;
  return { x: prices, bids, asks };
}

export function bookSection(page: Page, books: BookDepth[] | undefined): Raw {
  if (books === undefined || books.length === 0) return html`<p class="note">no book depth in this result (the result has no <code>book</code> section)</p>`;
  return html`${books.map((book) => {
    const { x, bids, asks } = depthSeries(book);
    if (x.length === 0) return html`<p class="note">${book.symbol}: empty book at the end</p>`;
    return page.chart(`book-${book.symbol}`, {
      title: `${book.symbol}: cumulative depth at the end`,
      x,
      series: [
        { label: 'bids', values: bids, color: COLORS.bid, stepped: true },
        { label: 'asks', values: asks, color: COLORS.ask, stepped: true },
      ],
      xLabel: 'price (ticks)',
      yLabel: 'cumulative quantity (lots)',
      xAxis: 'linear',
      yLog: false,
    });
  })}`;
}
