/**
 * Stress mode: real time over the threaded engine. Worker threads send the clients' seeded,
 * open-loop schedule (sim/stress/client-worker.ts); the main thread audits every report (ledger,
 * conservation, per-shard report streams). After the run every shard's sequenced journal is
 * replayed through a fresh inline engine and through the reference book: both must reproduce the
 * shard's reports exactly and the same books (the exchange-core check of a concurrent run).
 *
 * The streams are reproducible; the interleaving is real, so the run's identity is the hash of
 * what the shards processed (their journals), not a fixed value per seed.
 */
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { Engine } from '../../engine/engine.js';
import { COMMAND_SLOTS, ExecKind, REPORT_SLOTS, ReportSlot } from '../../engine/protocol.js';
import { decodeCommand, decodeReport, encodeReport } from '../../engine/records.js';
import { ReferenceBook } from '../../engine/reference-book.js';
import { globalizeReport, shardInstruments, shardOfId } from '../../engine/threaded-ids.js';
import { ThreadedEngine } from '../../engine/threaded-engine.js';
import { OrderLedger } from '../checks/order-ledger.js';
import { bookDepth, restingCount, type BookDepth } from '../result/book-depth.js';
import { fail, pass, type CheckResult } from '../checks/check.js';
import { EventLogHash, wordsOf } from '../deterministic/event-log-hash.js';
import { mergeLatencyRecords } from '../metrics/latency-recorder.js';
import { mergeTimelineSnapshots, minIntervalNsFor, Timeline } from '../metrics/timeline.js';
import type { LatencyHistogramsRecord, TimelineSnapshot } from '../metrics/types.js';
import type { Scenario } from '../scenario/types.js';
import type { WorkerInput, WorkerOutput } from './client-worker.js';
import { RandomStreams } from '../random/streams.js';
import type { PmParticipant } from '../pm/pm-participant.js';
import { PM_SETTLE_MS, StressPm } from './stress-pm.js';

/** Commands each shard's journal keeps; a longer run fails the journal-replay check as truncated. */
const JOURNAL_COMMANDS_MAX = 20_000_000;
const TIMELINE_POINTS_TARGET = 600;
/** Wall time between the workers' go and the run's start, so all of them start together. */
const START_DELAY_MS = 50;
const REPLAY_CHUNK_COMMANDS = 4_096;
/** Gauge samples per timeline interval; at least GAUGE_PERIOD_MS_MIN apart (timers are ~1 ms coarse). */
const GAUGE_SAMPLES_PER_INTERVAL = 2;
const GAUGE_PERIOD_MS_MIN = 1;

export interface StressRun {
  eventHash: string;
  events: number;
  checks: CheckResult[];
  histograms: LatencyHistogramsRecord;
  timeline: TimelineSnapshot;
  counts: { commands: number; reports: number; orders: number; cancels: number; trades: number; filledQuantity: number; restingOrders: number; busy: number };
  durationNs: number;
  wallMs: number;
  workers: number;
  shards: number;
  /** The position manager, when the scenario has one. */
  pm: PmParticipant | null;
  /** Depth at the end, per symbol. */
  book: BookDepth[];
}

/** Per shard, a hash of the delivered report stream (timestamps excluded), in seq order. */
class ShardStreams {
  readonly hashes: EventLogHash[];
  private readonly scratch = new Float64Array(REPORT_SLOTS);
  private readonly words = wordsOf(this.scratch);

  constructor(readonly shards: number) {
    this.hashes = Array.from({ length: shards }, () => new EventLogHash());
  }

  add(records: Float64Array, at: number, shard: number): void {
    this.scratch.set(records.subarray(at, at + REPORT_SLOTS));
    this.scratch[ReportSlot.tsReceiveNs] = 0;
    this.scratch[ReportSlot.tsMatchNs] = 0;
    this.scratch[ReportSlot.tsDispatchNs] = 0;
    this.hashes[shard]!.addRecords(this.words, 0, 1, REPORT_SLOTS);
  }
}

