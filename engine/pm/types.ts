/**
 * The position manager's seams: what it is given (clock, gateway, market data, logger) and what it
 * shows (state views, statistics, anomalies, alerts). Quantities are signed integers in quantity
 * units (positive = long); symbols are instrument indices, as in engine commands.
 */
import type { Logger } from 'pino';
import type { SideCode } from '../protocol.js';
import type { Bbo, Command, ExecutionReport } from '../types.js';
import type { OrderStateName } from './order-state-machine.js';

/**
 * Time source. Virtual in deterministic runs, real (e.g. process.hrtime) in stress runs. Read at
 * most once per PM call, checked (a finite number of ns >= 0).
 */
export interface PmClock {
  nowNs(): number;
}

/**
 * Where the PM sends its commands. Contract: `send` must not call back into the PM (no
 * `onReport` from inside `send`); reports of a command are delivered after `send` returns, either
 * by the caller (InlineGateway.flush) or later from another event source (threaded engine). The PM
 * detects a re-entrant call and throws (LOBSIM_ERR_USAGE). If `send` throws, the PM rethrows: a
 * new order whose send threw stays pending and counts as working (its outcome is unknown: the
 * transport may have delivered it) until its reports, or those of a cancel by client order id
 * sent on the retry, resolve it; a cancel stays to be sent again; the symbol is reconciled again
 * after backoffBaseNs. Commands must reach the engine in the order they were sent.
 */
export interface PmGateway {
  send(command: Command): void;
}

/**
 * Best bid and offer per instrument index (OrderBookEngine satisfies it). What it returns is
 * checked: { bid, ask }, each null or a level with a positive safe-integer price.
 */
export interface MarketData {
  bbo(symbol: number): Bbo;
}

/** Anything that consumes execution reports (the PM does). */
export interface ReportSink {
  readonly owner: number;
  onReport(report: ExecutionReport): void;
}

export interface PmDeps {
  gateway: PmGateway;
  marketData: MarketData;
  clock: PmClock;
  /** Audit log sink. Absent or level above 'info': auditing is off and costs one branch. */
  logger?: Logger;
}

export interface PmTarget {
  symbol: number;
  quantity: number;
}

/** What `setTarget` did with the update. */
export type TargetOutcome = 'queued' | 'coalesced' | 'shed';

export interface OrderView {
  clientOrderId: number;
  orderId: number;
  symbol: number;
  side: SideCode;
  price: number;
  quantity: number;
  cum: number;
  leaves: number;
  state: OrderStateName;
  sentNs: number;
}

export interface SymbolView {
  symbol: number;
  position: number;
  /** null until a target was applied for the symbol. */
  target: number | null;
  /** position + leaves of live buys - leaves of live sells (pending new at full size, pending cancel included). */
  working: number;
  buyLeaves: number;
  sellLeaves: number;
  halted: boolean;
  liveOrders: OrderView[];
}

export interface PmStats {
  reports: number;
  reportsForeign: number;
  /** Reports already applied (seq not above the order's last) or stale (cum below what was booked, cum + leaves its quantity): ignored. */
  reportsDuplicate: number;
  reportsUnknown: number;
  /** Reports for an order already lost (engine restart, not at the engine): fills are still booked. */
  reportsLate: number;
  ordersSent: number;
  cancelsSent: number;
  fills: number;
  rejects: number;
  rejectsTransient: number;
  rejectsInvalid: number;
  cooldowns: number;
  illegalTransitions: number;
  /**
   * Reports whose quantities contradict their order (cum above its quantity or below what was
   * booked, cum + leaves off its quantity): listed in anomalies, neither booked nor applied.
   */
  reportsInconsistent: number;
  targetsQueued: number;
  targetsCoalesced: number;
  targetsShed: number;
  targetsApplied: number;
  engineRestarts: number;
  ordersLost: number;
  ordersAdopted: number;
  recoveredFillQuantity: number;
}

export interface PmState {
  owner: number;
  engineEpoch: number;
  nextClientOrderId: number;
  /** Every instrument, by index. */
  symbols: SymbolView[];
  stats: PmStats;
}

/**
 * A report the PM did not apply: an illegal order-state transition (its fill, if any, is still
 * booked) or quantities that contradict the order (nothing booked). `detail` says which.
 */
export interface Anomaly {
  clientOrderId: number;
  symbol: number;
  from: OrderStateName;
  event: string;
  seq: number;
  nowNs: number;
  detail: string;
}

export type AlertKind = 'symbol-halted' | 'cooldown' | 'order-unresolved' | 'order-adopted' | 'illegal-transition';

export interface Alert {
  kind: AlertKind;
  symbol: number;
  detail: string;
  nowNs: number;
}
