/**
 * The position manager: targets in, orders out, execution reports back (seed sections 1.2, 1.4,
 * 5; questions 4, 9, 10), single-threaded and deterministic given its inputs and clock.
 *
 * Entry points: setTarget / setTargets (queue), tick (drain targets, run due timers), onReport,
 * onEngineEpoch, reconcileWithEngine (after a PM restart), resume. None may be called from inside
 * `gateway.send`: a re-entrant call throws LOBSIM_ERR_USAGE (the inline harness delivers reports
 * after send returns, see InlineGateway). A discrete-event simulator calls `tick` at `nextWakeNs()`.
 *
 * Input: every call checks what it is given (input-checks.ts, engine-orders.ts) and what its
 * dependencies return (the clock's time, the market's prices) before it changes anything, and a
 * refused call changes nothing. A dependency that throws (gateway.send, the journal) or fails a
 * check while a symbol is being reconciled leaves what already went out as it is, schedules the
 * symbol for another try after backoffBaseNs, and the error reaches the caller. A new order whose
 * send threw has an unknown outcome: it stays pending until its reports, or those of a cancel
 * sent on the retry, resolve it (sendFailed).
 *
 * Ordering invariant: the reports of one order arrive in engine order; reports of different
 * orders may be delayed, interleaved and duplicated freely. A report whose seq is not above the
 * order's last applied seq is a duplicate and is ignored (idempotent); so is a stale one, from
 * before what was booked (reconcileWithEngine took a newer cum from the engine, or synced the
 * order while its ack was in flight).
 *
 * Accounting: position = the sum of this owner's fills, booked from each report's cumQuantity
 * (idempotent, and exact even if a partial-fill report went missing). A fill is a fact at the
 * engine, so its quantity is booked even when its state transition is illegal or the order was
 * lost (then its symbol is reconciled at the next tick); the illegal transition itself is
 * reported and not applied. A report whose quantities cannot be the order's (cum above its
 * quantity or below what was booked, cum + leaves off its quantity) is no fact about it: counted
 * (reportsInconsistent), listed in anomalies(), neither booked nor applied. A MODIFY at the engine
 * by the owner's other tools (REPLACED) is a fact too: the order's quantity becomes cum + its new
 * leaves, and its price the report's; a refused one (MODIFY_REJECTED) changes nothing.
 *
 * Performance: onReport is O(1) (a map lookup and incremental per-symbol aggregates) and reads
 * the clock only when it uses the time (rejects, terminal events, anomalies, reconciles, journal
 * and audit lines), not for the acks and fills of live orders; reconcile is O(1) unless it
 * cancels. Auditing and journaling cost one branch each when off.
 *
 * Known limitations: whole-order cancels only (the PM itself never modifies); targets still in the
 * queue at a crash are lost (applied targets are journaled); a terminal order evicted from the
 * closed-order memory (closedOrdersMax) no longer recognizes late reports.
 */
import type { Logger } from 'pino';
import { InvariantError, LobsimError } from '../errors.js';
import { show } from '../options.js';
import { Action, ExecKind, OrderType, Reason, Side, type ExecKindCode, type OrderTypeCode, type ReasonCode, type SideCode } from '../protocol.js';
import type { ExecutionReport, RestingOrder } from '../types.js';
import { adoptedPrior, checkEngineOrders, type EngineOrdersContext } from './engine-orders.js';
import { checkBbo, checkClockNs, checkDeps, checkReport, checkReportList, checkTargetList, checkTimeNs, inputError, integerInput } from './input-checks.js';
import { JOURNAL_VERSION, JournalWriter, readJournal, type JournalRecord, type JournalSnapshot } from './journal.js';
import { cancelRejectEvent, ILLEGAL, OrderEvent, OrderState, eventName, eventOfReport, isLive, stateName, transition, type OrderEventCode, type OrderStateCode } from './order-state-machine.js';
import { CLIENT_ORDER_ID_MAX, validatePmOptions, type PmOptions, type ResolvedPmOptions } from './options.js';
import { limitPrice, priceGrid, type PriceGrid } from './price-policy.js';
import { planReconcile, type ReconcileLimits } from './reconcile.js';
import { addLiveOrder, engineQuantityProblem, PmOrder, reportProblem, setOrderState, SymbolBook, verifySymbolBook, type ReportProblem } from './symbol-book.js';
import { TargetQueue } from './target-queue.js';
import { newStats, reportFields, symbolView } from './views.js';
import type { Alert, AlertKind, Anomaly, MarketData, PmClock, PmDeps, PmGateway, PmState, PmStats, PmTarget, TargetOutcome } from './types.js';

/** Rejects worth retrying after a backoff: the engine was busy or full, or the market moved. */
const TRANSIENT_REJECTS: ReadonlySet<number> = new Set<number>([
  Reason.BUSY,
  Reason.ENGINE_FULL,
  Reason.POST_ONLY_WOULD_CROSS,
  Reason.DUPLICATE_CLIENT_ORDER_ID,
]);

export class PositionManager {
  readonly owner: number;
  readonly options: ResolvedPmOptions;
  private readonly gateway: PmGateway;
  private readonly marketData: MarketData;
  private readonly clock: PmClock;
  private readonly logger: Logger | undefined;
  private readonly auditOn: boolean;
  private readonly orderType: OrderTypeCode;
  private readonly books: SymbolBook[];
  private readonly limits: ReconcileLimits[];
  private readonly grids: PriceGrid[];
  /** Live orders by client order id, in send order. */
  private readonly live = new Map<number, PmOrder>();
  /** Terminal orders by client order id, oldest first, at most closedOrdersMax. */
  private readonly closed = new Map<number, PmOrder>();
  private readonly targets: TargetQueue;
  /** Symbols with a finite wakeNs. */
  private readonly timed = new Set<number>();
  private readonly counters: PmStats = newStats();
  private readonly anomalyList: Anomaly[] = [];
  private readonly alertList: Alert[] = [];
  private nextClientOrderId: number;
  private engineEpoch: number;
  private journal: JournalWriter | null = null;
  /** Inside a public call: a second one is re-entrance (e.g. onReport from inside send). */
  private busy = false;
  /** The time of the current public call, read from the clock (checked) at most once; -1 = not read yet. */
  private callNs = -1;
  /** Replaying a journal: state changes only, no commands, no timers, no journal writes. */
  private replaying = false;
  private replayNs = 0;