function workerCount(scenario: Scenario): number {
  const requested = scenario.workers > 0 ? scenario.workers : Math.max(1, availableParallelism() - 1);
  return Math.min(requested, scenario.clients.count);
}

function startWorker(input: WorkerInput): Worker {
  const here = path.dirname(fileURLToPath(import.meta.url));
  // Compiled: the worker is plain JS. From source (tests, tsx): bootstrap tsx inside the worker.
  if (import.meta.url.endsWith('.js')) return new Worker(path.join(here, 'client-worker.js'), { workerData: input });
  return new Worker(path.join(here, 'worker-bootstrap.mjs'), { workerData: { ...input, entry: path.join(here, 'client-worker.ts') } });
}

export async function runStress(scenario: Scenario): Promise<StressRun> {
  const wallStart = performance.now();
  const engine = new ThreadedEngine({ instruments: scenario.instruments, stp: scenario.engine.stp, ordersMax: scenario.engine.ordersMax, directLevelsMax: scenario.engine.directLevelsMax, journalCommandsMax: JOURNAL_COMMANDS_MAX });
  const shards = engine.shards;
  const ledger = new OrderLedger(scenario.instruments.length);
  const streams = new ShardStreams(shards);
  let reports = 0;
  // Per shard, reports arrive in seq order and a trade's taker fill comes just before its maker's.
  const lastTradeId = new Float64Array(shards);
  engine.onReports('all', ({ records, count }) => {
    for (let at = 0; at < count * REPORT_SLOTS; at += REPORT_SLOTS) {
      const kind = records[at + ReportSlot.kind]!;
      const shard = shardOfId(records[at + ReportSlot.seq]!, shards);
      const fill = kind === ExecKind.FILLED || kind === ExecKind.PARTIALLY_FILLED;
      const tradeId = records[at + ReportSlot.tradeId]!;
      const takerFill = fill && tradeId !== lastTradeId[shard];
      if (fill) lastTradeId[shard] = tradeId;
      ledger.onReport(records, at, takerFill);
      streams.add(records, at, shard);
      reports++;
    }
  });

  const durationNs = scenario.durationMs * 1_000_000;
  const timelineIntervalNs = Math.max(minIntervalNsFor(durationNs * 2), Math.ceil(durationNs / TIMELINE_POINTS_TARGET));
  const stressPm = scenario.pm ? new StressPm(engine, scenario, new RandomStreams(scenario.seed), timelineIntervalNs) : null;
  const workers = workerCount(scenario);
  const threads = Array.from({ length: workers }, (_, worker) => {
    const clientIndices = Array.from({ length: scenario.clients.count }, (_, index) => index).filter((index) => index % workers === worker);
    return startWorker({ engineId: engine.id, scenario, clientIndices, timelineIntervalNs });
  });
  const failed = (worker: number) => (code: number) => new Error(`stress worker ${worker} exited with code ${code}`);
  // Every worker loads and attaches first; then all start on one clock, so none starts late.
  await Promise.all(threads.map((thread, worker) => new Promise<void>((resolve, reject) => {
    thread.once('message', () => resolve());
    thread.once('error', reject);
    thread.once('exit', (code) => reject(failed(worker)(code)));
  })));
  const startEpochMs = Date.now() + START_DELAY_MS;
  const startNs = Number(process.hrtime.bigint()) + (startEpochMs - Date.now()) * 1_000_000;
  stressPm?.start(startNs);
  const validation = new PeriodicValidation(engine, scenario.checks.invariantsEveryCommands);
  const gauges = sampleGauges(engine, startNs, durationNs, timelineIntervalNs, () => validation.tick());
  const outputs = await Promise.all(
    threads.map((thread, worker) => {
      thread.postMessage({ startEpochMs });
      return new Promise<WorkerOutput>((resolve, reject) => {
        thread.once('message', (output: WorkerOutput) => resolve(output));
        thread.once('error', reject);
        thread.once('exit', (code) => (code !== 0 ? reject(failed(worker)(code)) : undefined));
      });
    }),
  );
  const gaugeTimeline = gauges.stop();
  await validation.settled();
  if (stressPm) {
    stressPm.stop();
    await new Promise((resolve) => setTimeout(resolve, PM_SETTLE_MS));
  }
  await engine.close();

  const checks: CheckResult[] = [];
  const books: Float64Array[] = [];
  checks.push(await validation.final());
  const book: BookDepth[] = [];
  for (let symbol = 0; symbol < scenario.instruments.length; symbol++) {
    const { records } = await engine.snapshot(symbol);
    books.push(records);
    book.push(bookDepth(scenario.instruments[symbol]!.symbol, records));
  }
  checks.push(ledger.conservation(books), ledger.tradeLedger());
  const replay = await replayJournals(engine, scenario, streams);
  checks.push(replay.check);
  const pm = stressPm?.participant ?? null;
  if (pm) checks.push(...pm.checks(durationNs, (symbol) => ledger.position(pm.owner, symbol), books));

  const busy = outputs.reduce((sum, output) => sum + output.busy, 0);
  return {
    eventHash: replay.journalHash,
    events: replay.commands + reports,
    checks,
    book,
    histograms: mergeLatencyRecords([...outputs.map((output) => output.histograms), ...(stressPm ? [stressPm.latency.encode()] : [])]),
    pm,
    timeline: mergeTimelineSnapshots([...outputs.map((output) => output.timeline), gaugeTimeline]),
    counts: {
      commands: replay.commands, reports, orders: replay.orders, cancels: replay.commands - replay.orders,
      trades: ledger.trades, filledQuantity: ledger.filledQuantity, restingOrders: restingCount(books), busy,
    },
    durationNs,
    wallMs: performance.now() - wallStart,
    workers,
    shards,
  };
}

