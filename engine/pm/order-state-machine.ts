/**
 * The order lifecycle as an explicit transition table.
 *
 * States: PENDING_NEW (sent, no ack), WORKING, PARTIALLY_FILLED, PENDING_CANCEL (cancel sent, no
 * confirmation), CANCEL_REJECTED (the engine did not know the order when the cancel arrived: a fill
 * or another terminal report is still in flight), and the terminal FILLED, CANCELLED, REJECTED,
 * EXPIRED, LOST (the engine no longer has the order or never got it: an engine restart took it,
 * reconcileWithEngine did not find it, or its cancel was refused as unknown before any ack; its
 * outcome is no longer reported).
 *
 * Events are the engine's report kinds plus two of the PM's own: CANCEL_SENT and LOST. A report
 * maps to its event by `eventOfReport`, and a CANCEL_REJECTED report to one of three
 * (`cancelRejectEvent`): LOST when the engine refused a cancel as UNKNOWN_ORDER for an order it
 * never reported on (a new order whose send threw and was cancelled to learn its fate: the engine
 * never got it); MODIFY_REJECTED for any other reason than UNKNOWN_ORDER, which only a MODIFY gets
 * (its quantity or price refused, docs/engine-semantics.md); CANCEL_REJECTED otherwise.
 *
 * REPLACED and MODIFY_REJECTED (a MODIFY at the engine by the owner's other tools, applied or
 * refused; the PM itself never modifies) keep an active order's state: a replace changes its
 * quantity and leaves (see position-manager.ts), a refused modify nothing. The engine refused the
 * modify of an order it held, so its ack came first and its terminal report comes after: before
 * the ack or after a terminal state a MODIFY_REJECTED is illegal.
 *
 * Ordering assumption: the reports of one order arrive in engine order (the engine emits them in
 * order and every transport keeps per-order order); reports of different orders may interleave in
 * any way. Under that assumption every legal sequence is in the table; anything else is an
 * ILLEGAL transition that the PM reports (counter, audit line, anomaly list) and does not apply.
 *
 * Legal late arrivals: a CANCEL_REJECTED for an order already terminal (the cancel raced a fill)
 * keeps the terminal state; any report for a LOST order keeps LOST (fills still count: see
 * position-manager.ts).
 *
 * Staleness (a report older than what the PM already booked) is judged on quantities, before the
 * table: symbol-book.ts reportProblem.
 */
import { ExecKind, Reason, type ExecKindCode } from '../protocol.js';

export const OrderState = {
  PENDING_NEW: 0,
  WORKING: 1,
  PARTIALLY_FILLED: 2,
  FILLED: 3,
  PENDING_CANCEL: 4,
  CANCELLED: 5,
  REJECTED: 6,
  EXPIRED: 7,
  CANCEL_REJECTED: 8,
  LOST: 9,
} as const;
export type OrderStateCode = (typeof OrderState)[keyof typeof OrderState];
export type OrderStateName = keyof typeof OrderState;

export const OrderEvent = {
  ACCEPTED: 0,
  REJECTED: 1,
  PARTIAL_FILL: 2,
  FILL: 3,
  CANCELLED: 4,
  EXPIRED: 5,
  REPLACED: 6,
  CANCEL_REJECTED: 7,
  CANCEL_SENT: 8,
  LOST: 9,
  MODIFY_REJECTED: 10,
} as const;
export type OrderEventCode = (typeof OrderEvent)[keyof typeof OrderEvent];

export const ORDER_STATE_COUNT = Object.keys(OrderState).length;
export const ORDER_EVENT_COUNT = Object.keys(OrderEvent).length;
/** Table entry of a transition that must not happen. */
export const ILLEGAL = -1;

const STATE_NAMES = Object.keys(OrderState) as OrderStateName[];
const EVENT_NAMES = Object.keys(OrderEvent) as (keyof typeof OrderEvent)[];

export const stateName = (state: number): OrderStateName => STATE_NAMES[state] ?? 'LOST';
export const eventName = (event: number): string => EVENT_NAMES[event] ?? `EVENT_${event}`;

const S = OrderState;
const E = OrderEvent;

