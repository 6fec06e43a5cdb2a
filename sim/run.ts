/**
 * Runs a scenario in its mode and turns the run into a result (sim/result/result.ts), written to
 * `<outDir>/result.json`. Also --check-determinism: the scenario runs twice with the event log
 * traced, and any difference names the first diverging event.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LobsimError } from '../engine/errors.js';
import { fail, pass, type CheckResult } from './checks/check.js';
import { runStress } from './stress/runner.js';
import { firstDivergence } from './deterministic/event-log-hash.js';
import { runDeterministic, type DeterministicRun } from './deterministic/runner.js';
import { exportTimeline } from './metrics/timeline.js';
import { summarizeRecord } from './metrics/latency-recorder.js';
import type { LatencyHistogramsRecord, TimelineSnapshot } from './metrics/types.js';
import type { PmParticipant } from './pm/pm-participant.js';
import type { BookDepth } from './result/book-depth.js';
import { RESULT_SCHEMA_VERSION, type RunMetrics, type RunResult } from './result/result.js';
import { makeDirectory } from './result/make-directory.js';
import { evaluateThresholds } from './result/thresholds.js';
import type { Scenario } from './scenario/types.js';

const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', ...(import.meta.url.includes('/dist/') ? ['..'] : []));
const NS_PER_S = 1e9;

export interface RunOptions {
  /** Folder for result.json (created). */
  outDir: string;
  checkDeterminism?: boolean;
  onProgress?: (fraction: number) => void;
  /** How the scenario was named on the command line, for the replay command. */
  scenarioArgument?: string;
  /** --set overrides as given, for the replay command. */
  overrides?: string[];
}

export function codeVersion(): RunResult['version'] {
  const pkg = JSON.parse(readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string };
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { cwd: PACKAGE_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    // Not a git checkout (an installed package): the package version identifies the code.
  }
  return { package: pkg.version, commit, node: process.version };
}

export function replayCommand(scenario: Scenario, options: Pick<RunOptions, 'scenarioArgument' | 'overrides'>): string {
  const quote = (text: string) => (/^[\w./:=@-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`);
  const parts = ['npx', 'lobsim', 'run', quote(options.scenarioArgument ?? scenario.source), '--seed', String(scenario.seed), '--mode', scenario.mode];
  for (const override of options.overrides ?? []) parts.push('--set', quote(override));
  return parts.join(' ');
}

export async function runScenario(scenario: Scenario, options: RunOptions): Promise<RunResult> {
  if (scenario.mode === 'stress') return runStressScenario(scenario, options);
  const startedAt = new Date().toISOString();
  const wallStart = performance.now();
  const onProgress = options.onProgress ? (ns: number, total: number) => options.onProgress!(ns / total) : undefined;
  const run = runDeterministic(scenario, { trace: options.checkDeterminism ?? false, ...(onProgress ? { onProgress } : {}) });
  const checks = [...run.checks];
  if (options.checkDeterminism) checks.push(determinismCheck(scenario, run));
  const histograms = run.latency.encode();
  return writeResult(scenario, options, {
    startedAt,
    eventHash: run.eventHash.digest(),
    events: run.eventHash.eventCount,
    checks,
    metrics: {
      counts: run.counts,
      throughputOrdersPerS: ordersPerS(run.counts.orders, run.durationNs),
      latency: summarizeRecord(histograms),
      processingCost: run.cost,
      eventsPerWallS: Math.round(run.eventHash.eventCount / (run.cost.totalMs / 1_000)),
      wallMs: Math.round(performance.now() - wallStart),
    },
    histograms,
    timeline: run.timeline.snapshot(),
    pm: run.pm,
    book: run.book,
  });
}

/** Stress mode: real time over the threaded engine, checked by replaying the shard journals. */
async function runStressScenario(scenario: Scenario, options: RunOptions): Promise<RunResult> {
  if (options.checkDeterminism) {
    throw new LobsimError('LOBSIM_ERR_USAGE', '--check-determinism: only deterministic mode has a reproducible event log (stress mode checks itself by journal replay)');
  }
  const startedAt = new Date().toISOString();
  const run = await runStress(scenario);
  const { busy, ...counts } = run.counts;
  return writeResult(scenario, options, {
    startedAt,
    eventHash: run.eventHash,
    events: run.events,
    checks: run.checks,
    metrics: {
      counts,
      throughputOrdersPerS: ordersPerS(counts.orders, run.durationNs),
      latency: summarizeRecord(run.histograms),
      processingCost: null,
      eventsPerWallS: Math.round(run.events / (run.wallMs / 1_000)),
      wallMs: Math.round(run.wallMs),
      stress: { workers: run.workers, shards: run.shards, busy },
    },
    histograms: run.histograms,
    timeline: run.timeline,
    pm: run.pm,
    book: run.book,
  });
}

/** Runs the scenario again and compares event logs event by event. */
function determinismCheck(scenario: Scenario, first: DeterministicRun): CheckResult {
  const second = runDeterministic(scenario, { trace: true });
  const index = firstDivergence(first.eventHash, second.eventHash);
  if (index < 0) return pass('determinism', `two runs gave the same ${first.eventHash.eventCount} events, hash ${first.eventHash.digest()}`);
  const again = runDeterministic(scenario, { captureEvent: index });
  const other = runDeterministic(scenario, { captureEvent: index });
  return fail(
    'determinism',
    `runs diverge at event ${index} of ${first.eventHash.eventCount} (hashes ${first.eventHash.digest()} vs ${second.eventHash.digest()}): ` +
      `${again.capturedEvent ?? 'past the end'} / ${other.capturedEvent ?? 'past the end'}`,
  );
}

/** What a run in either mode contributes to its result. */
interface RunParts {
  startedAt: string;
  eventHash: string;
  events: number;
  checks: CheckResult[];
  metrics: RunMetrics;
  histograms: LatencyHistogramsRecord;
  timeline: TimelineSnapshot;
  pm: PmParticipant | null;
  book: BookDepth[];
}

const ordersPerS = (orders: number, durationNs: number): number => Math.round((orders / durationNs) * NS_PER_S * 1_000) / 1_000;

/** Evaluates the thresholds, assembles the result and writes `<outDir>/result.json`. */
function writeResult(scenario: Scenario, options: RunOptions, parts: RunParts): RunResult {
  const thresholds = evaluateThresholds(scenario.thresholds, parts.metrics);
  const result: RunResult = {
    schemaVersion: RESULT_SCHEMA_VERSION,
    scenario,
    seed: scenario.seed,
    mode: scenario.mode,
    version: codeVersion(),
    startedAt: parts.startedAt,
    eventHash: parts.eventHash,
    events: parts.events,
    passed: parts.checks.every((check) => check.passed) && thresholds.every((threshold) => threshold.passed),
    checks: parts.checks,
    thresholds,
    metrics: parts.metrics,
    histograms: parts.histograms,
    timelines: { engine: exportTimeline(parts.timeline) },
    ...(parts.pm ? { pm: { metrics: parts.pm.metrics(), positions: parts.pm.timeline() } } : {}),
    book: parts.book,
    replayCommand: replayCommand(scenario, options),
  };
  makeDirectory(options.outDir);
  writeFileSync(path.join(options.outDir, 'result.json'), `${JSON.stringify(result, null, 2)}\n`);
  return result;
}
