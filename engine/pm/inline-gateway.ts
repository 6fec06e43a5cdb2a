/**
 * InlineGateway: runs the PM over an inline engine (the native Engine or the ReferenceBook).
 *
 * `send` executes the command on the engine at once (matching in the caller's thread) and queues
 * the reports addressed to the PM's owner; `flush` delivers the queue to the PM after `send` has
 * returned, so the PM is never re-entered (liquibook's rule: listeners see a completed change).
 * Reports that the PM's resting orders receive from other participants' commands must reach it
 * too: run those commands through `execute` (or hand their reports to `offer`).
 *
 * Limits: `flush` delivers at most `flushReportsMax` reports per call and throws beyond it, which
 * turns a PM resubmission loop into a test failure instead of a hang.
 */
import { InvariantError } from '../errors.js';
import type { Bbo, Command, ExecutionReport, OrderBookEngine } from '../types.js';
import type { MarketData, PmGateway, ReportSink } from './types.js';

export const FLUSH_REPORTS_MAX = 10_000_000;

export class InlineGateway implements PmGateway, MarketData {
  private engine: OrderBookEngine;
  private sink: ReportSink | null = null;
  private queue: ExecutionReport[] = [];
  private head = 0;
  /** Every command sent by the PM, in order (for tests and the harness's event log). */
  commandsSent = 0;

  constructor(
    engine: OrderBookEngine,
    private readonly flushReportsMax = FLUSH_REPORTS_MAX,
  ) {
    this.engine = engine;
  }

  /** The PM (or any sink with an owner) that `flush` delivers to. */
  connect(sink: ReportSink): this {
    this.sink = sink;
    return this;
  }

  get currentEngine(): OrderBookEngine {
    return this.engine;
  }

  /** Swaps in a restarted engine and drops queued reports of the old one (they died with it). */
  replaceEngine(engine: OrderBookEngine): void {
    this.engine = engine;
    this.queue = [];
    this.head = 0;
  }

  get pending(): number {
    return this.queue.length - this.head;
  }

  send(command: Command): void {
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
    if (sink === null) throw new InvariantError('InlineGateway: flush before connect');
    let delivered = 0;
    while (this.head < this.queue.length) {
      const report = this.queue[this.head] as ExecutionReport;
      this.head += 1;
      delivered += 1;
      if (delivered > this.flushReportsMax) throw new InvariantError(`InlineGateway: more than ${this.flushReportsMax} reports in one flush (a resubmission loop?)`);
      sink.onReport(report);
    }
    this.queue = [];
    this.head = 0;
    return delivered;
  }

  bbo(symbol: number): Bbo {
    return this.engine.bbo(symbol);
  }
}
