/** The order lifecycle table: every legal path of the seed's edge cases, and what stays illegal. */
import { describe, expect, it } from 'vitest';
import { ExecKind, Reason } from '../../engine/protocol.js';
import {
  cancelRejectEvent, eventOfReport, ILLEGAL, isCancelling, isLive, OrderEvent as E, OrderState as S, stateName, transition, type OrderEventCode, type OrderStateCode,
} from '../../engine/pm/order-state-machine.js';

const run = (events: OrderEventCode[]): OrderStateCode | typeof ILLEGAL => {
  let state: OrderStateCode = S.PENDING_NEW;
  for (const event of events) {
    const next = transition(state, event);
    if (next === ILLEGAL) return ILLEGAL;
    state = next;
  }
  return state;
};

describe('order state machine', () => {
  const paths: [string, OrderEventCode[], OrderStateCode][] = [
    ['ack then fill', [E.ACCEPTED, E.FILL], S.FILLED],
    ['partial fills then fill', [E.ACCEPTED, E.PARTIAL_FILL, E.PARTIAL_FILL, E.FILL], S.FILLED],
    ['rejected on entry', [E.REJECTED], S.REJECTED],
    ['cancel before the ack, then ack and cancel', [E.CANCEL_SENT, E.ACCEPTED, E.CANCELLED], S.CANCELLED],
    ['cancel before the ack of a rejected order', [E.CANCEL_SENT, E.REJECTED], S.REJECTED],
    ['partial fills while a cancel is pending', [E.ACCEPTED, E.CANCEL_SENT, E.PARTIAL_FILL, E.PARTIAL_FILL, E.CANCELLED], S.CANCELLED],
    ['a fill after cancel-sent', [E.ACCEPTED, E.CANCEL_SENT, E.FILL], S.FILLED],
    ['cancel rejected because already filled (fill first)', [E.ACCEPTED, E.CANCEL_SENT, E.FILL, E.CANCEL_REJECTED], S.FILLED],
    ['cancel rejected, the fill still in flight', [E.ACCEPTED, E.CANCEL_SENT, E.CANCEL_REJECTED, E.FILL], S.FILLED],
    ['cancel rejected then cancelled again', [E.ACCEPTED, E.CANCEL_SENT, E.CANCEL_REJECTED, E.CANCEL_SENT, E.CANCELLED], S.CANCELLED],
    ['unsolicited cancel (self-trade, mass cancel)', [E.ACCEPTED, E.CANCELLED], S.CANCELLED],
    ['expired remainder', [E.ACCEPTED, E.PARTIAL_FILL, E.EXPIRED], S.EXPIRED],
    ['lost in an engine restart, late fill', [E.ACCEPTED, E.LOST, E.FILL], S.LOST],
    ['lost while pending new', [E.LOST], S.LOST],
    // A MODIFY at the engine by the owner's other tools: the order keeps its state (its quantity and leaves change).
    ['replaced, then filled', [E.ACCEPTED, E.REPLACED, E.PARTIAL_FILL, E.REPLACED, E.FILL], S.FILLED],
    ['replaced while a cancel is pending', [E.ACCEPTED, E.CANCEL_SENT, E.REPLACED, E.CANCELLED], S.CANCELLED],
    // The same tools' MODIFY refused (price or quantity): nothing changes.
    ['a refused modify, then filled', [E.ACCEPTED, E.MODIFY_REJECTED, E.PARTIAL_FILL, E.MODIFY_REJECTED, E.FILL], S.FILLED],
    ['a refused modify while a cancel is pending', [E.ACCEPTED, E.CANCEL_SENT, E.MODIFY_REJECTED, E.CANCELLED], S.CANCELLED],
    ['a refused modify after a cancel was refused', [E.ACCEPTED, E.CANCEL_SENT, E.CANCEL_REJECTED, E.MODIFY_REJECTED, E.FILL], S.FILLED],
    // A new order whose send threw, cancelled by client order id to learn its fate: the engine never got it.
    ['send threw, cancelled, unknown to the engine', [E.CANCEL_SENT, E.LOST], S.LOST],
    ['send threw, cancelled, the engine had it', [E.CANCEL_SENT, E.ACCEPTED, E.PARTIAL_FILL, E.CANCELLED], S.CANCELLED],
  ];
  it.each(paths)('%s', (_name, events, expected) => {
    expect(stateName(run(events) as OrderStateCode)).toBe(stateName(expected));
  });

  const illegal: [string, OrderEventCode[]][] = [
    ['a fill before the ack', [E.FILL]],
    ['a second ack', [E.ACCEPTED, E.ACCEPTED]],
    ['a fill after the order was filled', [E.ACCEPTED, E.FILL, E.PARTIAL_FILL]],
    ['a fill after the order was cancelled', [E.ACCEPTED, E.CANCELLED, E.FILL]],
    ['a cancel sent twice', [E.ACCEPTED, E.CANCEL_SENT, E.CANCEL_SENT]],
    ['a cancel sent for a filled order', [E.ACCEPTED, E.FILL, E.CANCEL_SENT]],
    ['a replace before the ack', [E.REPLACED]],
    ['a refused modify before the ack', [E.MODIFY_REJECTED]],
    ['a refused modify after the order was filled', [E.ACCEPTED, E.FILL, E.MODIFY_REJECTED]],
    ['a replace of an order the engine no longer knew', [E.ACCEPTED, E.CANCEL_SENT, E.CANCEL_REJECTED, E.REPLACED]],
    ['a cancel-rejected without a cancel', [E.ACCEPTED, E.CANCEL_REJECTED]],
    ['a reject after the ack', [E.ACCEPTED, E.REJECTED]],
  ];
  it.each(illegal)('rejects %s', (_name, events) => {
    expect(run(events)).toBe(ILLEGAL);
  });

  it('classifies live and cancelling states', () => {
    const live = Object.values(S).filter((state) => isLive(state)).map(stateName);
    expect(live).toEqual(['PENDING_NEW', 'WORKING', 'PARTIALLY_FILLED', 'PENDING_CANCEL', 'CANCEL_REJECTED']);
    expect(Object.values(S).filter((state) => isCancelling(state)).map(stateName)).toEqual(['PENDING_CANCEL', 'CANCEL_REJECTED']);
  });

  it('maps report kinds to events; a partial fill with no leaves is a fill', () => {
    expect(eventOfReport(ExecKind.PARTIALLY_FILLED, 0)).toBe(E.FILL);
    expect(eventOfReport(ExecKind.PARTIALLY_FILLED, 5)).toBe(E.PARTIAL_FILL);
    expect(eventOfReport(ExecKind.CANCEL_REJECTED, 0)).toBe(E.CANCEL_REJECTED);
    expect(eventOfReport(ExecKind.REPLACED, 3)).toBe(E.REPLACED);
  });

  it('a cancel-reject is LOST only for UNKNOWN_ORDER of an order being cancelled that was never acknowledged, and a refused modify for any other reason', () => {
    expect(cancelRejectEvent(S.PENDING_CANCEL, Reason.UNKNOWN_ORDER, false)).toBe(E.LOST);
    expect(cancelRejectEvent(S.PENDING_CANCEL, Reason.UNKNOWN_ORDER, true)).toBe(E.CANCEL_REJECTED);
    expect(cancelRejectEvent(S.PENDING_NEW, Reason.UNKNOWN_ORDER, false)).toBe(E.CANCEL_REJECTED);
    expect(cancelRejectEvent(S.FILLED, Reason.UNKNOWN_ORDER, false)).toBe(E.CANCEL_REJECTED);
    for (const reason of [Reason.QTY_INVALID, Reason.QTY_NOT_LOT_MULTIPLE, Reason.QTY_ABOVE_MAX, Reason.PRICE_INVALID, Reason.PRICE_OFF_TICK, Reason.PRICE_OUT_OF_BAND]) {
      expect(cancelRejectEvent(S.WORKING, reason, true)).toBe(E.MODIFY_REJECTED);
      expect(cancelRejectEvent(S.PENDING_CANCEL, reason, false)).toBe(E.MODIFY_REJECTED);
    }
  });

  it('terminal states accept nothing but a late cancel-reject', () => {
    for (const terminal of [S.FILLED, S.CANCELLED, S.REJECTED, S.EXPIRED]) {
      for (const event of Object.values(E)) {
        const expected = event === E.CANCEL_REJECTED ? terminal : ILLEGAL;
        expect(transition(terminal, event), `${stateName(terminal)} + ${event}`).toBe(expected);
      }
    }
  });
});
