/**
 * The command records that the per-command APIs (submit, cancel, modify, massCancel) build, shared
 * by the native Engine and the ReferenceBook so that both read the same fields of the same input.
 * Each names the fields it takes: spreading the caller's object would let an extra `action` or
 * `orderId` in it override the command's own (a NEW run as a mass cancel).
 */
import { Action, Side, type OrderTypeCode } from './protocol.js';
import type { Command, NewOrder, OrderRef } from './types.js';

export function requireObject(value: unknown, name: string): void {
  if (typeof value !== 'object' || value === null) throw new TypeError(`${name}: must be an object, got ${value === null ? 'null' : typeof value}`);
}

export function newOrderCommand(order: NewOrder): Command {
  requireObject(order, 'order');
  return {
    action: Action.NEW,
    symbol: order.symbol,
    owner: order.owner,
    clientOrderId: order.clientOrderId,
    orderId: 0,
    side: order.side,
    type: order.type,
    price: order.price,
    quantity: order.quantity,
  };
}

/** A command addressing a live order; side and type are ignored by these actions. */
export function addressed(action: Command['action'], ref: OrderRef, price: number, quantity: number): Command {
  requireObject(ref, 'order reference');
  return {
    action,
    symbol: 0,
    owner: ref.owner,
    // Only an absent field means 0: a null is a mistake the field check names (as the threaded
    // engine does), not a second way to leave the field out.
    orderId: ref.orderId === undefined ? 0 : ref.orderId,
    clientOrderId: ref.clientOrderId === undefined ? 0 : ref.clientOrderId,
    side: Side.BUY,
    type: 0 as OrderTypeCode,
    price,
    quantity,
  };
}

const FIRST_RECORD = 'commands[0].';

/**
 * The native boundary checks a one-command call as a batch of one and names a bad field
 * `commands[0].price`; the per-command APIs (submit, cancel, ...) take no batch, so their errors
 * name the field alone. Anything else is passed through unchanged.
 */
export function asSingleCommandError(error: unknown): unknown {
  if (!(error instanceof RangeError || error instanceof TypeError) || !error.message.startsWith(FIRST_RECORD)) return error;
  return new (error instanceof RangeError ? RangeError : TypeError)(error.message.slice(FIRST_RECORD.length));
}
