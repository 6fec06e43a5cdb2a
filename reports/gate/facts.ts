/**
 * Deterministic facts: what must be identical between baseline and candidate, seed by seed.
 * In deterministic mode the event-log hash, the event count, every count (trades, orders, ...) and
 * the modelled latency summaries are facts (the same hash on any machine). In stress mode the
 * interleaving is real, so only the candidate's own checks (invariants, journal replay) are facts.
 * In both modes a candidate seed whose checks failed is a fact failure.
 */
import type { RunResult } from '../result-shape.js';
import type { FactCheck } from './verdicts.js';

function seedFacts(baseline: RunResult, candidate: RunResult, deterministic: boolean): FactCheck[] {
  const seed = baseline.seed;
  const facts: FactCheck[] = [];
  const failedChecks = candidate.checks.filter((check) => !check.passed).map((check) => check.name);
  facts.push({
    name: `seed ${seed} checks`,
    passed: failedChecks.length === 0,
    detail: failedChecks.length === 0 ? `${candidate.checks.length} checks passed` : `failed: ${failedChecks.join(', ')}; replay: ${candidate.replayCommand}`,
  });
  if (!deterministic) return facts;
  facts.push({
    name: `seed ${seed} event hash`,
    passed: baseline.eventHash === candidate.eventHash,
    detail: baseline.eventHash === candidate.eventHash ? baseline.eventHash : `baseline ${baseline.eventHash}, candidate ${candidate.eventHash}; replay: ${candidate.replayCommand}`,
  });
  const counts = [['events', baseline.events, candidate.events] as const, ...Object.entries(baseline.metrics.counts).map(([key, value]) => [`counts.${key}`, value, candidate.metrics.counts[key]] as const)];
  const differing = counts.filter(([, a, b]) => a !== b).map(([key, a, b]) => `${key} ${a} -> ${b ?? 'missing'}`);
  facts.push({
    name: `seed ${seed} counts`,
    passed: differing.length === 0,
    detail: differing.length === 0 ? `trades ${baseline.metrics.counts.trades ?? '-'}, events ${baseline.events}` : differing.join(', '),
  });
  if (baseline.eventHash === candidate.eventHash) {
    const same = JSON.stringify(baseline.metrics.latency) === JSON.stringify(candidate.metrics.latency);
    facts.push({ name: `seed ${seed} modelled latency`, passed: same, detail: same ? 'identical for the identical event log' : 'differs although the event log is identical: nondeterminism in the latency model' });
  }
  return facts;
}

export function compareFacts(baseline: readonly RunResult[], candidate: readonly RunResult[], mode: string): FactCheck[] {
  const bySeed = new Map(candidate.map((result) => [result.seed, result]));
  return baseline.flatMap((result) => {
    const other = bySeed.get(result.seed);
    if (other === undefined) return [{ name: `seed ${result.seed}`, passed: false, detail: 'missing from the candidate' }];
    return seedFacts(result, other, mode === 'deterministic');
  });
}