  constructor(options: PmOptions, deps: PmDeps) {
    this.options = validatePmOptions(options);
    checkDeps(deps);
    this.owner = this.options.owner;
    this.gateway = deps.gateway;
    this.marketData = deps.marketData;
    this.clock = deps.clock;
    this.logger = deps.logger;
    this.auditOn = deps.logger !== undefined && deps.logger.isLevelEnabled('info');
    this.orderType = this.options.orderType === 'ioc' ? OrderType.IOC : OrderType.LIMIT;
    const instruments = this.options.instruments;
    this.books = instruments.map((_, symbol) => new SymbolBook(symbol));
    this.limits = instruments.map((instrument) => this.limitsFor(instrument.lotSize, instrument.tickSize, instrument.maxOrderQuantity));
    this.grids = instruments.map(priceGrid);
    this.targets = new TargetQueue(this.options.targetQueueMax, instruments.length);
    this.nextClientOrderId = this.options.clientOrderIdStart;
    this.engineEpoch = this.options.engineEpoch;
    if (this.options.journalPath !== '') this.openJournal(this.options.journalPath, true);
  }

  /**
   * A PM restored from its journal: positions, targets, live orders (with their last seq), halts,
   * the engine epoch and the client-order-id counter. Then, typically: replay any reports the
   * engine emitted for this owner while the PM was down (duplicates are ignored), call
   * `reconcileWithEngine` with the engine's live orders, and `tick`. The journal is compacted to
   * one snapshot and appended to from there on.
   */
  static recover(journalPath: string, options: PmOptions, deps: PmDeps): PositionManager {
    const { records, lines, skipped } = readJournal(journalPath);
    const pm = new PositionManager({ ...options, journalPath: '' }, deps);
    pm.replay(records, lines, journalPath);
    pm.openJournal(journalPath, false);
    try {
      pm.compactJournal();
    } catch (error) {
      pm.close();  // The recovery failed (e.g. the clock did): the journal's descriptor must not leak.
      throw error;
    }
    if (pm.auditOn) pm.audit('recovered', { records: records.length, skipped, liveOrders: pm.live.size });
    return pm;
  }

  // ---- targets -------------------------------------------------------------------------------

  /** Queues a target (signed quantity, a multiple of the lot); applied by the next `tick`. */
  setTarget(symbol: number, quantity: number): TargetOutcome {
    this.enter();
    try {
      this.checkTarget(symbol, quantity, 'pm symbol', `pm target for symbol ${show(symbol)}`);
      const outcome = this.targets.push(symbol, quantity);
      this.counters.targetsQueued = this.targets.queued;
      this.counters.targetsCoalesced = this.targets.coalesced;
      this.counters.targetsShed = this.targets.shed;
      if (this.auditOn) this.audit('target-received', { symbol, quantity, outcome });
      return outcome;
    } finally {
      this.leave();
    }
  }

  /** setTarget for each, all checked first: a list with one bad target queues none of them. */
  setTargets(targets: readonly PmTarget[]): TargetOutcome[] {
    checkTargetList(targets);
    targets.forEach((target, index) => this.checkTarget(target.symbol, target.quantity, `pm targets[${index}].symbol`, `pm targets[${index}].quantity`));
    return targets.map((target) => this.setTarget(target.symbol, target.quantity));
  }

  /** Applies queued targets, then reconciles every symbol whose timer is due; `nowNs` defaults to the clock's. */
  tick(nowNs?: number): void {
    const time = nowNs === undefined ? this.readClock() : checkTimeNs(nowNs, 'pm tick nowNs');
    this.enter();
    this.callNs = time;  // The PM's time for this call: alerts and audit lines of the tick carry it.
    try {
      while (this.targets.shift((symbol, quantity) => this.applyTarget(symbol, quantity, time)));
      for (const symbol of [...this.timed]) {
        const book = this.books[symbol] as SymbolBook;
        if (book.wakeNs <= time) this.reconcile(book, time);
      }
    } finally {
      this.leave();
    }
  }

  /** When `tick` must run next: now if targets are queued, else the earliest timer (Infinity = none). */
  nextWakeNs(): number {
    if (this.targets.size > 0) return this.readClock();
    let earliest = Infinity;
    for (const symbol of this.timed) earliest = Math.min(earliest, (this.books[symbol] as SymbolBook).wakeNs);
    return earliest;
  }

  private applyTarget(symbol: number, quantity: number, nowNs: number): void {
    const book = this.books[symbol] as SymbolBook;
    book.target = quantity;
    this.counters.targetsApplied += 1;
    this.journal?.append({ k: 'tgt', s: symbol, q: quantity, ns: nowNs });
    if (this.auditOn) this.audit('target-applied', { symbol, quantity, position: book.position, working: book.working });
    this.reconcile(book, nowNs);
  }

  // ---- reports -------------------------------------------------------------------------------

  onReport(report: ExecutionReport): void {
    checkReport(report);
    this.applyCheckedReport(report);
  }

  /** onReport for each, all checked first: a list with one malformed report applies none of them. */
  onReports(reports: readonly ExecutionReport[]): void {
    checkReportList(reports);
    for (const report of reports) this.applyCheckedReport(report);
  }

  /** onReport after checkReport: each report is checked once, alone or in a list. */
  private applyCheckedReport(report: ExecutionReport): void {
    if (report.owner !== this.owner) {
      this.counters.reportsForeign += 1;
      return;
    }
    this.enter();
    try {
      const order = this.live.get(report.clientOrderId) ?? this.closed.get(report.clientOrderId);
      if (order === undefined) {
        if (this.auditOn) this.now();  // Checked before anything changes: the audit line carries it.
        this.counters.reports += 1;
        this.counters.reportsUnknown += 1;
        if (this.auditOn) this.audit('report-unknown', reportFields(report));
        return;
      }
      if (report.seq <= order.lastSeq) {
        this.counters.reports += 1;
        this.counters.reportsDuplicate += 1;
        return;
      }
      const event = this.reportEvent(order, report.kind, report.reason, report.leavesQuantity);
      const problem = reportProblem(order, event, report.orderId, report.price, report.cumQuantity, report.leavesQuantity);
      if (problem !== null && problem.stale) {
        // From before what was booked (e.g. a fill still in flight when reconcileWithEngine synced
        // the order): old news, counted as a duplicate, neither journaled nor its seq taken.
        this.counters.reports += 1;
        this.counters.reportsDuplicate += 1;
        return;
      }
      // The clock, checked before anything changes, only where the time is used: not for the acks
      // and fills of live orders, the bulk of reports (onReport is the hot path).
      if (problem !== null || this.journal !== null || this.auditOn || needsTime(order.state, event)) this.now();
      this.counters.reports += 1;
      if (problem !== null) {
        // Well-formed (checkReport) but not about this order as the PM knows it: like an illegal
        // transition, it says the engine or the transport misbehaved, not the caller, so it is
        // counted and listed rather than thrown (a throw would stop a gateway's delivery loop at
        // it). Unlike a fill of an illegal transition it is not booked: its cum cannot be this
        // order's. Not journaled and its seq not taken, so the PM and its journal are as if it
        // never came.
        this.reportInconsistent(order, report.seq, event, problem);
        return;
      }
      order.lastSeq = report.seq;
      if (this.journal !== null) this.journalReport(order, report);
      if (this.auditOn) this.audit('report', reportFields(report));
      this.applyReport(order, event, report.reason, report.orderId, report.price, report.cumQuantity, report.leavesQuantity, report.seq);
    } finally {
      this.leave();
    }
  }

