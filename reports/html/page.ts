/**
 * One self-contained HTML page: inline stylesheet, inline uPlot, the chart specs as JSON, and the
 * drawing script. Sections add charts through `chart()`, which returns the container element.
 */
import { chartLibrary } from './assets.js';
import type { ChartSpec } from './chart-spec.js';
import { CLIENT_SCRIPT } from './client-script.js';
import { html, jsonForScript, raw, type Raw } from './escape.js';

const STYLE = `
body { font: 14px/1.45 system-ui, -apple-system, 'Segoe UI', sans-serif; margin: 0 auto; max-width: 1160px; padding: 16px 24px 48px; color: #1d1d1d; }
h1 { font-size: 22px; margin: 8px 0; } h2 { font-size: 18px; margin: 28px 0 8px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
h3 { font-size: 15px; margin: 18px 0 6px; }
table { border-collapse: collapse; margin: 8px 0; font-size: 13px; } th, td { border: 1px solid #ddd; padding: 3px 8px; text-align: left; vertical-align: top; }
td.num { text-align: right; font-variant-numeric: tabular-nums; } th { background: #f4f4f4; }
.pass { color: #1b5e20; font-weight: 600; } .fail { color: #b71c1c; font-weight: 600; } .info { color: #666; }
.badge { display: inline-block; padding: 2px 10px; border-radius: 4px; color: #fff; font-weight: 700; }
.badge.pass { background: #2e7d32; color: #fff; } .badge.fail { background: #c62828; color: #fff; }
code { background: #f4f4f4; padding: 1px 4px; border-radius: 3px; font-size: 12.5px; word-break: break-all; }
.chart { margin: 10px 0 18px; min-height: 340px; } .note { color: #555; font-size: 13px; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; } dl.facts dt { color: #555; } dl.facts dd { margin: 0; }
`;

export class Page {
  readonly charts: ChartSpec[] = [];

  constructor(readonly title: string) {}

  /** Registers a chart and returns its container; ids are unique within the page. */
  chart(prefix: string, spec: Omit<ChartSpec, 'id'>): Raw {
    const id = `chart-${this.charts.length + 1}-${prefix.replace(/[^a-zA-Z0-9_-]/g, '-')}`;
    this.charts.push({ id, ...spec });
    return html`<div class="chart" id="${id}" data-chart="${spec.title}"></div>`;
  }

  render(body: Raw): string {
    const library = chartLibrary();
    return html`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<title>${this.title}</title>
<style>${raw(library.style)}</style>
<style>${raw(STYLE)}</style>
</head>
<body>
${body}
<script type="application/json" id="lobsim-charts">${raw(jsonForScript(this.charts))}</script>
<script>${raw(library.script)}</script>
<script>${raw(CLIENT_SCRIPT)}</script>
</body>
</html>
`.html;
  }
}
