/**
 * The position manager as a participant of a deterministic run: it owns the PM (engine/pm), its
 * target strategy, and what the run measures and checks of it.
 *
 * The runner calls `act` at `nextEventNs` and `onReport` when a PM report is delivered; commands
 * the PM sends are collected in `outbox` (send never re-enters the runner) and the runner puts
 * them on the wire. The PM's clock is the run's virtual time. Checks (at the end):
 * - pm.ledger: the PM's position per symbol equals the engine's fills for its owner;
 * - pm.no-overshoot: the position never left [min(0, lowest target), max(0, highest target)];
 * - pm.converged: every target held for convergeWithinMs was reached within it;
 * - pm.no-orphans: the PM's live orders are exactly the engine's resting orders of its owner, and
 *   the order state machine saw no illegal transition.
 */
import { ExecKind, Side } from '../../engine/protocol.js';
import { PositionManager } from '../../engine/pm/index.js';
import { RESTING_SLOTS, RestingSlot, copyCommand } from '../../engine/records.js';
import type { Bbo, Command, ExecutionReport, InstrumentConfig } from '../../engine/types.js';
import { fail, pass, type CheckResult } from '../checks/check.js';
import type { RandomStreams } from '../random/streams.js';
import type { PmScenario } from '../scenario/types.js';
import { TargetStrategy } from './target-strategy.js';

const NS_PER_MS = 1_000_000;

interface SymbolTrack {
  target: number | null;
  setNs: number;
  converged: boolean;
  arrivalMid: number;
  lowest: number;
  highest: number;
  position: number;
  slippageCost: number;
  filledQuantity: number;
  waitingFirstOrder: boolean;
}

export interface PmSeriesPoint {
  tMs: number;
  position: number;
  target: number | null;
}

export interface PmRunMetrics {
  owner: number;
  targetsApplied: number;
  ordersSent: number;
  cancelsSent: number;
  childOrdersPerTarget: number | null;
  /** Mean and max |target - position| over the sample points, quantity units. */
  trackingErrorMean: number;
  trackingErrorMax: number;
  /** Per unit filled: (fill price - mid when the target was set) x side; positive = paid away. */
  slippagePerUnit: number | null;
  convergeMsMax: number | null;
  illegalTransitions: number;
  alerts: number;
}

export class PmParticipant {
  readonly pm: PositionManager;
  readonly outbox: Command[] = [];
  private readonly strategy: TargetStrategy;
  private readonly tracks: SymbolTrack[];
  private readonly series = new Map<number, PmSeriesPoint[]>();
  private nowNs = 0;
  private overshoot: string | null = null;
  private convergeFailures: string[] = [];
  private convergeMsMax: number | null = null;
  private errorSum = 0;
  private errorMax = 0;
  private errorSamples = 0;
  /** Virtual ns from a target change to the PM's first order after it, per change. */
  readonly targetToOrderNs: number[] = [];

  constructor(
    readonly owner: number,
    private readonly spec: PmScenario,
    private readonly instruments: readonly InstrumentConfig[],
    streams: RandomStreams,
    /** The best bid and offer the PM sees now (the harness decodes it only when asked). */
    private readonly bbo: (symbol: number) => Bbo,
  ) {
    this.strategy = new TargetStrategy(spec.strategy, streams.stream('pm/strategy'), instruments);
    this.pm = new PositionManager(
      { ...spec.options, owner, instruments: [...instruments] },
      {
        gateway: { send: (command) => this.onSend(command) },
        marketData: { bbo: (symbol) => this.bbo(symbol) },
        clock: { nowNs: () => this.nowNs },
      },
    );
    this.tracks = instruments.map(() => ({
      target: null, setNs: 0, converged: true, arrivalMid: 0, lowest: 0, highest: 0, position: 0, slippageCost: 0, filledQuantity: 0, waitingFirstOrder: false,
    }));
  }