/**
 * The timeline's gauges, sampled on the main thread while the workers send: queue depth is the
 * commands waiting in the shards' ingress queues (submitted, not yet matched: the stress-mode
 * counterpart of the deterministic runner's commands in flight), RSS the whole process's (workers
 * and shard threads share it). Workers do not sample: a memoryUsage() syscall per send loop would
 * cost them schedule accuracy, and per-worker depths would not add up to the engine's.
 */
function sampleGauges(engine: ThreadedEngine, startNs: number, durationNs: number, intervalNs: number, onSample: () => void) {
  const timeline = new Timeline({ intervalNs });
  const sample = (): void => {
    const tNs = Number(process.hrtime.bigint()) - startNs;
    if (tNs < 0 || tNs >= durationNs) return;
    const depth = engine.stats().shards.reduce((sum, shard) => sum + shard.ingressDepth, 0);
    timeline.sampleQueueDepth(tNs, depth);
    timeline.sampleRss(tNs, process.memoryUsage.rss());
    onSample();
  };
  const periodMs = Math.max(GAUGE_PERIOD_MS_MIN, Math.floor(intervalNs / 1_000_000 / GAUGE_SAMPLES_PER_INTERVAL));
  const timer = setInterval(sample, periodMs);
  return {
    stop(): TimelineSnapshot {
      clearInterval(timer);
      return timeline.snapshot();
    },
  };
}

/**
 * The engine-invariants check of a stress run: validate() on every shard whenever the shards have
 * executed checks.invariantsEveryCommands more commands (looked at on each gauge sample, so at
 * most twice per timeline interval), and once more at the end. A shard validates between two of
 * its commands, so the check sees a consistent book mid-run; its O(book) pause is part of what the
 * run measures, as in the deterministic runner. One validation at a time: a slow one is not queued
 * behind itself.
 */
class PeriodicValidation {
  private passes = 0;
  private commandsAtLast = 0;
  private running: Promise<void> | null = null;
  private problem: string | null = null;

  constructor(private readonly engine: ThreadedEngine, private readonly everyCommands: number) {}

  tick(): void {
    if (this.running !== null || this.problem !== null) return;
    const commands = this.engine.stats().shards.reduce((sum, shard) => sum + shard.commands, 0);
    if (commands - this.commandsAtLast < this.everyCommands) return;
    this.commandsAtLast = commands;
    this.running = this.validate(`after ${commands} commands`).finally(() => {
      this.running = null;
    });
  }