  /** The lifecycle event of a report for `order`, read before the report's seq is taken. */
  private reportEvent(order: PmOrder, kind: ExecKindCode, reason: number, leaves: number): OrderEventCode {
    const event = eventOfReport(kind, leaves);
    if (event !== OrderEvent.CANCEL_REJECTED) return event;
    return cancelRejectEvent(order.state, reason, order.orderId !== 0 || order.lastSeq !== 0);
  }

  private applyReport(order: PmOrder, event: OrderEventCode, reason: ReasonCode, orderId: number, price: number, cum: number, leaves: number, seq: number): void {
    const book = this.books[order.symbol] as SymbolBook;
    const from = order.state;
    const to = transition(from, event);
    // A replace carries the order's cum too: booked, so a fill report that went missing still counts.
    const filled = (event === OrderEvent.PARTIAL_FILL || event === OrderEvent.FILL || event === OrderEvent.REPLACED) && this.bookFill(book, order, cum);
    if (to === ILLEGAL) {
      this.reportIllegal(order, event, seq);
      return;
    }
    if (from === OrderState.LOST) {
      this.counters.reportsLate += 1;
      // The fill of an order no longer counted as working moved the position past what the
      // symbol's last reconcile planned for: reconcile it at the next tick.
      if (filled && !this.replaying) this.setWake(book, Math.min(book.wakeNs, this.now()));
      return;
    }
    if (event === OrderEvent.ACCEPTED) {
      order.orderId = orderId;
      book.rejectStreak = 0;
    }
    // A MODIFY at the engine (REPLACED): quantity = cum + the new leaves and its price, facts the
    // PM takes (repricing compares the order's price with the market's).
    if (event === OrderEvent.REPLACED) {
      order.quantity = cum + leaves;
      order.price = price;
    }
    if (event !== OrderEvent.CANCEL_REJECTED || isLive(from)) setOrderState(book, order, to, isLive(to) ? leavesAfter(event, order, leaves) : 0);
    if (event === OrderEvent.REJECTED) this.onReject(book, order, reason);
    if (to === OrderState.LOST) this.countLost(order);
    if (isLive(from) && !isLive(to)) {
      this.retire(order);
      this.reconcile(book, this.now());
    } else if (event === OrderEvent.REPLACED) {
      this.reconcile(book, this.now());  // Its leaves, so the working position, changed.
    }
  }

  /** Books the fills of `order` up to `cum`; whether anything was booked. */
  private bookFill(book: SymbolBook, order: PmOrder, cum: number): boolean {
    const quantity = cum - order.cum;
    if (quantity <= 0) return false;
    order.cum = cum;
    book.position += order.side === Side.BUY ? quantity : -quantity;
    this.counters.fills += 1;
    if (this.auditOn) this.audit('position', { symbol: book.symbol, position: book.position, fill: quantity, clientOrderId: order.clientOrderId });
    return true;
  }

  private reportIllegal(order: PmOrder, event: OrderEventCode, seq: number): void {
    this.counters.illegalTransitions += 1;
    this.anomaly('illegal-transition', order, event, seq, `no transition from ${stateName(order.state)} on ${eventName(event)}`);
  }

  private reportInconsistent(order: PmOrder, seq: number, event: OrderEventCode, problem: ReportProblem): void {
    this.counters.reportsInconsistent += 1;
    this.anomaly('report-inconsistent', order, event, seq, `report ${problem.detail}: not booked`);
  }

  private anomaly(kind: string, order: PmOrder, event: OrderEventCode, seq: number, detail: string): void {
    const anomaly: Anomaly = { clientOrderId: order.clientOrderId, symbol: order.symbol, from: stateName(order.state), event: eventName(event), seq, nowNs: this.now(), detail };
    if (this.anomalyList.length < this.options.anomaliesMax) this.anomalyList.push(anomaly);
    if (this.auditOn) this.logger?.warn({ ev: kind, ...anomaly }, kind);
  }

  private onReject(book: SymbolBook, order: PmOrder, reason: ReasonCode): void {
    this.counters.rejects += 1;
    const nowNs = this.now();
    if (!TRANSIENT_REJECTS.has(reason)) {
      this.counters.rejectsInvalid += 1;
      book.halted = true;
      this.alert('symbol-halted', book.symbol, `order ${order.clientOrderId} rejected with reason ${reason}: no new orders until resume(${book.symbol})`);
      return;
    }
    this.counters.rejectsTransient += 1;
    book.rejectStreak += 1;
    if (book.rejectStreak > this.options.rejectRetriesMax) {
      book.rejectStreak = 0;
      book.cooldownUntilNs = nowNs + this.options.cooldownNs;
      this.counters.cooldowns += 1;
      this.alert('cooldown', book.symbol, `${this.options.rejectRetriesMax + 1} transient rejects in a row (last reason ${reason}): cooling down until ${book.cooldownUntilNs} ns`);
      return;
    }
    const backoff = Math.min(this.options.backoffMaxNs, this.options.backoffBaseNs * 2 ** (book.rejectStreak - 1));
    book.retryAtNs = nowNs + backoff;
  }

  /** Clears an invalid-reject halt (the operator fixed the cause) and reconciles the symbol. */
  resume(symbol: number): void {
    this.enter();
    try {
      const book = this.bookAt(symbol);
      const nowNs = this.now();
      book.halted = false;
      book.rejectStreak = 0;
      book.cooldownUntilNs = -Infinity;
      this.journal?.append({ k: 'resume', s: symbol, ns: nowNs });
      this.reconcile(book, nowNs);
    } finally {
      this.leave();
    }
  }

  // ---- reconcile and commands ----------------------------------------------------------------