  get nextEventNs(): number {
    const wake = this.pm.nextWakeNs();
    return Math.min(this.strategy.nextChangeNs, Number.isFinite(wake) ? Math.max(wake, this.nowNs) : Number.MAX_SAFE_INTEGER);
  }

  /** Target changes due now go to the PM, then its timers run. */
  act(nowNs: number): void {
    this.nowNs = nowNs;
    if (this.strategy.nextChangeNs <= nowNs) {
      for (const change of this.strategy.fire(nowNs)) this.setTarget(change.symbol, change.target, nowNs);
    }
    this.pm.tick(nowNs);
  }

  onReport(nowNs: number, report: ExecutionReport): void {
    this.nowNs = nowNs;
    this.pm.onReport(report);
    if (report.kind === ExecKind.FILLED || report.kind === ExecKind.PARTIALLY_FILLED) this.onFill(nowNs, report);
    this.pm.tick(nowNs);
  }

  private setTarget(symbol: number, target: number, nowNs: number): void {
    const track = this.tracks[symbol]!;
    this.closeConvergeWindow(track, symbol, nowNs);
    track.target = target;
    track.setNs = nowNs;
    track.converged = track.position === target;
    track.lowest = Math.min(track.lowest, target);
    track.highest = Math.max(track.highest, target);
    const bbo = this.bbo(symbol);
    track.arrivalMid = bbo.bid && bbo.ask ? (bbo.bid.price + bbo.ask.price) / 2 : this.instruments[symbol]!.referencePrice;
    track.waitingFirstOrder = !track.converged;
    this.pm.setTarget(symbol, target);
  }

  private onSend(command: Command): void {
    this.outbox.push(copyCommand(command));
    const track = this.tracks[command.symbol];
    if (command.action === 1 && track?.waitingFirstOrder) {
      track.waitingFirstOrder = false;
      this.targetToOrderNs.push(this.nowNs - track.setNs);
    }
  }

  private onFill(nowNs: number, report: ExecutionReport): void {
    const track = this.tracks[report.symbol]!;
    const signed = report.side === Side.BUY ? report.lastQuantity : -report.lastQuantity;
    track.position += signed;
    track.filledQuantity += report.lastQuantity;
    track.slippageCost += (report.lastPrice - track.arrivalMid) * signed;
    const low = Math.min(0, track.lowest);
    const high = Math.max(0, track.highest);
    if (this.overshoot === null && (track.position < low || track.position > high)) {
      this.overshoot = `symbol ${report.symbol}: position ${track.position} outside [${low}, ${high}] at ${nowNs} ns`;
    }
    if (!track.converged && track.position === track.target) {
      track.converged = true;
      const ms = (nowNs - track.setNs) / NS_PER_MS;
      this.convergeMsMax = Math.max(this.convergeMsMax ?? 0, ms);
    }
  }

  /** A target that was held for convergeWithinMs without being reached is a failure. */
  private closeConvergeWindow(track: SymbolTrack, symbol: number, nowNs: number): void {
    if (track.target === null || track.converged) return;
    if ((nowNs - track.setNs) / NS_PER_MS > this.spec.convergeWithinMs) {
      this.convergeFailures.push(`symbol ${symbol}: target ${track.target} set at ${track.setNs / NS_PER_MS} ms not reached in ${this.spec.convergeWithinMs} ms (position ${track.position})`);
    }
  }

  /** A sample of position against target, for the report's chart and the tracking error. */
  sample(nowNs: number): void {
    this.tracks.forEach((track, symbol) => {
      if (track.target === null) return;
      const points = this.series.get(symbol) ?? [];
      points.push({ tMs: nowNs / NS_PER_MS, position: track.position, target: track.target });
      this.series.set(symbol, points);
      const error = Math.abs(track.target - track.position);
      this.errorSum += error;
      this.errorMax = Math.max(this.errorMax, error);
      this.errorSamples++;
    });
  }

