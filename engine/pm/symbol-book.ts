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
import { Side, type SideCode } from '../protocol.js';
import { isCancelling, isLive, OrderEvent, OrderState, type OrderEventCode, type OrderStateCode } from './order-state-machine.js';

export class PmOrder {
  orderId = 0;
  price: number;
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
    readonly quantity: number,
    readonly sentNs: number,
  ) {
    this.price = price;
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

/** A report's or the engine's quantities that contradict the PM's record of an order. */
export interface QuantityProblem {
  field: 'cum' | 'leaves';
  detail: string;
}

/**
 * Whether `cum` and `leaves` (a report's, or the engine's for a resting order) fit `order`: the
 * engine keeps quantity = cum + leaves for every order (the PM never modifies one) and cum never
 * decreases, so cum above the quantity, below what was booked, or cum + leaves off the quantity
 * cannot describe this order.
 */
export function quantityProblem(order: PmOrder, cum: number, leaves: number): QuantityProblem | null {
  if (cum > order.quantity) return { field: 'cum', detail: `cum ${cum} is above the order's quantity ${order.quantity}` };
  if (cum < order.cum) return { field: 'cum', detail: `cum ${cum} is below the ${order.cum} already booked` };
  if (cum + leaves !== order.quantity) return { field: 'leaves', detail: `leaves ${leaves} + cum ${cum} is not the order's quantity ${order.quantity}` };
  return null;
}

/**
 * quantityProblem for the reports whose cum or leaves the PM books or applies (an ack and fills; a
 * fill that ends the order leaves nothing open). Other kinds' quantities are not read: a
 * cancel-reject for an order the engine no longer knows carries zeros.
 */
export function reportQuantityProblem(order: PmOrder, event: OrderEventCode, cum: number, leaves: number): QuantityProblem | null {
  if (event !== OrderEvent.ACCEPTED && event !== OrderEvent.PARTIAL_FILL && event !== OrderEvent.FILL) return null;
  if (event === OrderEvent.FILL && leaves !== 0) return { field: 'leaves', detail: `a fill that ends the order leaves 0, got leaves ${leaves}` };
  return quantityProblem(order, cum, leaves);
}