  private reconcile(book: SymbolBook, nowNs: number): void {
    if (this.replaying) return;
    try {
      this.reconcileNow(book, nowNs);
    } catch (error) {
      // A dependency failed (gateway.send threw, marketData gave no usable price) or the ids ran
      // out: what went out stands, and the symbol is tried again after the backoff instead of
      // waiting, perhaps for ever, for an event that would reconcile it.
      this.setWake(book, nowNs + this.options.backoffBaseNs);
      throw error;
    }
  }

  private reconcileNow(book: SymbolBook, nowNs: number): void {
    if (book.unresolved.size > 0) this.cancelUnresolved(book, nowNs);
    const limits = this.limits[book.symbol] as ReconcileLimits;
    const price = limits.repriceTicksMin > 0 ? (side: SideCode) => this.priceFor(book.symbol, side) : undefined;
    let wakeNs = Infinity;
    for (let round = 0; round <= limits.childOrdersLiveMax; round += 1) {
      const plan = planReconcile(book, nowNs, limits, price);
      wakeNs = plan.wakeNs;
      if (plan.cancels.length > 0) {
        book.lastCancelWaveNs = nowNs;
        for (const order of plan.cancels) this.sendCancel(book, order, nowNs);
      }
      if (plan.side === -1) break;
      this.sendNew(book, plan.side, plan.quantity, nowNs);
      if (!plan.more) break;
    }
    if (limits.repriceTicksMin > 0 && this.options.repriceIntervalNs > 0 && book.buys.size + book.sells.size > 0) {
      wakeNs = Math.min(wakeNs, nowNs + this.options.repriceIntervalNs);
    }
    this.setWake(book, wakeNs);
  }

  /** The market of `symbol` moved: reconcile it now (repricing, a new child at the new price). */
  onMarketData(symbol: number): void {
    this.enter();
    try {
      this.reconcile(this.bookAt(symbol), this.now());
    } finally {
      this.leave();
    }
  }

  private setWake(book: SymbolBook, wakeNs: number): void {
    book.wakeNs = wakeNs;
    if (wakeNs === Infinity) this.timed.delete(book.symbol);
    else this.timed.add(book.symbol);
  }

  private priceFor(symbol: number, side: SideCode): number {
    return limitPrice(this.options.pricePolicy, this.options.crossTicks, side, checkBbo(this.marketData.bbo(symbol), symbol), this.grids[symbol] as PriceGrid);
  }

  private sendNew(book: SymbolBook, side: SideCode, quantity: number, nowNs: number): void {
    const price = this.priceFor(book.symbol, side);  // Checks the market data before anything is recorded.
    const clientOrderId = this.issueClientOrderId();
    if (this.journal !== null) {
      // Write-ahead, and before the order is recorded: if the journal cannot be written, the order
      // neither exists nor goes out (its id stays used: part of the line may have been written),
      // and the symbol is tried again after the backoff (reconcile).
      this.journal.append({ k: 'new', c: clientOrderId, s: book.symbol, sd: side, p: price, q: quantity, ns: nowNs });
      this.journal.flush();
    }
    const order = this.createOrder(clientOrderId, book.symbol, side, price, quantity, nowNs);
    try {
      this.gateway.send({ action: Action.NEW, symbol: book.symbol, owner: this.owner, clientOrderId, orderId: 0, side, type: this.orderType, price, quantity });
    } catch (error) {
      this.sendFailed(book, order, error);
      throw error;
    }
    book.lastChildNs = nowNs;
    this.counters.ordersSent += 1;
    if (this.auditOn) this.audit('order-sent', { clientOrderId, symbol: book.symbol, side, price, quantity, target: book.target, position: book.position });
  }

  /**
   * The next client order id. The counter stops at CLIENT_ORDER_ID_MAX + 1 (2^53, exact): past it
   * `+= 1` would no longer advance and ids would repeat, so running out is an error, raised before
   * anything of the order is recorded (options.ts CLIENT_ORDER_ID_START_MAX keeps it out of reach
   * unless a journal's counter already is near it).
   */
  private issueClientOrderId(): number {
    const clientOrderId = this.nextClientOrderId;
    if (clientOrderId > CLIENT_ORDER_ID_MAX) {
      throw inputError(`pm: client order ids exhausted (the next would be ${clientOrderId}, above ${CLIENT_ORDER_ID_MAX}, the largest the engine takes): no new order can be sent`);
    }
    this.nextClientOrderId = clientOrderId + 1;
    return clientOrderId;
  }

  /**
   * gateway.send threw for a new order: whether the engine got it is unknown (a transport can fail
   * after delivering). The order stays PENDING_NEW, so it still counts as working and no
   * replacement goes out while its outcome is unknown. Its reports, if the engine got it, resolve
   * it as any order's do; otherwise the symbol's next reconcile (at the latest its retry after
   * backoffBaseNs) cancels it by client order id (cancelUnresolved), and the cancel's reports do:
   * an ack, fills, CANCELLED, or, if the engine never got it, a CANCEL_REJECTED with UNKNOWN_ORDER
   * that closes it as LOST, after which the reconcile sends anew. Nothing is journaled: the order
   * is as the journal's 'new' left it (a recovered PM resolves it with reconcileWithEngine).
   */
  private sendFailed(book: SymbolBook, order: PmOrder, error: unknown): void {
    book.unresolved.add(order);
    const reason = error instanceof Error ? error.message : show(error);
    this.alert('order-unresolved', order.symbol, `order ${order.clientOrderId}: gateway.send threw (${reason}); its outcome is unknown: it counts as working until a cancel by client order id, sent on the symbol's retry, resolves it`);
  }

  /**
   * Cancels, by client order id, the orders of the symbol whose send threw and of which no report
   * came since (still PENDING_NEW, never acked): the cancel's reports tell whether the engine got
   * them (sendFailed). An order already resolved, or cancelled by a plan meanwhile, is dropped from
   * the set; one whose cancel's send throws too stays for the next retry.
   */
  private cancelUnresolved(book: SymbolBook, nowNs: number): void {
    for (const order of [...book.unresolved]) {
      if (order.state === OrderState.PENDING_NEW && order.orderId === 0 && order.lastSeq === 0) this.sendCancel(book, order, nowNs);
      book.unresolved.delete(order);
    }
  }