  /** `books`: every symbol's resting orders, as records in RestingSlot layout. */
  checks(endNs: number, ledgerPosition: (symbol: number) => number, books: readonly Float64Array[]): CheckResult[] {
    this.tracks.forEach((track, symbol) => this.closeConvergeWindow(track, symbol, endNs));
    const state = this.pm.state();
    const ledgerMismatch = state.symbols.filter((view) => view.position !== ledgerPosition(view.symbol));
    const pmLive = new Set(state.symbols.flatMap((view) => view.liveOrders.map((order) => order.orderId)));
    const engineLive = new Set<number>();
    for (const records of books) {
      for (let at = 0; at < records.length; at += RESTING_SLOTS) {
        if (records[at + RestingSlot.owner] === this.owner) engineLive.add(records[at + RestingSlot.orderId]!);
      }
    }
    const orphans = [...pmLive].filter((id) => !engineLive.has(id));
    const forgotten = [...engineLive].filter((id) => !pmLive.has(id));
    const illegal = state.stats.illegalTransitions;
    // A report the PM could not book (its quantities cannot be the order's) is as wrong as an
    // illegal transition: the engine or the transport misbehaved.
    const inconsistent = state.stats.reportsInconsistent;
    return [
      ledgerMismatch.length === 0
        ? pass('pm.ledger', `positions ${state.symbols.filter((v) => v.target !== null).map((v) => `${v.symbol}:${v.position}`).join(' ')} equal the engine's fills for owner ${this.owner}`)
        : fail('pm.ledger', ledgerMismatch.map((v) => `symbol ${v.symbol}: PM ${v.position}, engine ${ledgerPosition(v.symbol)}`).join('; ')),
      this.overshoot === null ? pass('pm.no-overshoot', 'the position stayed within the targets set') : fail('pm.no-overshoot', this.overshoot),
      this.convergeFailures.length === 0
        ? pass('pm.converged', `every target held ${this.spec.convergeWithinMs} ms was reached; slowest ${this.convergeMsMax?.toFixed(3) ?? '-'} ms`)
        : fail('pm.converged', this.convergeFailures.slice(0, 3).join('; ')),
      orphans.length === 0 && forgotten.length === 0 && illegal === 0 && inconsistent === 0
        ? pass('pm.no-orphans', `${pmLive.size} live orders, each resting in the engine and none forgotten; no illegal transition or inconsistent report`)
        : fail('pm.no-orphans', `PM-only orders [${orphans.slice(0, 5).join(', ')}], engine-only [${forgotten.slice(0, 5).join(', ')}], illegal transitions ${illegal}, inconsistent reports ${inconsistent}`),
    ];
  }

  metrics(): PmRunMetrics {
    const stats = this.pm.state().stats;
    const filled = this.tracks.reduce((sum, track) => sum + track.filledQuantity, 0);
    const cost = this.tracks.reduce((sum, track) => sum + track.slippageCost, 0);
    return {
      owner: this.owner,
      targetsApplied: stats.targetsApplied,
      ordersSent: stats.ordersSent,
      cancelsSent: stats.cancelsSent,
      childOrdersPerTarget: stats.targetsApplied > 0 ? stats.ordersSent / stats.targetsApplied : null,
      trackingErrorMean: this.errorSamples > 0 ? this.errorSum / this.errorSamples : 0,
      trackingErrorMax: this.errorMax,
      slippagePerUnit: filled > 0 ? cost / filled : null,
      convergeMsMax: this.convergeMsMax,
      illegalTransitions: stats.illegalTransitions,
      alerts: this.pm.alerts().length,
    };
  }

  /** Position against target over time, per traded symbol. */
  timeline(): Record<string, PmSeriesPoint[]> {
    return Object.fromEntries([...this.series.entries()].map(([symbol, points]) => [this.instruments[symbol]!.symbol, points]));
  }
}