  async settled(): Promise<void> {
    await this.running;
  }

  async final(): Promise<CheckResult> {
    await this.settled();
    if (this.problem === null) await this.validate('at the end');
    if (this.problem !== null) return fail('engine-invariants', this.problem);
    const during = this.passes - 1;
    return pass('engine-invariants', `validate() passed on all ${this.engine.shards} shards ${during} times during the run (every ${this.everyCommands} commands) and at the end`);
  }

  private async validate(when: string): Promise<void> {
    try {
      await this.engine.validate();
      this.passes++;
    } catch (error) {
      this.problem = `${when}: ${(error as Error).message}`;
    }
  }
}

/**
 * Each shard's journal through a fresh inline engine and a reference book: the replayed report
 * stream (in global terms) must hash the same as the delivered one, and the books must match.
 */
async function replayJournals(engine: ThreadedEngine, scenario: Scenario, delivered: ShardStreams) {
  const shards = engine.shards;
  const threadedHashes = await engine.stateHashes();
  const journalHash = new EventLogHash();
  const problems: string[] = [];
  let commands = 0;
  let orders = 0;
  for (let shard = 0; shard < shards; shard++) {
    const journal = await engine.journal(shard);
    if (journal.truncated) problems.push(`shard ${shard}: journal truncated at ${journal.count} commands`);
    commands += journal.count;
    journalHash.addRecords(wordsOf(journal.records), 0, journal.count, COMMAND_SLOTS);
    const options = { instruments: shardInstruments(scenario.instruments, shard, shards), stp: scenario.engine.stp, ordersMax: scenario.engine.ordersMax, directLevelsMax: scenario.engine.directLevelsMax };
    const inline = new Engine(options);
    const reference = new ReferenceBook(options);
    const inlineStream = new ShardStreams(1);
    const referenceStream = new ShardStreams(1);
    const one = new Float64Array(REPORT_SLOTS);
    for (let at = 0; at < journal.count; at += REPLAY_CHUNK_COMMANDS) {
      const count = Math.min(REPLAY_CHUNK_COMMANDS, journal.count - at);
      const chunk = journal.records.subarray(at * COMMAND_SLOTS, (at + count) * COMMAND_SLOTS);
      const batch = inline.executeBatch(chunk, count);
      for (let report = 0; report < batch.count; report++) {
        encodeReport(globalizeReport(decodeReport(batch.records, report), shard, shards), one, 0);
        inlineStream.add(one, 0, 0);
      }
      for (let index = 0; index < count; index++) {
        const command = decodeCommand(chunk, index);
        if (command.action === 1) orders++;
        for (const report of reference.execute(command)) {
          encodeReport(globalizeReport(report, shard, shards), one, 0);
          referenceStream.add(one, 0, 0);
        }
      }
    }
    const deliveredHash = delivered.hashes[shard]!.digest();
    if (inlineStream.hashes[0]!.digest() !== deliveredHash) problems.push(`shard ${shard}: inline replay reports differ from the delivered ones`);
    if (referenceStream.hashes[0]!.digest() !== deliveredHash) problems.push(`shard ${shard}: reference-book replay reports differ from the delivered ones`);
    if (inline.stateHash() !== threadedHashes[shard]) problems.push(`shard ${shard}: inline replay book ${inline.stateHash()} != threaded ${threadedHashes[shard]}`);
    if (reference.stateHash() !== threadedHashes[shard]) problems.push(`shard ${shard}: reference book ${reference.stateHash()} != threaded ${threadedHashes[shard]}`);
    inline.close();
  }
  const check =
    problems.length === 0
      ? pass('journal-replay', `${commands} journalled commands on ${shards} shards replayed through the inline engine and the reference book: identical reports and books`)
      : fail('journal-replay', problems.slice(0, 4).join('; '));
  return { check, journalHash: journalHash.digest(), commands, orders };
}