  private createOrder(clientOrderId: number, symbol: number, side: SideCode, price: number, quantity: number, nowNs: number): PmOrder {
    assert(!this.live.has(clientOrderId) && !this.closed.has(clientOrderId), `client order id ${clientOrderId} is fresh`);
    const order = new PmOrder(clientOrderId, symbol, side, price, quantity, nowNs);
    this.live.set(clientOrderId, order);
    addLiveOrder(this.books[symbol] as SymbolBook, order);
    return order;
  }

  private sendCancel(book: SymbolBook, order: PmOrder, nowNs: number): void {
    const from = order.state;
    const to = transition(from, OrderEvent.CANCEL_SENT);
    assert(to === OrderState.PENDING_CANCEL, `order ${order.clientOrderId} in ${stateName(from)} may be cancelled`);
    setOrderState(book, order, OrderState.PENDING_CANCEL, order.leaves);
    try {
      this.gateway.send({
        action: Action.CANCEL,
        symbol: order.symbol,
        owner: this.owner,
        clientOrderId: order.clientOrderId,
        orderId: order.orderId,
        side: order.side,
        type: OrderType.LIMIT,
        price: 0,
        quantity: 0,
      });
    } catch (error) {
      // Back to cancellable, so the next reconcile sends it again (a cancel that did reach the
      // engine twice is answered with a harmless cancel-reject).
      setOrderState(book, order, from, order.leaves);
      throw error;
    }
    this.counters.cancelsSent += 1;
    this.journal?.append({ k: 'cxl', c: order.clientOrderId, ns: nowNs });  // After send: see journal.ts.
    if (this.auditOn) this.audit('cancel-sent', { clientOrderId: order.clientOrderId, orderId: order.orderId, symbol: order.symbol, leaves: order.leaves });
  }

  private retire(order: PmOrder): void {
    this.live.delete(order.clientOrderId);
    if (this.options.closedOrdersMax === 0) return;
    this.closed.set(order.clientOrderId, order);
    if (this.closed.size > this.options.closedOrdersMax) {
      const oldest = this.closed.keys().next().value as number;
      this.closed.delete(oldest);
    }
  }

  // ---- recovery ------------------------------------------------------------------------------

  /**
   * The engine restarted (its epoch changed): every live order is lost with the old engine, the
   * working position falls back to the position, and reconciliation sends new orders (new client
   * order ids: the counter only grows). Seed question 4 and section 5.3.
   */
  onEngineEpoch(epoch: number): void {
    integerInput(epoch, 0, Number.MAX_SAFE_INTEGER, 'pm engine epoch');
    this.enter();
    try {
      if (epoch === this.engineEpoch) return;
      const nowNs = this.now();
      this.engineEpoch = epoch;
      this.journal?.append({ k: 'epoch', e: epoch, ns: nowNs });
      this.loseAllOrders();
      const due = this.books.filter((book) => book.target !== null);
      // Due now, each until its reconcile ran: if one fails, the next tick still reaches the rest.
      for (const book of due) this.setWake(book, nowNs);
      for (const book of due) this.reconcile(book, nowNs);
    } finally {
      this.leave();
    }
  }

  private loseAllOrders(): void {
    this.counters.engineRestarts += 1;
    if (this.auditOn) this.audit('engine-restart', { epoch: this.engineEpoch, liveOrders: this.live.size });
    for (const order of [...this.live.values()]) this.loseOrder(order);
  }

  private loseOrder(order: PmOrder): void {
    setOrderState(this.books[order.symbol] as SymbolBook, order, OrderState.LOST, 0);
    this.retire(order);
    this.countLost(order);
  }

  private countLost(order: PmOrder): void {
    this.counters.ordersLost += 1;
    if (this.auditOn) this.audit('order-lost', { clientOrderId: order.clientOrderId, symbol: order.symbol });
  }

  /**
   * After a PM restart: aligns the PM's live orders of `symbol` with the engine's resting orders
   * of that symbol (any owner; others are skipped). Known orders take the engine's order id, fills,
   * leaves and quantity (fills missed while down are booked; a MODIFY at the engine changed the
   * quantity to cum + its new leaves); known orders the engine no longer has are lost with an
   * 'order-unresolved' alert (their outcome was not reported; replay the engine's reports first to
   * resolve them); engine orders the PM does not know are adopted as working orders (alert
   * 'order-adopted'; one the PM had closed keeps what was booked of it), and the reconcile that
   * follows cancels them if they oppose the target or exceed it.
   */
  reconcileWithEngine(symbol: number, engineOrders: readonly RestingOrder[]): void {
    this.enter();
    try {
      const book = this.bookAt(symbol);
      const nowNs = this.now();
      // The whole list is checked against what the PM knows before anything changes (engine-orders.ts).
      const resting = checkEngineOrders(engineOrders, this.engineOrdersContext(book.symbol, 'engineOrders'));
      this.alignWithEngine(book, resting);
      this.journal?.flush();
      this.reconcile(book, nowNs);
    } finally {
      this.leave();
    }
  }

  /**
   * `reconcileWithEngine` for every symbol of an engine (OrderBookEngine fits), as one call: every
   * symbol's orders are fetched and checked before any is applied, so a snapshot() that throws or
   * a bad list (`engine.snapshot(1)[0].leaves: ...`) changes nothing. Then every symbol is aligned,
   * and reconciled (each due now until its reconcile ran: if one fails, the next tick still
   * reaches the rest).
   */
  reconcileWithEngineBooks(engine: { snapshot(symbol: number): RestingOrder[] }): void {
    if (typeof engine !== 'object' || engine === null || typeof engine.snapshot !== 'function') {
      throw new TypeError(`pm reconcileWithEngineBooks engine: must be an object with a snapshot() method, got ${show(engine)}`);
    }
    this.enter();
    try {
      const nowNs = this.now();
      const lists = this.books.map((book) => {
        const path = `engine.snapshot(${book.symbol})`;
        return checkEngineOrders(engine.snapshot(book.symbol), this.engineOrdersContext(book.symbol, path));
      });
      // Each list is checked alone: an id the PM does not know must not rest on two symbols either.
      const symbolOf = new Map<number, number>();
      lists.forEach((resting, symbol) => {
        for (const id of resting.keys()) {
          const first = symbolOf.get(id);
          if (first !== undefined) throw inputError(`engine.snapshot(${symbol}): client order id ${id} of owner ${this.owner} also rests on symbol ${first}`);
          symbolOf.set(id, symbol);
        }
      });
      for (const book of this.books) this.alignWithEngine(book, lists[book.symbol] as Map<number, RestingOrder>);
      this.journal?.flush();
      for (const book of this.books) this.setWake(book, nowNs);
      for (const book of this.books) this.reconcile(book, nowNs);
    } finally {
      this.leave();
    }
  }