/** [from, event, to] for every legal transition; the rest of the table is ILLEGAL. */
const LEGAL: readonly (readonly [OrderStateCode, OrderEventCode, OrderStateCode])[] = [
  [S.PENDING_NEW, E.ACCEPTED, S.WORKING],
  [S.PENDING_NEW, E.REJECTED, S.REJECTED],
  [S.PENDING_NEW, E.CANCEL_SENT, S.PENDING_CANCEL],
  [S.PENDING_NEW, E.LOST, S.LOST],
  ...liveTransitions(S.WORKING),
  ...liveTransitions(S.PARTIALLY_FILLED),
  [S.PENDING_CANCEL, E.ACCEPTED, S.PENDING_CANCEL],
  [S.PENDING_CANCEL, E.REJECTED, S.REJECTED],
  [S.PENDING_CANCEL, E.PARTIAL_FILL, S.PENDING_CANCEL],
  [S.PENDING_CANCEL, E.FILL, S.FILLED],
  [S.PENDING_CANCEL, E.CANCELLED, S.CANCELLED],
  [S.PENDING_CANCEL, E.EXPIRED, S.EXPIRED],
  [S.PENDING_CANCEL, E.REPLACED, S.PENDING_CANCEL],
  [S.PENDING_CANCEL, E.MODIFY_REJECTED, S.PENDING_CANCEL],
  [S.PENDING_CANCEL, E.CANCEL_REJECTED, S.CANCEL_REJECTED],
  [S.PENDING_CANCEL, E.LOST, S.LOST],
  [S.CANCEL_REJECTED, E.PARTIAL_FILL, S.CANCEL_REJECTED],
  [S.CANCEL_REJECTED, E.FILL, S.FILLED],
  [S.CANCEL_REJECTED, E.CANCELLED, S.CANCELLED],
  [S.CANCEL_REJECTED, E.EXPIRED, S.EXPIRED],
  [S.CANCEL_REJECTED, E.CANCEL_SENT, S.PENDING_CANCEL],
  [S.CANCEL_REJECTED, E.LOST, S.LOST],
  [S.CANCEL_REJECTED, E.MODIFY_REJECTED, S.CANCEL_REJECTED],
  [S.FILLED, E.CANCEL_REJECTED, S.FILLED],
  [S.CANCELLED, E.CANCEL_REJECTED, S.CANCELLED],
  [S.EXPIRED, E.CANCEL_REJECTED, S.EXPIRED],
  [S.REJECTED, E.CANCEL_REJECTED, S.REJECTED],
  ...Object.values(E)
    .filter((event) => event !== E.CANCEL_SENT)
    .map((event) => [S.LOST, event, S.LOST] as const),
];

function liveTransitions(from: OrderStateCode): (readonly [OrderStateCode, OrderEventCode, OrderStateCode])[] {
  return [
    [from, E.PARTIAL_FILL, S.PARTIALLY_FILLED],
    [from, E.FILL, S.FILLED],
    [from, E.CANCELLED, S.CANCELLED],
    [from, E.EXPIRED, S.EXPIRED],
    [from, E.REPLACED, from],
    [from, E.MODIFY_REJECTED, from],
    [from, E.CANCEL_SENT, S.PENDING_CANCEL],
    [from, E.LOST, S.LOST],
  ];
}

const TABLE = buildTable();

function buildTable(): Int8Array {
  const table = new Int8Array(ORDER_STATE_COUNT * ORDER_EVENT_COUNT).fill(ILLEGAL);
  for (const [from, event, to] of LEGAL) {
    if (table[from * ORDER_EVENT_COUNT + event] !== ILLEGAL) throw new Error(`duplicate transition ${from}/${event}`);
    table[from * ORDER_EVENT_COUNT + event] = to;
  }
  return table;
}

/** The next state, or ILLEGAL. */
export function transition(from: OrderStateCode, event: OrderEventCode): OrderStateCode | typeof ILLEGAL {
  return TABLE[from * ORDER_EVENT_COUNT + event] as OrderStateCode | typeof ILLEGAL;
}

/** Live: the order may still trade, so its leaves count in the working position. */
export function isLive(state: OrderStateCode): boolean {
  return state === S.PENDING_NEW || state === S.WORKING || state === S.PARTIALLY_FILLED || state === S.PENDING_CANCEL || state === S.CANCEL_REJECTED;
}

/** A cancel for it is in flight or was refused pending a terminal report: not cancellable again now. */
export function isCancelling(state: OrderStateCode): boolean {
  return state === S.PENDING_CANCEL || state === S.CANCEL_REJECTED;
}

/** The report kind as a lifecycle event; a fill is FILL only when it leaves nothing open. */
export function eventOfReport(kind: ExecKindCode, leavesQuantity: number): OrderEventCode {
  switch (kind) {
    case ExecKind.ACCEPTED:
      return E.ACCEPTED;
    case ExecKind.REJECTED:
      return E.REJECTED;
    case ExecKind.PARTIALLY_FILLED:
      return leavesQuantity === 0 ? E.FILL : E.PARTIAL_FILL;
    case ExecKind.FILLED:
      return E.FILL;
    case ExecKind.CANCELLED:
      return E.CANCELLED;
    case ExecKind.EXPIRED:
      return E.EXPIRED;
    case ExecKind.REPLACED:
      return E.REPLACED;
    default:
      return E.CANCEL_REJECTED;
  }
}

/**
 * The event of a cancel-reject for an order in `state`. A reason other than UNKNOWN_ORDER is a
 * refused MODIFY (the engine refuses a cancel only as UNKNOWN_ORDER): MODIFY_REJECTED. An
 * UNKNOWN_ORDER for an order the PM is cancelling and has had no report of (`acknowledged` false:
 * no ack, no engine id) is LOST: reports of one order come in engine order, so had the engine got
 * the order its ack (or reject) would have come before this cancel-reject. Otherwise
 * CANCEL_REJECTED.
 */
export function cancelRejectEvent(state: OrderStateCode, reason: number, acknowledged: boolean): OrderEventCode {
  if (reason !== Reason.UNKNOWN_ORDER) return E.MODIFY_REJECTED;
  return state === S.PENDING_CANCEL && !acknowledged ? E.LOST : E.CANCEL_REJECTED;
}
