/** The top of a run report: verdict, identity (scenario, seed, version, hash), replay command, checks. */
import type { RunResult } from '../result-shape.js';
import { html, type Raw } from './escape.js';

export function verdictBadge(passed: boolean): Raw {
  return html`<span class="badge ${passed ? 'pass' : 'fail'}">${passed ? 'PASS' : 'FAIL'}</span>`;
}

export function identity(result: RunResult): Raw {
  return html`<dl class="facts">
<dt>scenario</dt><dd>${result.scenario.name}${result.scenario.description ? ` — ${result.scenario.description}` : ''}</dd>
<dt>seed</dt><dd>${result.seed}</dd>
<dt>mode</dt><dd>${result.mode}</dd>
<dt>version</dt><dd>lobsim ${result.version.package}, commit ${result.version.commit}, node ${result.version.node}</dd>
<dt>event hash</dt><dd><code>${result.eventHash}</code> over ${result.events} events</dd>
<dt>started</dt><dd>${result.startedAt}</dd>
<dt>replay</dt><dd><code>${result.replayCommand}</code></dd>
</dl>`;
}

export function verdictTable(result: RunResult): Raw {
  const rows = [
    ...result.thresholds.map((t) => ({ kind: 'threshold', name: t.text, passed: t.passed, detail: t.detail })),
    ...result.checks.map((c) => ({ kind: 'check', name: c.name, passed: c.passed, detail: c.detail })),
  ];
  return html`<table><thead><tr><th>kind</th><th>name</th><th>verdict</th><th>detail</th></tr></thead><tbody>
${rows.map((row) => html`<tr><td>${row.kind}</td><td>${row.name}</td><td class="${row.passed ? 'pass' : 'fail'}">${row.passed ? 'PASS' : 'FAIL'}</td><td>${row.detail}</td></tr>`)}
</tbody></table>`;
}