  private engineOrdersContext(symbol: number, path: string): EngineOrdersContext {
    return { owner: this.owner, symbol, live: this.live, closed: this.closed, nextClientOrderId: this.nextClientOrderId, path };
  }

  /** Applies a checked list of the owner's resting orders of the book's symbol (by client order id). */
  private alignWithEngine(book: SymbolBook, resting: Map<number, RestingOrder>): void {
    for (const order of [...book.buys, ...book.sells]) {
      const found = resting.get(order.clientOrderId);
      resting.delete(order.clientOrderId);
      if (found === undefined) this.notAtEngine(order);
      else this.syncOrder(book, order, found.orderId, found.price, found.quantity - found.leaves, found.leaves);
    }
    for (const found of resting.values()) this.adopt(book, found);
  }

  private notAtEngine(order: PmOrder): void {
    this.journal?.append({ k: 'lost', c: order.clientOrderId, ns: this.now() });
    this.loseOrder(order);
    this.alert('order-unresolved', order.symbol, `order ${order.clientOrderId} is not at the engine and its outcome was not reported`);
  }

  /** The engine's record of a resting order (cum checked: not below what was booked) becomes the PM's; quantity = cum + leaves. */
  private syncOrder(book: SymbolBook, order: PmOrder, orderId: number, price: number, cum: number, leaves: number): void {
    this.journal?.append({ k: 'sync', c: order.clientOrderId, oid: orderId, cum, lv: leaves, p: price, ns: this.now() });
    const before = book.position;
    this.bookFill(book, order, cum);
    this.counters.recoveredFillQuantity += Math.abs(book.position - before);
    order.orderId = orderId;
    order.quantity = cum + leaves;
    order.price = price;  // A MODIFY at the engine may have moved it.
    // A recovery override, outside the report state machine: the engine says the order rests, so
    // it is active (a cancel journaled as sent did not take effect and may be sent again).
    setOrderState(book, order, order.cum > 0 ? OrderState.PARTIALLY_FILLED : OrderState.WORKING, leaves);
  }

  private adopt(book: SymbolBook, found: RestingOrder): void {
    const cum = found.quantity - found.leaves;
    // One of the PM's orders it closed (lost) while the engine still had it: what was booked of it
    // stays booked, and its reports already applied stay duplicates. Journaled (bk, sq: absent
    // otherwise) because a compacted journal no longer holds the closed order.
    const prior = adoptedPrior(this.closed.get(found.clientOrderId), book.symbol, found);
    const booked = prior?.cum ?? 0;
    const lastSeq = prior?.lastSeq ?? 0;
    this.journal?.append({
      k: 'adopt', c: found.clientOrderId, s: book.symbol, sd: found.side, p: found.price, q: found.quantity, oid: found.orderId, cum, lv: found.leaves,
      ...(prior === undefined ? {} : { bk: booked, sq: lastSeq }), ns: this.now(),
    });
    this.adoptOrder(book, found.clientOrderId, found.side, found.price, found.quantity, found.orderId, cum, found.leaves, booked, lastSeq);
    this.alert('order-adopted', book.symbol, `engine order ${found.orderId} (client id ${found.clientOrderId}) was unknown to the PM`);
  }

  /** Adopts an engine order, of which `booked` was already booked (applied reports up to `lastSeq`). */
  private adoptOrder(book: SymbolBook, clientOrderId: number, side: SideCode, price: number, quantity: number, orderId: number, cum: number, leaves: number, booked: number, lastSeq: number): void {
    this.closed.delete(clientOrderId);
    const order = this.createOrder(clientOrderId, book.symbol, side, price, quantity, this.now());
    order.cum = booked;
    order.lastSeq = lastSeq;
    this.nextClientOrderId = Math.max(this.nextClientOrderId, clientOrderId + 1);
    this.counters.ordersAdopted += 1;
    this.syncOrder(book, order, orderId, price, cum, leaves);
  }

  // ---- journal -------------------------------------------------------------------------------

  private openJournal(path: string, fresh: boolean): void {
    const nowNs = fresh ? this.readClock() : 0;  // Read before the file is opened: a failing clock leaks no descriptor.
    this.journal = new JournalWriter(path, this.options.journalFsync);
    if (fresh) {
      this.journal.append({ k: 'hdr', v: JOURNAL_VERSION, owner: this.owner, ns: nowNs });
      this.journal.flush();
    }
  }

  /** Rewrites the journal as a header and one snapshot of the current state. */
  compactJournal(): void {
    if (this.journal === null) return;
    const nowNs = this.readClock();
    this.journal.rewrite([
      { k: 'hdr', v: JOURNAL_VERSION, owner: this.owner, ns: nowNs },
      { k: 'snap', snapshot: this.snapshot(), ns: nowNs },
    ]);
  }

  /** Flushes and closes the journal (the PM keeps working without one). */
  close(): void {
    this.journal?.close();
    this.journal = null;
  }

  private journalReport(order: PmOrder, report: ExecutionReport): void {
    (this.journal as JournalWriter).append({
      k: 'rpt',
      c: order.clientOrderId,
      seq: report.seq,
      kd: report.kind,
      rs: report.reason,
      oid: report.orderId,
      cum: report.cumQuantity,
      lv: report.leavesQuantity,
      lq: report.lastQuantity,
      p: report.kind === ExecKind.REPLACED ? report.price : undefined,  // JSON.stringify leaves an undefined field out.
      ns: this.now(),
    });
  }

  private snapshot(): JournalSnapshot {
    return {
      engineEpoch: this.engineEpoch,
      nextClientOrderId: this.nextClientOrderId,
      symbols: this.books
        .filter((book) => book.position !== 0 || book.target !== null || book.halted)
        .map((book) => ({ s: book.symbol, pos: book.position, tgt: book.target, halted: book.halted })),
      orders: [...this.live.values()].map((o) => [o.clientOrderId, o.symbol, o.side, o.price, o.quantity, o.orderId, o.cum, o.leaves, o.state, o.lastSeq, o.sentNs]),
    };
  }

