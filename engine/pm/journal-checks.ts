/**
 * What a journal line must be to be replayed: a record of a known kind whose every field is an
 * integer in its range (a journal is a file anyone can edit; replay must meet numbers the PM could
 * have written, not NaN, fractions, a side 7 or a report kind 99). What can only be judged against
 * the PM's state and instruments (a symbol it has, an order created twice, a report whose cum is
 * above its order's quantity, a target off the lot) is checked by replay (position-manager.ts).
 * Each problem is a message naming the field: `rpt.kd: must be an integer in [1, 8], got 99`.
 */
import { INSTRUMENTS_MAX, show } from '../options.js';
import { ExecKind, ORDER_QUANTITY_MAX } from '../protocol.js';
import { PRICE_MAX, REASON_MAX } from './input-checks.js';
import { CLIENT_ORDER_ID_MAX, OWNER_MAX } from './options.js';
import { OrderState } from './order-state-machine.js';

export const JOURNAL_VERSION = 1;

type Range = readonly [min: number, max: number];
const SAFE: Range = [-Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER];
const COUNT: Range = [0, Number.MAX_SAFE_INTEGER];
/** Any client order id (adopted orders may carry 0); ids the PM issues start at 1. */
const ID: Range = [0, CLIENT_ORDER_ID_MAX];
const ISSUED_ID: Range = [1, CLIENT_ORDER_ID_MAX];
/** The counter: one above the last id, CLIENT_ORDER_ID_MAX + 1 once every id was issued. */
const NEXT_ID: Range = [1, CLIENT_ORDER_ID_MAX + 1];
const SYMBOL: Range = [0, INSTRUMENTS_MAX - 1];
const SIDE: Range = [0, 1];
const PRICE: Range = [1, PRICE_MAX];
const QUANTITY: Range = [1, ORDER_QUANTITY_MAX];
const FILLED: Range = [0, ORDER_QUANTITY_MAX];
/** Leaves of an order the engine says rests: at least 1. */
const RESTING: Range = [1, ORDER_QUANTITY_MAX];
/** The engine's id of a resting order (ids start at 1). */
const ENGINE_ORDER_ID: Range = [1, Number.MAX_SAFE_INTEGER];
const EXEC_KIND: Range = [Math.min(...Object.values(ExecKind)), Math.max(...Object.values(ExecKind))];

/** The integer fields of each record kind and their ranges (every record also has `ns`, a time: finite, >= 0). */
const RECORD_FIELDS: Record<string, Readonly<Record<string, Range>>> = {
  hdr: { v: [JOURNAL_VERSION, JOURNAL_VERSION], owner: [0, OWNER_MAX] },
  tgt: { s: SYMBOL, q: SAFE },
  new: { c: ISSUED_ID, s: SYMBOL, sd: SIDE, p: PRICE, q: QUANTITY },
  cxl: { c: ID },
  rpt: { c: ID, seq: [1, Number.MAX_SAFE_INTEGER], kd: EXEC_KIND, rs: [0, REASON_MAX], oid: COUNT, cum: FILLED, lv: FILLED, lq: FILLED },
  epoch: { e: COUNT },
  resume: { s: SYMBOL },
  lost: { c: ID },
  sync: { c: ID, oid: ENGINE_ORDER_ID, cum: FILLED, lv: RESTING },
  adopt: { c: ID, s: SYMBOL, sd: SIDE, p: PRICE, q: QUANTITY, oid: ENGINE_ORDER_ID, cum: FILLED, lv: RESTING },
  snap: {},
};

/**
 * Fields a record may leave out, checked like the others when present: an adopt's bk and sq are
 * written only when not 0, a report's price only on a REPLACED, and journals of earlier PMs have
 * no report or sync price.
 */
const OPTIONAL_FIELDS: Record<string, Readonly<Record<string, Range>>> = {
  adopt: { bk: FILLED, sq: COUNT },
  rpt: { p: PRICE },
  sync: { p: PRICE },
};

/** A snapshot's live order: [clientOrderId, symbol, side, price, quantity, orderId, cum, leaves, state, lastSeq, sentNs]. */
export const SNAPSHOT_ORDER_FIELDS = ['c', 's', 'sd', 'p', 'q', 'oid', 'cum', 'lv', 'st', 'seq', 'ns'] as const;
const LIVE_STATES: readonly number[] = [OrderState.PENDING_NEW, OrderState.WORKING, OrderState.PARTIALLY_FILLED, OrderState.PENDING_CANCEL, OrderState.CANCEL_REJECTED];

function rangeProblem(value: unknown, [min, max]: Range, path: string, why?: string): string | null {
  if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) return null;
  return `${path}: must be an integer in [${min}, ${max}]${why === undefined ? '' : ` (${why})`}, got ${show(value)}`;
}

function timeProblem(value: unknown, path: string): string | null {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return null;
  return `${path}: must be a finite number >= 0, got ${show(value)}`;
}

