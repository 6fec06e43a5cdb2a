/**
 * InlineGateway: runs the PM over an inline engine (the native Engine or the ReferenceBook).
 *
 * `send` executes the command on the engine at once (matching in the caller's thread) and queues
 * the reports addressed to the PM's owner; `flush` delivers the queue to the PM after `send` has
 * returned, so the PM is never re-entered (liquibook's rule: listeners see a completed change).
 * Reports that the PM's resting orders receive from other participants' commands must reach it
 * too: run those commands through `execute` (or hand their reports to `offer`).
 *
 * Limits: `flush` delivers at most `flushReportsMax` reports per call and throws beyond it
 * (LOBSIM_ERR_RUN), which turns a PM resubmission loop into a test failure instead of a hang; the
 * reports not delivered stay queued for the next flush, as does a report the sink threw on.
 *
 * Misuse is named: an engine or sink without its methods is a TypeError, a bad flushReportsMax a
 * ConfigError, send or flush before connect LOBSIM_ERR_USAGE.
 */
import { ConfigError, LobsimError } from '../errors.js';
import { show } from '../options.js';
import type { Bbo, Command, ExecutionReport, OrderBookEngine } from '../types.js';
import type { MarketData, PmGateway, ReportSink } from './types.js';

export const FLUSH_REPORTS_MAX = 10_000_000;
/** Largest flushReportsMax: any count the delivery loop can reach exactly. */
export const FLUSH_REPORTS_MAX_LIMIT = Number.MAX_SAFE_INTEGER;

export class InlineGateway implements PmGateway, MarketData {
  private engine: OrderBookEngine;
  private sink: ReportSink | null = null;
  private queue: ExecutionReport[] = [];
  private head = 0;
  private readonly flushReportsMax: number;
  /** Every command sent by the PM, in order (for tests and the harness's event log). */
  commandsSent = 0;

  constructor(engine: OrderBookEngine, flushReportsMax: number = FLUSH_REPORTS_MAX) {
    this.engine = checkEngine(engine);
    // NaN would turn the loop guard off (no count is > NaN), 0 or less would refuse every report.
    if (typeof flushReportsMax !== 'number' || !Number.isInteger(flushReportsMax) || flushReportsMax < 1 || flushReportsMax > FLUSH_REPORTS_MAX_LIMIT) {
      throw new ConfigError(`InlineGateway flushReportsMax: must be an integer in [1, ${FLUSH_REPORTS_MAX_LIMIT}], got ${show(flushReportsMax)}`);
    }
    this.flushReportsMax = flushReportsMax;
  }

  /** The PM (or any sink with an owner) that `flush` delivers to. */
  connect(sink: ReportSink): this {
    const candidate = sink as Partial<ReportSink> | null;
    if (typeof candidate !== 'object' || candidate === null || typeof candidate.onReport !== 'function' || !Number.isInteger(candidate.owner)) {
      throw new TypeError(`InlineGateway sink: must be an object with an integer owner and an onReport() method, got ${show(sink)}`);
    }
    this.sink = sink;
    return this;
  }

  get currentEngine(): OrderBookEngine {
    return this.engine;
  }

  /** Swaps in a restarted engine and drops queued reports of the old one (they died with it). */
  replaceEngine(engine: OrderBookEngine): void {
    this.engine = checkEngine(engine);
    this.queue = [];
    this.head = 0;
  }

  get pending(): number {
    return this.queue.length - this.head;
  }

  send(command: Command): void {
    // The PM's own command: with no sink its reports would be dropped, and the PM would wait for
    // them for ever. (execute, for other participants, may run before the PM is connected.)
    if (this.sink === null) throw new LobsimError('LOBSIM_ERR_USAGE', 'InlineGateway: send before connect (connect(pm) first): its reports would be lost');
    this.commandsSent += 1;
    this.offer(this.engine.execute(command));
  }

  /** Runs another participant's command; queues the reports meant for the PM and returns all. */
  execute(command: Command): ExecutionReport[] {
    const reports = this.engine.execute(command);
    this.offer(reports);
    return reports;
  }

  offer(reports: readonly ExecutionReport[]): void {
    const owner = this.sink?.owner;
    for (const report of reports) if (report.owner === owner) this.queue.push(report);
  }

  /** Delivers queued reports (and those their handling produces) until none is left; returns the count. */
  flush(): number {
    const sink = this.sink;
    if (sink === null) throw new LobsimError('LOBSIM_ERR_USAGE', 'InlineGateway: flush before connect (connect(pm) first)');
    let delivered = 0;
    while (this.head < this.queue.length) {
      // Checked before the next report is taken, so that it stays queued. Not an invariant error:
      // a loop in the sink and a limit set too low look the same from here.
      if (delivered === this.flushReportsMax) {
        throw new LobsimError('LOBSIM_ERR_RUN', `InlineGateway: more than ${this.flushReportsMax} reports in one flush (a resubmission loop? else raise flushReportsMax); ${this.pending} stay queued`);
      }
      // Taken off the queue once the sink returns: a report it threw on (the PM's clock failed,
      // say) is delivered again by the next flush, which is safe for the PM: it ignores a report
      // it already applied (same seq).
      sink.onReport(this.queue[this.head] as ExecutionReport);
      this.head += 1;
      delivered += 1;
    }
    this.queue = [];
    this.head = 0;
    return delivered;
  }

  bbo(symbol: number): Bbo {
    return this.engine.bbo(symbol);
  }
}

function checkEngine(engine: OrderBookEngine): OrderBookEngine {
  const candidate = engine as Partial<OrderBookEngine> | null;
  if (typeof candidate !== 'object' || candidate === null || typeof candidate.execute !== 'function' || typeof candidate.bbo !== 'function') {
    throw new TypeError(`InlineGateway engine: must be an object with execute() and bbo() methods, got ${show(engine)}`);
  }
  return engine;
}