  /**
   * Replays a journal's records (each already well-formed: journal-checks.ts) through the live
   * code paths, checking first what only the PM's state and instruments can judge: a symbol it
   * has, a target on the lot, an order created once, a report of a known order with a new seq and
   * quantities that fit it, a cancel of a cancellable order. A refusal names the line and field.
   */
  private replay(records: readonly JournalRecord[], lines: readonly number[], path: string): void {
    this.replaying = true;
    try {
      for (const [index, record] of records.entries()) {
        this.replayNs = record.ns;
        try {
          if (record.k === 'snap' && index !== 1) throw inputError('snap: a snapshot must directly follow the header (the PM writes it there when it compacts the journal)');
          this.replayRecord(record);
        } catch (error) {
          // The journal is input: a record the PM's rules refuse says the file is not one this PM
          // wrote, not that the PM is broken.
          if (!(error instanceof LobsimError)) throw error;
          throw inputError(`pm journal ${path}: line ${lines[index] ?? index + 1} (${record.k}) cannot be replayed: ${error.message}`);
        }
      }
    } finally {
      this.replaying = false;
    }
  }

  private replayRecord(record: JournalRecord): void {
    switch (record.k) {
      case 'hdr':
        if (record.owner !== this.owner) throw inputError(`hdr.owner: must be the PM's owner ${this.owner}, got ${record.owner}`);
        return;
      case 'snap':
        return this.loadSnapshot(record.snapshot);
      case 'tgt':
        this.checkTarget(record.s, record.q, 'tgt.s', 'tgt.q');
        (this.books[record.s] as SymbolBook).target = record.q;
        return;
      case 'new':
        this.bookAt(record.s, 'new.s');
        this.checkFresh(record.c, 'new.c');
        this.createOrder(record.c, record.s, record.sd as SideCode, record.p, record.q, record.ns);
        this.nextClientOrderId = Math.max(this.nextClientOrderId, record.c + 1);
        return;
      case 'cxl':
        return this.replayCancel(this.liveOrder(record.c, 'cxl.c'));
      case 'rpt':
        return this.replayReport(record);
      case 'epoch':
        this.engineEpoch = record.e;
        return this.loseAllOrders();
      case 'resume':
        this.bookAt(record.s, 'resume.s').halted = false;
        return;
      case 'lost':
        return this.loseOrder(this.liveOrder(record.c, 'lost.c'));
      case 'sync': {
        const order = this.liveOrder(record.c, 'sync.c');
        if (record.cum < order.cum) throw inputError(`sync.cum: cum ${record.cum} is below the ${order.cum} already booked`);
        checkRecordProblem(engineQuantityProblem(record.cum, record.lv), 'sync');
        return this.syncOrder(this.books[order.symbol] as SymbolBook, order, record.oid, record.p ?? order.price, record.cum, record.lv);
      }
      case 'adopt': {
        const book = this.bookAt(record.s, 'adopt.s');
        if (this.live.has(record.c)) throw inputError(`adopt.c: order ${record.c} is already live`);
        if (record.cum + record.lv !== record.q) throw inputError(`adopt.lv: must be q ${record.q} less cum ${record.cum}, got ${record.lv}`);
        const booked = record.bk ?? 0;
        if (booked > record.cum) throw inputError(`adopt.bk: must be at most cum ${record.cum} (the engine cannot have filled less than was booked), got ${booked}`);
        return this.adoptOrder(book, record.c, record.sd as SideCode, record.p, record.q, record.oid, record.cum, record.lv, booked, record.sq ?? 0);
      }
    }
  }

  private liveOrder(clientOrderId: number, field: string): PmOrder {
    const order = this.live.get(clientOrderId);
    if (order === undefined) throw inputError(`${field}: order ${clientOrderId} is not live at this point`);
    return order;
  }

  private checkFresh(clientOrderId: number, field: string): void {
    if (this.live.has(clientOrderId) || this.closed.has(clientOrderId)) throw inputError(`${field}: order ${clientOrderId} was already created`);
  }

  private replayCancel(order: PmOrder): void {
    if (transition(order.state, OrderEvent.CANCEL_SENT) !== OrderState.PENDING_CANCEL) throw inputError(`cxl.c: order ${order.clientOrderId} in ${stateName(order.state)} cannot be cancelled`);
    setOrderState(this.books[order.symbol] as SymbolBook, order, OrderState.PENDING_CANCEL, order.leaves);
  }

  private replayReport(record: Extract<JournalRecord, { k: 'rpt' }>): void {
    const order = this.live.get(record.c) ?? this.closed.get(record.c);
    if (order === undefined) throw inputError(`rpt.c: no order ${record.c} (reports follow their order's creation)`);
    if (record.seq <= order.lastSeq) throw inputError(`rpt.seq: must be above order ${record.c}'s last applied seq ${order.lastSeq}, got ${record.seq}`);
    const event = this.reportEvent(order, record.kd as ExecKindCode, record.rs, record.lv);
    const problem = reportProblem(order, event, record.oid, record.p ?? order.price, record.cum, record.lv);
    // Skipped as onReport skips it: a PM before stale reports were recognized journaled them (a
    // fill in flight across reconcileWithEngine), and its journal recovers. So is an ack after
    // the order's engine id was known, whatever its id: such a PM journaled it and applied nothing
    // of it (an illegal transition).
    if (problem !== null && (problem.stale || problem.field === 'orderId')) return;
    checkRecordProblem(problem, 'rpt');
    order.lastSeq = record.seq;
    this.applyReport(order, event, record.rs as ReasonCode, record.oid, record.p ?? order.price, record.cum, record.lv, record.seq);
  }

  private loadSnapshot(snapshot: JournalSnapshot): void {
    // Checked whole before anything is loaded: fields and duplicates by journal-checks.ts, here
    // what needs the instruments.
    snapshot.symbols.forEach((entry, index) => {
      const path = `snap.snapshot.symbols[${index}]`;
      this.bookAt(entry.s, `${path}.s`);
      if (entry.tgt !== null) this.checkTarget(entry.s, entry.tgt, `${path}.s`, `${path}.tgt`);
    });
    const orders = snapshot.orders as [number, number, SideCode, number, number, number, number, number, OrderStateCode, number, number][];
    orders.forEach(([, symbol], index) => this.bookAt(symbol, `snap.snapshot.orders[${index}][1] (s)`));
    this.engineEpoch = snapshot.engineEpoch;
    this.nextClientOrderId = snapshot.nextClientOrderId;
    for (const entry of snapshot.symbols) {
      const book = this.books[entry.s] as SymbolBook;
      book.position = entry.pos;
      book.target = entry.tgt;
      book.halted = entry.halted;
    }
    for (const [clientOrderId, symbol, side, price, quantity, orderId, cum, leaves, state, lastSeq, sentNs] of orders) {
      const order = new PmOrder(clientOrderId, symbol, side, price, quantity, sentNs);
      Object.assign(order, { orderId, cum, leaves, state, lastSeq });
      this.live.set(clientOrderId, order);
      addLiveOrder(this.books[symbol] as SymbolBook, order);
    }
  }