/** What is wrong with a parsed line as a journal record, or null. */
export function recordProblem(value: unknown): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'must be a JSON object';
  const record = value as Record<string, unknown>;
  const fields = typeof record.k === 'string' && Object.hasOwn(RECORD_FIELDS, record.k) ? RECORD_FIELDS[record.k] : undefined;
  if (fields === undefined) return `k: must be one of ${Object.keys(RECORD_FIELDS).join(', ')}, got ${show(record.k)}`;
  const time = timeProblem(record.ns, 'ns');
  if (time !== null) return time;
  if (record.k === 'hdr' && record.v !== JOURNAL_VERSION) return `hdr.v: must be ${JOURNAL_VERSION} (the journal version this PM reads), got ${show(record.v)}`;
  for (const [field, range] of Object.entries(fields)) {
    const problem = rangeProblem(record[field], range, `${record.k}.${field}`);
    if (problem !== null) return problem;
  }
  for (const [field, range] of Object.entries(OPTIONAL_FIELDS[record.k as string] ?? {})) {
    const problem = record[field] === undefined ? null : rangeProblem(record[field], range, `${record.k}.${field}`);
    if (problem !== null) return problem;
  }
  return record.k === 'snap' ? snapshotProblem(record.snapshot) : null;
}

function snapshotProblem(value: unknown): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'snap.snapshot: must be an object';
  const snapshot = value as Record<string, unknown>;
  const counters = rangeProblem(snapshot.engineEpoch, COUNT, 'snap.snapshot.engineEpoch') ?? rangeProblem(snapshot.nextClientOrderId, NEXT_ID, 'snap.snapshot.nextClientOrderId');
  if (counters !== null) return counters;
  return symbolsProblem(snapshot.symbols) ?? ordersProblem(snapshot.orders, snapshot.nextClientOrderId as number);
}

function symbolsProblem(value: unknown): string | null {
  if (!Array.isArray(value)) return 'snap.snapshot.symbols: must be an array';
  const seen = new Map<number, number>();
  for (let index = 0; index < value.length; index += 1) {
    const path = `snap.snapshot.symbols[${index}]`;
    const entry = value[index] as Record<string, unknown> | null | undefined;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return `${path}: must be { s, pos, tgt (integer or null), halted (boolean) }, got ${show(entry)}`;
    const problem = rangeProblem(entry.s, SYMBOL, `${path}.s`) ?? rangeProblem(entry.pos, SAFE, `${path}.pos`) ?? (entry.tgt === null ? null : rangeProblem(entry.tgt, SAFE, `${path}.tgt`));
    if (problem !== null) return problem;
    if (typeof entry.halted !== 'boolean') return `${path}.halted: must be a boolean, got ${show(entry.halted)}`;
    const first = seen.get(entry.s as number);
    if (first !== undefined) return `${path}.s: duplicate of snap.snapshot.symbols[${first}].s (${String(entry.s)})`;
    seen.set(entry.s as number, index);
  }
  return null;
}

function ordersProblem(value: unknown, nextClientOrderId: number): string | null {
  if (!Array.isArray(value)) return 'snap.snapshot.orders: must be an array';
  const seen = new Map<number, number>();
  for (let index = 0; index < value.length; index += 1) {
    const order = value[index] as unknown;
    const path = `snap.snapshot.orders[${index}]`;
    if (!Array.isArray(order) || order.length !== SNAPSHOT_ORDER_FIELDS.length) {
      return `${path}: must be an array of ${SNAPSHOT_ORDER_FIELDS.length} numbers [${SNAPSHOT_ORDER_FIELDS.join(', ')}], got ${show(order)}`;
    }
    const problem = snapshotOrderProblem(order as unknown[], path, nextClientOrderId);
    if (problem !== null) return problem;
    const clientOrderId = order[0] as number;
    const first = seen.get(clientOrderId);
    if (first !== undefined) return `${path}[0] (c): duplicate of snap.snapshot.orders[${first}][0] (client order id ${clientOrderId})`;
    seen.set(clientOrderId, index);
  }
  return null;
}

function snapshotOrderProblem(order: unknown[], path: string, nextClientOrderId: number): string | null {
  const field = (index: number): string => `${path}[${index}] (${SNAPSHOT_ORDER_FIELDS[index]})`;
  const [c, s, sd, p, q, oid, cum, lv, st, seq, ns] = order;
  const fixed = rangeProblem(c, ID, field(0)) ?? rangeProblem(s, SYMBOL, field(1)) ?? rangeProblem(sd, SIDE, field(2)) ?? rangeProblem(p, PRICE, field(3))
    ?? rangeProblem(q, QUANTITY, field(4)) ?? rangeProblem(oid, COUNT, field(5)) ?? rangeProblem(seq, COUNT, field(9)) ?? timeProblem(ns, field(10));
  if (fixed !== null) return fixed;
  // The counter is above every id the PM issued or adopted.
  if ((c as number) >= nextClientOrderId) return `${field(0)}: must be below snap.snapshot.nextClientOrderId ${nextClientOrderId}, got ${c as number}`;
  // cum and leaves each within the quantity, not their sum: a live PM can hold leaves = quantity
  // with cum > 0 (a fill booked on an illegal transition, e.g. for a PENDING_NEW order whose ack
  // was lost, leaves the order's leaves as they were), and its own journal must recover.
  const quantity = q as number;
  const problem = rangeProblem(cum, [0, quantity], field(6), 'at most its quantity')
    ?? rangeProblem(lv, [1, quantity], field(7), 'a live order: at least 1, at most its quantity');
  if (problem !== null) return problem;
  if (!LIVE_STATES.includes(st as number)) return `${field(8)}: must be a live order state (${LIVE_STATES.join(', ')}), got ${show(st)}`;
  return null;
}
