/**
 * The PM's per-order and per-symbol records.
 *
 * Invariant (checked by `verifySymbolBook`, maintained incrementally by `setOrderState`):
 *   buyLeaves  = sum of leaves of live buy orders  (PENDING_NEW counts its full quantity),
 *   sellLeaves = the same for sells,
 *   buyCancelling / sellCancelling = the part of those in PENDING_CANCEL or CANCEL_REJECTED,
 *   buys / sells = exactly the live orders of each side, in send order.
 * So the working position (position + buyLeaves - sellLeaves) is O(1) and never needs a scan.
 */
import { InvariantError } from '../errors.js';
import { show } from '../options.js';
import { ORDER_QUANTITY_MAX, Side, type SideCode } from '../protocol.js';
import { isIntegerIn, PRICE_MAX } from './input-checks.js';
import { isCancelling, isLive, OrderEvent, OrderState, type OrderEventCode, type OrderStateCode } from './order-state-machine.js';

export class PmOrder {
  orderId = 0;
  price: number;
  /** cum + open quantity at the engine: the sent quantity until a MODIFY at the engine changes it (REPLACED). */
  quantity: number;
  cum = 0;
  /** Open quantity as the PM knows it; the full quantity while PENDING_NEW. */
  leaves: number;
  state: OrderStateCode = OrderState.PENDING_NEW;
  /** Highest report seq applied: reports of one order arrive in order, so older ones are duplicates. */
  lastSeq = 0;

  constructor(
    readonly clientOrderId: number,
    readonly symbol: number,
    readonly side: SideCode,
    price: number,
    quantity: number,
    readonly sentNs: number,
  ) {
    this.price = price;
    this.quantity = quantity;
    this.leaves = quantity;
  }
}

export class SymbolBook {
  position = 0;
  target: number | null = null;
  buyLeaves = 0;
  sellLeaves = 0;
  buyCancelling = 0;
  sellCancelling = 0;
  readonly buys = new Set<PmOrder>();
  readonly sells = new Set<PmOrder>();
  lastChildNs = -Infinity;
  lastCancelWaveNs = -Infinity;
  /** No new order before this time (backoff after a transient reject). */
  retryAtNs = -Infinity;
  /** No new order before this time (cooldown after too many transient rejects). */
  cooldownUntilNs = -Infinity;
  rejectStreak = 0;
  /** Stopped by an invalid reject until `resume`. */
  halted = false;
  /** When a deferred reconcile is due (Infinity = none). */
  wakeNs = Infinity;
  /**
   * New orders whose gateway.send threw, their outcome unknown: the next reconcile cancels them by
   * client order id to learn it (position-manager.ts sendFailed). Usually empty.
   */
  readonly unresolved = new Set<PmOrder>();

  constructor(readonly symbol: number) {}

  get working(): number {
    return this.position + this.buyLeaves - this.sellLeaves;
  }
}

/** Moves an order to a state and open quantity, keeping the symbol's aggregates and sets exact. */
export function setOrderState(book: SymbolBook, order: PmOrder, state: OrderStateCode, leaves: number): void {
  const buy = order.side === Side.BUY;
  const wasLive = isLive(order.state);
  if (wasLive) {
    if (buy) book.buyLeaves -= order.leaves;
    else book.sellLeaves -= order.leaves;
    if (isCancelling(order.state)) {
      if (buy) book.buyCancelling -= order.leaves;
      else book.sellCancelling -= order.leaves;
    }
  }
  order.state = state;
  order.leaves = isLive(state) ? leaves : 0;
  const orders = buy ? book.buys : book.sells;
  if (!isLive(state)) {
    orders.delete(order);
    return;
  }
  if (!wasLive) orders.add(order);
  if (buy) book.buyLeaves += order.leaves;
  else book.sellLeaves += order.leaves;
  if (isCancelling(state)) {
    if (buy) book.buyCancelling += order.leaves;
    else book.sellCancelling += order.leaves;
  }
}

/** O(live orders) recomputation of the aggregates: the verify-mode check. */
export function verifySymbolBook(book: SymbolBook): void {
  for (const [side, orders, leaves, cancelling] of [
    [Side.BUY, book.buys, book.buyLeaves, book.buyCancelling],
    [Side.SELL, book.sells, book.sellLeaves, book.sellCancelling],
  ] as const) {
    let sum = 0;
    let sumCancelling = 0;
    for (const order of orders) {
      check(order.side === side && order.symbol === book.symbol, `order ${order.clientOrderId} filed under the wrong side or symbol`);
      check(isLive(order.state) && order.leaves > 0, `order ${order.clientOrderId} in a live set is not live`);
      sum += order.leaves;
      if (isCancelling(order.state)) sumCancelling += order.leaves;
    }
    check(sum === leaves, `symbol ${book.symbol} side ${side}: leaves ${leaves} but live orders sum to ${sum}`);
    check(sumCancelling === cancelling, `symbol ${book.symbol} side ${side}: cancelling ${cancelling} but orders sum to ${sumCancelling}`);
  }
}

function check(condition: boolean, message: string): void {
  if (!condition) throw new InvariantError(`pm: ${message}`);
}

