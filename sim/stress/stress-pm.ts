/**
 * The position manager in a stress run: the same PmParticipant as in deterministic mode, on the
 * main thread, on real time. Its commands go to the threaded engine (BUSY comes back at once and is
 * handed to the PM, which backs off); its reports and the market data arrive through subscriptions;
 * a timer runs it at its next wake time. When the run ends the strategy stops and the PM gets a
 * short settling time so the orders it has in flight are answered before the engine closes.
 */
import { ThreadedEngine, BBO_SLOTS, BboSlot } from '../../engine/threaded-engine.js';
import { decodeBbo, decodeReport } from '../../engine/records.js';
import type { Bbo } from '../../engine/types.js';
import { LatencyRecorder } from '../metrics/latency-recorder.js';
import { PmParticipant } from '../pm/pm-participant.js';
import type { RandomStreams } from '../random/streams.js';
import type { Scenario } from '../scenario/types.js';

/** Longest sleep between two looks at the PM's timers, ms (a report may move its wake time). */
const TICK_MS_MAX = 5;
/** After the run, time for the PM's in-flight orders to be answered before the engine closes, ms. */
export const PM_SETTLE_MS = 500;

export class StressPm {
  readonly participant: PmParticipant;
  private readonly bbos: Bbo[];
  private timer: NodeJS.Timeout | null = null;
  private startNs = 0;
  private stopped = false;
  private nextSampleNs = 0;
  /** Target set to first order sent (run time), and report to PM updated (real processing cost). */
  readonly latency = new LatencyRecorder<string>({ operations: ['pm_target_to_order', 'pm_update'] });

  constructor(
    private readonly engine: ThreadedEngine,
    scenario: Scenario,
    streams: RandomStreams,
    private readonly sampleIntervalNs: number,
  ) {
    const pm = scenario.pm!;
    this.bbos = scenario.instruments.map(() => ({ bid: null, ask: null }));
    this.participant = new PmParticipant(scenario.clients.count + 1, pm, scenario.instruments, streams, (symbol) => this.bbos[symbol]!);
    engine.onMarketData(({ records, count }) => {
      for (let at = 0; at < count * BBO_SLOTS; at += BBO_SLOTS) {
        this.bbos[records[at + BboSlot.symbol]!] = decodeBbo(records, at + BboSlot.bidPrice);
      }
    });
    engine.onReports([this.participant.owner], ({ records, count }) => {
      const now = this.nowNs();
      for (let index = 0; index < count; index++) {
        const started = process.hrtime.bigint();
        this.participant.onReport(now, decodeReport(records, index));
        this.latency.record('pm_update', 0, 0, Number(process.hrtime.bigint() - started));
      }
      this.flush();
    });
  }

  /** Starts on the run's clock: `startNs` is process.hrtime of the run's time zero. */
  start(startNs: number): void {
    this.startNs = startNs;
    this.schedule();
  }

  /** The strategy stops; the PM keeps answering reports so that what it sent settles. */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private nowNs(): number {
    return Math.max(0, Number(process.hrtime.bigint()) - this.startNs);
  }

  private schedule(): void {
    if (this.stopped) return;
    const waitMs = Math.min(TICK_MS_MAX, Math.max(0, (this.participant.nextEventNs - this.nowNs()) / 1e6));
    this.timer = setTimeout(() => {
      const now = this.nowNs();
      if (this.participant.nextEventNs <= now) this.participant.act(now);
      if (now >= this.nextSampleNs) {
        this.participant.sample(now);
        this.nextSampleNs = now + this.sampleIntervalNs;
      }
      this.flush();
      this.schedule();
    }, waitMs);
  }

  /** Sends what the PM queued; a BUSY refusal goes straight back to the PM. */
  private flush(): void {
    const outbox = this.participant.outbox;
    while (outbox.length > 0) {
      const command = outbox.shift()!;
      const refused =
        command.action === 1
          ? this.engine.submit(command)
          : this.engine.cancel(command.orderId > 0 ? { owner: command.owner, orderId: command.orderId } : { owner: command.owner, clientOrderId: command.clientOrderId, symbol: command.symbol });
      if (refused !== null) this.participant.onReport(this.nowNs(), refused);
    }
    for (const waited of this.participant.targetToOrderNs) this.latency.record('pm_target_to_order', 0, 0, waited);
    this.participant.targetToOrderNs.length = 0;
  }
}
