/**
 * The check of reconcileWithEngine's list, an engine's resting orders of one symbol, whole and
 * before the PM changes anything: the list comes from the caller (a snapshot, a recovered file, a
 * test) and one NaN leaves or a side 7 used to corrupt the PM for good. Every entry is an object
 * with integer fields in the engine's ranges, and a resting order has leaves in [1, quantity].
 * Entries of other owners are skipped by reconcile but checked all the same (they are the same
 * engine's data). The entries of the PM's owner must also fit what the PM knows:
 * - no client order id twice, no engine order id twice (the engine's ids are unique);
 * - an order the PM has live on this symbol keeps its side and (once acked) engine id, and the
 *   engine cannot have filled less of it than the PM booked: its cum, quantity - leaves, is at
 *   least the PM's. Its quantity may differ: a MODIFY at the engine (the owner's other tools)
 *   sets it to cum + the new leaves, a fact the PM takes;
 * - an order the PM does not know is adopted: its id must not be a live order of another symbol,
 *   and must leave the PM room to issue new ids above it (CLIENT_ORDER_ID_START_MAX): an id near
 *   2^53 is refused (cancel that order at the engine first) rather than exhausting the counter.
 *   If it is an order the PM closed (lost, its outcome unknown: `adoptedPrior`), the engine
 *   cannot have filled less of it than the PM booked either.
 * A failure is LOBSIM_ERR_INPUT naming the entry and field: `engineOrders[2].leaves: must be an
 * integer in [1, 100] (its quantity), got NaN`.
 */
import { show } from '../options.js';
import { ORDER_QUANTITY_MAX } from '../protocol.js';
import type { RestingOrder } from '../types.js';
import { arrayInput, inputError, integerInput, objectInput, PRICE_MAX } from './input-checks.js';
import { CLIENT_ORDER_ID_MAX, CLIENT_ORDER_ID_START_MAX, OWNER_MAX } from './options.js';
import type { PmOrder } from './symbol-book.js';

export interface EngineOrdersContext {
  owner: number;
  symbol: number;
  /** The PM's live orders by client order id, every symbol. */
  live: ReadonlyMap<number, PmOrder>;
  /** The PM's closed orders by client order id. */
  closed: ReadonlyMap<number, PmOrder>;
  nextClientOrderId: number;
  /** How errors name the list (default `engineOrders`). */
  path?: string;
}

/** The entries of `ctx.owner`, by client order id, in list order; throws on the first bad entry. */
export function checkEngineOrders(value: unknown, ctx: EngineOrdersContext): Map<number, RestingOrder> {
  const listPath = ctx.path ?? 'engineOrders';
  const entries = arrayInput(value, listPath);
  const own = new Map<number, RestingOrder>();
  const ownIndex = new Map<number, number>();
  const byOrderId = new Map<number, number>();
  for (let index = 0; index < entries.length; index += 1) {
    const path = `${listPath}[${index}]`;
    const entry = checkEntry(entries[index], path);
    const first = byOrderId.get(entry.orderId);
    if (first !== undefined) throw inputError(`${path}.orderId: duplicate of ${listPath}[${first}].orderId (${entry.orderId})`);
    byOrderId.set(entry.orderId, index);
    if (entry.owner !== ctx.owner) continue;
    const firstOwn = ownIndex.get(entry.clientOrderId);
    if (firstOwn !== undefined) throw inputError(`${path}.clientOrderId: duplicate of ${listPath}[${firstOwn}].clientOrderId (${entry.clientOrderId}), both of owner ${ctx.owner}`);
    ownIndex.set(entry.clientOrderId, index);
    const known = ctx.live.get(entry.clientOrderId);
    if (known === undefined) checkAdoptable(entry, path, ctx);
    else checkKnown(entry, known, path, ctx.symbol);
    own.set(entry.clientOrderId, entry);
  }
  return own;
}

function checkEntry(value: unknown, path: string): RestingOrder {
  const entry = objectInput(value, path);
  integerInput(entry.side, 0, 1, `${path}.side`);
  integerInput(entry.price, 1, PRICE_MAX, `${path}.price`);
  const quantity = integerInput(entry.quantity, 1, ORDER_QUANTITY_MAX, `${path}.quantity`);
  integerInput(entry.leaves, 1, quantity, `${path}.leaves`, 'its quantity');
  integerInput(entry.orderId, 1, Number.MAX_SAFE_INTEGER, `${path}.orderId`);
  integerInput(entry.owner, 0, OWNER_MAX, `${path}.owner`);
  integerInput(entry.clientOrderId, 0, CLIENT_ORDER_ID_MAX, `${path}.clientOrderId`);
  return entry as unknown as RestingOrder;
}

function checkKnown(entry: RestingOrder, known: PmOrder, path: string, symbol: number): void {
  const id = entry.clientOrderId;
  if (known.symbol !== symbol) throw inputError(`${path}.clientOrderId: ${id} is the PM's live order on symbol ${known.symbol}, not on symbol ${symbol}`);
  if (entry.side !== known.side) throw inputError(`${path}.side: must be ${known.side}, the side of the PM's order ${id}, got ${show(entry.side)}`);
  if (known.orderId !== 0 && entry.orderId !== known.orderId) {
    throw inputError(`${path}.orderId: must be ${known.orderId}, the engine order id the PM has for its order ${id}, got ${show(entry.orderId)}`);
  }
  checkFilled(entry, known, path);
}

/** The engine's cum of an order (quantity - leaves) is at least what the PM booked of it. */
function checkFilled(entry: RestingOrder, known: PmOrder, path: string): void {
  const cum = entry.quantity - entry.leaves;
  if (cum < known.cum) {
    throw inputError(`${path}.leaves: must be at most ${entry.quantity - known.cum} (its quantity ${entry.quantity} less the ${known.cum} the PM booked as filled of its order ${entry.clientOrderId}), got ${entry.leaves}`);
  }
}

function checkAdoptable(entry: RestingOrder, path: string, ctx: EngineOrdersContext): void {
  if (entry.clientOrderId >= ctx.nextClientOrderId && entry.clientOrderId > CLIENT_ORDER_ID_START_MAX) {
    throw inputError(
      `${path}.clientOrderId: an order the PM adopts must leave it room to issue new ids above it: at most ${CLIENT_ORDER_ID_START_MAX} (or below its next id ${ctx.nextClientOrderId}), got ${entry.clientOrderId}; cancel that order at the engine first`,
    );
  }
  const prior = adoptedPrior(ctx.closed.get(entry.clientOrderId), ctx.symbol, entry);
  if (prior !== undefined) checkFilled(entry, prior, path);
}

/**
 * The closed order an engine order of the PM's owner is, if any: same id, symbol and side, and
 * not acked with another engine id (the owner's other tools may reuse an id once the PM's order
 * ended). Adopting it keeps what was booked of it (position-manager.ts adoptOrder).
 */
export function adoptedPrior(closed: PmOrder | undefined, symbol: number, entry: { side: number; orderId: number }): PmOrder | undefined {
  if (closed === undefined || closed.symbol !== symbol || closed.side !== entry.side) return undefined;
  return closed.orderId === 0 || closed.orderId === entry.orderId ? closed : undefined;
}