  // ---- views ---------------------------------------------------------------------------------

  position(symbol: number): number {
    return this.bookAt(symbol).position;
  }

  target(symbol: number): number | null {
    return this.bookAt(symbol).target;
  }

  workingPosition(symbol: number): number {
    return this.bookAt(symbol).working;
  }

  /** Buy and sell leaves of the symbol's live orders (pending new and pending cancel included). */
  exposure(symbol: number): { buyLeaves: number; sellLeaves: number } {
    const book = this.bookAt(symbol);
    return { buyLeaves: book.buyLeaves, sellLeaves: book.sellLeaves };
  }

  get liveOrderCount(): number {
    return this.live.size;
  }

  get currentEngineEpoch(): number {
    return this.engineEpoch;
  }

  stats(): PmStats {
    return { ...this.counters };
  }

  anomalies(): readonly Anomaly[] {
    return this.anomalyList;
  }

  alerts(): readonly Alert[] {
    return this.alertList;
  }

  state(): PmState {
    return {
      owner: this.owner,
      engineEpoch: this.engineEpoch,
      nextClientOrderId: this.nextClientOrderId,
      symbols: this.books.map((book) => symbolView(book)),
      stats: this.stats(),
    };
  }

  /** O(orders) check of every incremental aggregate and index; throws InvariantError. */
  validate(): void {
    let liveCount = 0;
    for (const book of this.books) {
      verifySymbolBook(book);
      liveCount += book.buys.size + book.sells.size;
      assert(book.wakeNs === Infinity || this.timed.has(book.symbol), `symbol ${book.symbol} has a timer but is not tracked`);
    }
    assert(liveCount === this.live.size, `live index holds ${this.live.size} orders, the books ${liveCount}`);
    for (const order of this.live.values()) assert(isLive(order.state), `order ${order.clientOrderId} indexed live in ${stateName(order.state)}`);
  }

  // ---- helpers -------------------------------------------------------------------------------

  private limitsFor(lotSize: number, tickSize: number, maxOrderQuantity: number): ReconcileLimits {
    const requested = this.options.childQuantityMax === 0 ? maxOrderQuantity : Math.min(this.options.childQuantityMax, maxOrderQuantity);
    const childQuantityMax = Math.max(lotSize, requested - (requested % lotSize));
    return {
      lotSize,
      tickSize,
      childQuantityMax,
      childOrdersLiveMax: this.options.childOrdersLiveMax,
      childIntervalNs: this.options.childIntervalNs,
      cancelWaveIntervalNs: this.options.cancelWaveIntervalNs,
      repriceTicksMin: this.options.repriceTicksMin,
    };
  }

  /** A target's symbol and quantity (a safe integer multiple of the lot), errors naming the given fields. */
  private checkTarget(symbol: unknown, quantity: unknown, symbolField: string, quantityField: string): void {
    const book = this.bookAt(symbol, symbolField);
    const lotSize = (this.limits[book.symbol] as ReconcileLimits).lotSize;
    if (typeof quantity !== 'number' || !Number.isSafeInteger(quantity) || quantity % lotSize !== 0) {
      throw inputError(`${quantityField}: must be a safe integer multiple of lotSize ${lotSize}, got ${show(quantity)}`);
    }
  }

  private bookAt(symbol: unknown, field = 'pm symbol'): SymbolBook {
    const book = typeof symbol === 'number' && Number.isInteger(symbol) ? this.books[symbol] : undefined;
    if (book === undefined) throw inputError(`${field}: must be an instrument index in [0, ${this.books.length - 1}], got ${show(symbol)}`);
    return book;
  }

  /** The clock's time, checked: a NaN or negative time would end up in every timer it touches. */
  private readClock(): number {
    return checkClockNs(this.clock.nowNs());
  }

  /** The PM's time: the record's during replay; in a public call, the clock's read once per call (or tick's nowNs). */
  private now(): number {
    if (this.replaying) return this.replayNs;
    if (!this.busy) return this.readClock();
    if (this.callNs < 0) this.callNs = this.readClock();
    return this.callNs;
  }

  private enter(): void {
    // A caller's mistake (the gateway contract in types.ts), not a PM bug: LOBSIM_ERR_USAGE.
    if (this.busy) throw new LobsimError('LOBSIM_ERR_USAGE', 'pm: re-entered (a gateway must not deliver reports from inside send; deliver them after it returns)');
    this.busy = true;
    this.callNs = -1;
  }

  private leave(): void {
    this.busy = false;
    this.callNs = -1;
    this.journal?.flush();
    if (this.options.verify) this.validate();
  }

  private alert(kind: AlertKind, symbol: number, detail: string): void {
    const alert: Alert = { kind, symbol, detail, nowNs: this.now() };
    if (this.alertList.length < this.options.anomaliesMax) this.alertList.push(alert);
    if (this.auditOn) this.logger?.error({ ev: 'alert', ...alert }, 'alert');
  }

  private audit(event: string, fields: Record<string, unknown>): void {
    (this.logger as Logger).info({ ev: event, owner: this.owner, ns: this.now(), ...fields }, event);
  }
}

/**
 * Whether applying `event` to an order in `from` reads the time: an anomaly (illegal), a reject's
 * backoff, a terminal event's reconcile, a replace's reconcile, a late report of a lost order.
 */
function needsTime(from: OrderStateCode, event: OrderEventCode): boolean {
  const to = transition(from, event);
  return to === ILLEGAL || !isLive(to) || event === OrderEvent.REPLACED;
}

function leavesAfter(event: OrderEventCode, order: PmOrder, reportLeaves: number): number {
  // A cancel-rejected or modify-rejected report keeps the known open quantity.
  return event === OrderEvent.CANCEL_REJECTED || event === OrderEvent.MODIFY_REJECTED ? order.leaves : reportLeaves;
}

function assert(condition: boolean, message: string): void {
  if (!condition) throw new InvariantError(`pm: ${message}`);
}

/** A journal record that does not fit its order: refused, naming the record's field. */
function checkRecordProblem(problem: ReportProblem | null, kind: 'rpt' | 'sync'): void {
  if (problem !== null) throw inputError(`${kind}.${JOURNAL_FIELD[problem.field]}: ${problem.detail}`);
}

/** The journal record's name of each field a ReportProblem can name. */
const JOURNAL_FIELD = { cum: 'cum', leaves: 'lv', orderId: 'oid', price: 'p' } as const;
