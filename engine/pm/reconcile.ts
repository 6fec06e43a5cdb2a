/**
 * Reconciliation of one symbol (seed section 1.4), as a pure plan over the symbol's book.
 *
 *   working = position + leaves of live buys - leaves of live sells
 *             (PENDING_NEW at full size; PENDING_CANCEL and CANCEL_REJECTED still counted)
 *   delta   = target - working
 *
 * The seed's "cancel opposing orders, order the rest", made exact so that no submission can
 * overshoot while confirmations are in flight (seed question 9):
 * 1. Opposing orders: sells are opposing while position <= target, buys while position >= target.
 *    All cancellable opposing orders are cancelled (their leaves stay in `working` until confirmed).
 * 2. Excess: if position + active buy leaves (not already being cancelled) > target, cancel buys,
 *    newest first, until it is not (the mirror for sells). Cancels of steps 1-2 form one "cancel
 *    wave", at most one per `cancelWaveIntervalNs` per symbol (anti-thrash).
 * 3. The rest: buy capacity = target - (position + buyLeaves), i.e. delta minus the opposing sell
 *    leaves being cancelled. A new buy never exceeds it, so even if every live buy fills (pending
 *    new, working, and being cancelled alike) the position reaches the target and not beyond:
 *        position + buyLeaves + childQuantity <= target        (no-overshoot invariant)
 *    and the mirror for sells: position - sellLeaves - childQuantity >= target.
 *    Gates: halted, backoff, cooldown, pacing (childIntervalNs), live children per side.
 * Cost: O(1) when there is nothing to cancel; O(live orders of the side) for a cancel wave.
 */
import { Side, type SideCode } from '../protocol.js';
import { isCancelling } from './order-state-machine.js';
import { childQuantity, nextChildNs, type SliceLimits } from './slicer.js';
import type { PmOrder, SymbolBook } from './symbol-book.js';

export interface ReconcileLimits extends SliceLimits {
  cancelWaveIntervalNs: number;
  /** 0 = never reprice. */
  repriceTicksMin: number;
  tickSize: number;
}

export interface ReconcilePlan {
  cancels: PmOrder[];
  /** Side of the new child order, or -1 for none. */
  side: SideCode | -1;
  quantity: number;
  /** When the symbol should be reconciled again because a gate deferred work (Infinity = never). */
  wakeNs: number;
  /** Another child could go out right after this one (capacity, live-children and pacing allow). */
  more: boolean;
}

/** Shared by plans without cancels, so the common plan allocates one object. */
const NO_CANCELS: PmOrder[] = [];

export const NO_PRICE = -1;

/**
 * Plans one reconcile. `desiredPrice(side)` is only called when repricing is on (repriceTicksMin >
 * 0) and the symbol has live orders to check.
 */
export function planReconcile(
  book: SymbolBook,
  nowNs: number,
  limits: ReconcileLimits,
  desiredPrice?: (side: SideCode) => number,
): ReconcilePlan {
  const plan: ReconcilePlan = { cancels: NO_CANCELS, side: -1, quantity: 0, wakeNs: Infinity, more: false };
  if (book.target === null || book.halted) return plan;
  planCancels(book, nowNs, limits, plan, desiredPrice);
  planNewOrder(book, nowNs, limits, plan);
  return plan;
}

function planCancels(
  book: SymbolBook,
  nowNs: number,
  limits: ReconcileLimits,
  plan: ReconcilePlan,
  desiredPrice?: (side: SideCode) => number,
): void {
  const target = book.target as number;
  const position = book.position;
  const activeBuys = book.buyLeaves - book.buyCancelling;
  const activeSells = book.sellLeaves - book.sellCancelling;
  const cancelBuys = activeBuys > 0 && (position >= target || position + activeBuys > target);
  const cancelSells = activeSells > 0 && (position <= target || position - activeSells < target);
  const reprice = limits.repriceTicksMin > 0 && desiredPrice !== undefined && (activeBuys > 0 || activeSells > 0);
  if (!cancelBuys && !cancelSells && !reprice) return;
  const waveAtNs = book.lastCancelWaveNs + limits.cancelWaveIntervalNs;
  if (nowNs < waveAtNs) {
    if (cancelBuys || cancelSells || hasStalePrice(book, limits, desiredPrice)) plan.wakeNs = waveAtNs;
    return;
  }
  plan.cancels = [];
  if (cancelBuys) collectCancels(book.buys, position >= target ? 0 : target - position, activeBuys, plan.cancels);
  if (cancelSells) collectCancels(book.sells, position <= target ? 0 : position - target, activeSells, plan.cancels);
  if (reprice) collectStale(book, limits, desiredPrice as (side: SideCode) => number, plan.cancels);
}

/**
 * Cancels orders of one side, newest first, until the active leaves are at most `keep`.
 * An order is skipped when already cancelling; whole orders only (no partial cancels).
 */
function collectCancels(orders: Set<PmOrder>, keep: number, active: number, out: PmOrder[]): void {
  const newestFirst = [...orders].reverse();
  let remaining = active;
  for (const order of newestFirst) {
    if (remaining <= keep) return;
    if (isCancelling(order.state)) continue;
    out.push(order);
    remaining -= order.leaves;
  }
}

function isStale(order: PmOrder, limits: ReconcileLimits, price: number): boolean {
  return !isCancelling(order.state) && price !== NO_PRICE && Math.abs(order.price - price) >= limits.repriceTicksMin * limits.tickSize;
}

function hasStalePrice(book: SymbolBook, limits: ReconcileLimits, desiredPrice?: (side: SideCode) => number): boolean {
  if (limits.repriceTicksMin === 0 || desiredPrice === undefined) return false;
  for (const [side, orders] of [[Side.BUY, book.buys], [Side.SELL, book.sells]] as const) {
    if (orders.size === 0) continue;
    const price = desiredPrice(side);
    for (const order of orders) if (isStale(order, limits, price)) return true;
  }
  return false;
}

function collectStale(book: SymbolBook, limits: ReconcileLimits, desiredPrice: (side: SideCode) => number, out: PmOrder[]): void {
  for (const [side, orders] of [[Side.BUY, book.buys], [Side.SELL, book.sells]] as const) {
    if (orders.size === 0) continue;
    const price = desiredPrice(side);
    for (const order of orders) if (isStale(order, limits, price) && !out.includes(order)) out.push(order);
  }
}

function planNewOrder(book: SymbolBook, nowNs: number, limits: ReconcileLimits, plan: ReconcilePlan): void {
  const target = book.target as number;
  const buy = target > book.position;
  const capacity = buy ? target - (book.position + book.buyLeaves) : book.position - book.sellLeaves - target;
  const quantity = childQuantity(capacity, limits);
  if (quantity === 0) return;
  const children = buy ? book.buys.size : book.sells.size;
  if (children >= limits.childOrdersLiveMax) return;
  const openAtNs = Math.max(book.retryAtNs, book.cooldownUntilNs, nextChildNs(book.lastChildNs, limits));
  if (nowNs < openAtNs) {
    plan.wakeNs = Math.min(plan.wakeNs, openAtNs);
    return;
  }
  plan.side = buy ? Side.BUY : Side.SELL;
  plan.quantity = quantity;
  plan.more = capacity - quantity >= limits.lotSize && children + 1 < limits.childOrdersLiveMax && limits.childIntervalNs === 0;
}
