/** A table of latency summaries per operation: corrected and raw rows. */
import type { LatencySummary } from '../result-shape.js';
import { html, type Raw } from './escape.js';
import { fmt } from './format.js';

const STATS = ['p50_us', 'p90_us', 'p99_us', 'p999_us', 'p9999_us', 'max_us', 'mean_us'] as const;

export function latencyTable(latency: Record<string, { corrected: LatencySummary; raw: LatencySummary }>): Raw {
  const rows = Object.entries(latency).flatMap(([operation, pair]) =>
    (['corrected', 'raw'] as const).map((series) => {
      const summary = pair[series];
      return html`<tr><td>${operation}</td><td>${series}</td><td class="num">${summary.count}</td>${STATS.map((stat) => html`<td class="num">${fmt(summary[stat])}</td>`)}</tr>`;
    }),
  );
  return html`<table><thead><tr><th>operation</th><th>series</th><th>count</th>${STATS.map((stat) => html`<th>${stat.replace('_us', '')} (µs)</th>`)}</tr></thead><tbody>${rows}</tbody></table>`;
}