/** Files a newly created (PENDING_NEW) or adopted order under its symbol. */
export function addLiveOrder(book: SymbolBook, order: PmOrder): void {
  if (!isLive(order.state) || order.leaves <= 0) throw new InvariantError(`pm: order ${order.clientOrderId} added while not live`);
  const cancelling = isCancelling(order.state) ? order.leaves : 0;
  if (order.side === Side.BUY) {
    book.buys.add(order);
    book.buyLeaves += order.leaves;
    book.buyCancelling += cancelling;
  } else {
    book.sells.add(order);
    book.sellLeaves += order.leaves;
    book.sellCancelling += cancelling;
  }
}

/**
 * What in a report, or in the engine's record, does not fit the PM's record of an order: its
 * quantities, or an ack's engine id or a replace's price. `stale`: a report from before what the
 * PM already booked (cum below it, but cum + leaves the order's quantity: e.g. a fill still in
 * flight when reconcileWithEngine took the engine's cum; or an ack of an order it synced), which
 * is old news rather than a contradiction.
 */
export interface ReportProblem {
  field: 'cum' | 'leaves' | 'orderId' | 'price';
  detail: string;
  stale: boolean;
}

/**
 * Whether `cum` and `leaves` (a report's) fit `order`: the engine keeps quantity = cum + leaves
 * for every order (a MODIFY changes the quantity, announced by REPLACED) and cum never decreases,
 * so cum above the quantity, below what was booked, or cum + leaves off the quantity cannot
 * describe this order now; cum below what was booked with cum + leaves on the quantity described
 * it earlier (stale).
 */
function quantityProblem(order: PmOrder, cum: number, leaves: number): ReportProblem | null {
  if (cum > order.quantity) return { field: 'cum', detail: `cum ${cum} is above the order's quantity ${order.quantity}`, stale: false };
  if (cum < order.cum) return { field: 'cum', detail: `cum ${cum} is below the ${order.cum} already booked`, stale: cum + leaves === order.quantity };
  if (cum + leaves !== order.quantity) return { field: 'leaves', detail: `leaves ${leaves} + cum ${cum} is not the order's quantity ${order.quantity}`, stale: false };
  return null;
}

/**
 * What is wrong with a report for `order`: quantityProblem for the reports whose cum or leaves the
 * PM books or applies (an ack, fills, a replace, and a replace's price; a fill that ends the order
 * leaves nothing open). Other kinds' quantities are not read:
 * a cancel-reject for an order the engine no longer knows carries zeros. An ack of an order
 * reconcileWithEngine synced is judged on its engine id too (syncedAckProblem).
 */
export function reportProblem(order: PmOrder, event: OrderEventCode, orderId: number, price: number, cum: number, leaves: number): ReportProblem | null {
  if (event === OrderEvent.REPLACED) return replacedProblem(order, price, cum, leaves);
  if (event !== OrderEvent.ACCEPTED && event !== OrderEvent.PARTIAL_FILL && event !== OrderEvent.FILL) return null;
  if (event === OrderEvent.FILL && leaves !== 0) return { field: 'leaves', detail: `a fill that ends the order leaves 0, got leaves ${leaves}`, stale: false };
  const problem = quantityProblem(order, cum, leaves);
  if (problem !== null || event !== OrderEvent.ACCEPTED) return problem;
  return syncedAckProblem(order, orderId);
}

/**
 * An ack for an order that has an engine id but no applied report (lastSeq 0): reconcileWithEngine
 * synced the order while its ack was in flight (reports of one order come in engine order, so no
 * other report of it came first). With the same id the ack is stale, the sync told more; with
 * another it cannot be this order's. An ack after an applied one is left to the state machine:
 * a second ack is an illegal transition.
 */
function syncedAckProblem(order: PmOrder, orderId: number): ReportProblem | null {
  if (order.orderId === 0 || order.lastSeq !== 0) return null;
  if (orderId === order.orderId) return { field: 'orderId', detail: `an ack of engine order ${orderId}, which the PM already synced`, stale: true };
  return { field: 'orderId', detail: `engine order id ${orderId} is not the order's ${order.orderId}`, stale: false };
}

/**
 * A REPLACED report sets the order's quantity to cum + its new leaves and its price to the
 * report's (docs/engine-semantics.md, MODIFY): the new leaves must be open (at least 1), the
 * quantity one the engine can hold, the price a limit, and cum not below what was booked (if it
 * is, a later report, or reconcileWithEngine, already told more).
 */
function replacedProblem(order: PmOrder, price: number, cum: number, leaves: number): ReportProblem | null {
  if (cum < order.cum) return { field: 'cum', detail: `cum ${cum} is below the ${order.cum} already booked`, stale: true };
  if (!isIntegerIn(price, 1, PRICE_MAX)) return { field: 'price', detail: `the price of a replaced order must be an integer in [1, ${PRICE_MAX}], got ${show(price)}`, stale: false };
  return engineQuantityProblem(cum, leaves);
}

/**
 * What the engine says of an order it holds (a replace, or its resting order at
 * reconcileWithEngine): leaves at least 1 and cum + leaves at most ORDER_QUANTITY_MAX.
 */
export function engineQuantityProblem(cum: number, leaves: number): ReportProblem | null {
  if (leaves < 1) return { field: 'leaves', detail: `an order the engine holds has leaves of at least 1, got leaves ${leaves}`, stale: false };
  if (cum + leaves > ORDER_QUANTITY_MAX) return { field: 'leaves', detail: `leaves ${leaves} + cum ${cum} is above the largest order quantity ${ORDER_QUANTITY_MAX}`, stale: false };
  return null;
}
