/**
 * Command and report records (protocol.ts slot layouts) to and from objects. `index` counts
 * records, not slots: record i occupies slots [i * SLOTS, (i + 1) * SLOTS). Arrays must already be
 * long enough; a record past the end is a programmer error and throws a RangeError.
 */
import {
  COMMAND_SLOTS,
  CommandSlot,
  REPORT_SLOTS,
  ReportSlot,
  type ActionCode,
  type ExecKindCode,
  type OrderTypeCode,
  type ReasonCode,
  type SideCode,
} from './protocol.js';
import type { Bbo, Command, ExecutionReport, Level, RestingOrder } from './types.js';

/** Float64 records; plain arrays are accepted for tests and tooling. */
export type RecordArray = Float64Array | number[];

function base(array: RecordArray, index: number, slots: number): number {
  if (!Number.isInteger(index) || index < 0 || (index + 1) * slots > array.length) {
    throw new RangeError(`record ${index} does not fit in an array of ${array.length} slots (${slots} slots per record)`);
  }
  return index * slots;
}

const slot = (array: RecordArray, at: number): number => array[at] as number;

/**
 * A copy of `command` with every field, in CommandSlot order. A caller that holds many commands
 * (the harness) makes them all this way, so they share one object shape and the code reading them
 * stays monomorphic.
 */
export function copyCommand(command: Command): Command {
  return {
    action: command.action,
    symbol: command.symbol,
    owner: command.owner,
    clientOrderId: command.clientOrderId,
    orderId: command.orderId,
    side: command.side,
    type: command.type,
    price: command.price,
    quantity: command.quantity,
  };
}

export function encodeCommand(command: Command, array: RecordArray, index: number): void {
  const at = base(array, index, COMMAND_SLOTS);
  array[at + CommandSlot.action] = command.action;
  array[at + CommandSlot.symbol] = command.symbol;
  array[at + CommandSlot.owner] = command.owner;
  array[at + CommandSlot.clientOrderId] = command.clientOrderId;
  array[at + CommandSlot.orderId] = command.orderId;
  array[at + CommandSlot.side] = command.side;
  array[at + CommandSlot.type] = command.type;
  array[at + CommandSlot.price] = command.price;
  array[at + CommandSlot.quantity] = command.quantity;
}

export function decodeCommand(array: RecordArray, index: number): Command {
  const at = base(array, index, COMMAND_SLOTS);
  return {
    action: slot(array, at + CommandSlot.action) as ActionCode,
    symbol: slot(array, at + CommandSlot.symbol),
    owner: slot(array, at + CommandSlot.owner),
    clientOrderId: slot(array, at + CommandSlot.clientOrderId),
    orderId: slot(array, at + CommandSlot.orderId),
    side: slot(array, at + CommandSlot.side) as SideCode,
    type: slot(array, at + CommandSlot.type) as OrderTypeCode,
    price: slot(array, at + CommandSlot.price),
    quantity: slot(array, at + CommandSlot.quantity),
  };
}

export function encodeReport(report: ExecutionReport, array: RecordArray, index: number): void {
  const at = base(array, index, REPORT_SLOTS);
  for (const [field, offset] of Object.entries(ReportSlot) as [keyof ExecutionReport, number][]) {
    array[at + offset] = report[field];
  }
}

export function decodeReport(array: RecordArray, index: number): ExecutionReport {
  const at = base(array, index, REPORT_SLOTS);
  return {
    seq: slot(array, at + ReportSlot.seq),
    kind: slot(array, at + ReportSlot.kind) as ExecKindCode,
    reason: slot(array, at + ReportSlot.reason) as ReasonCode,
    orderId: slot(array, at + ReportSlot.orderId),
    owner: slot(array, at + ReportSlot.owner),
    clientOrderId: slot(array, at + ReportSlot.clientOrderId),
    symbol: slot(array, at + ReportSlot.symbol),
    side: slot(array, at + ReportSlot.side) as SideCode,
    price: slot(array, at + ReportSlot.price),
    quantity: slot(array, at + ReportSlot.quantity),
    lastQuantity: slot(array, at + ReportSlot.lastQuantity),
    lastPrice: slot(array, at + ReportSlot.lastPrice),
    cumQuantity: slot(array, at + ReportSlot.cumQuantity),
    leavesQuantity: slot(array, at + ReportSlot.leavesQuantity),
    tradeId: slot(array, at + ReportSlot.tradeId),
    tsReceiveNs: slot(array, at + ReportSlot.tsReceiveNs),
    tsMatchNs: slot(array, at + ReportSlot.tsMatchNs),
    tsDispatchNs: slot(array, at + ReportSlot.tsDispatchNs),
  };
}

/** The first `count` report records of `array`. */
export function decodeReports(array: RecordArray, count: number): ExecutionReport[] {
  const reports: ExecutionReport[] = [];
  for (let index = 0; index < count; index++) reports.push(decodeReport(array, index));
  return reports;
}

/**
 * Slots of a best bid and offer: price, quantity and order count of the bid, then of the ask; a
 * count of 0 means that side is empty. The layout of the addons' bbo() answers, and of top-of-book
 * records after their symbol slot (TopSlot, the threaded BboSlot).
 */
export const BBO_RECORD_SLOTS = 6;

/** The best bid and offer in BBO_RECORD_SLOTS slots from `at`. */
export function decodeBbo(array: RecordArray, at: number): Bbo {
  return { bid: decodeLevel(array, at), ask: decodeLevel(array, at + 3) };
}

/** Writes `bbo` in decodeBbo's layout (an empty side as three zeros). */
export function encodeBbo(bbo: Bbo, array: RecordArray, at: number): void {
  encodeLevel(bbo.bid, array, at);
  encodeLevel(bbo.ask, array, at + 3);
}

function decodeLevel(array: RecordArray, at: number): Level | null {
  const count = slot(array, at + 2);
  return count === 0 ? null : { price: slot(array, at), quantity: slot(array, at + 1), count };
}

function encodeLevel(level: Level | null, array: RecordArray, at: number): void {
  array[at] = level?.price ?? 0;
  array[at + 1] = level?.quantity ?? 0;
  array[at + 2] = level?.count ?? 0;
}

/**
 * Slots of a resting-order record: the layout of the addons' snapshot answers, in snapshot order
 * (bids best first, then asks best first; time priority within a level). The harness's end-of-run
 * checks read these records directly: decoding a book of 10^5 orders into objects cost more than
 * the checks themselves.
 */
export const RestingSlot = { side: 0, price: 1, orderId: 2, owner: 3, clientOrderId: 4, quantity: 5, leaves: 6 } as const;
export const RESTING_SLOTS = 7;

/** Every record of `records` (RestingSlot layout) as an object. */
export function decodeRestingOrders(records: RecordArray): RestingOrder[] {
  if (records.length % RESTING_SLOTS !== 0) throw new RangeError(`resting records: ${records.length} slots is not a multiple of ${RESTING_SLOTS}`);
  const orders: RestingOrder[] = [];
  for (let at = 0; at < records.length; at += RESTING_SLOTS) {
    orders.push({
      side: slot(records, at + RestingSlot.side) as SideCode,
      price: slot(records, at + RestingSlot.price),
      orderId: slot(records, at + RestingSlot.orderId),
      owner: slot(records, at + RestingSlot.owner),
      clientOrderId: slot(records, at + RestingSlot.clientOrderId),
      quantity: slot(records, at + RestingSlot.quantity),
      leaves: slot(records, at + RestingSlot.leaves),
    });
  }
  return orders;
}

/** `orders` as records in RestingSlot layout. */
export function encodeRestingOrders(orders: readonly RestingOrder[]): Float64Array {
  const records = new Float64Array(orders.length * RESTING_SLOTS);
  orders.forEach((order, index) => {
    const at = index * RESTING_SLOTS;
    records[at + RestingSlot.side] = order.side;
    records[at + RestingSlot.price] = order.price;
    records[at + RestingSlot.orderId] = order.orderId;
    records[at + RestingSlot.owner] = order.owner;
    records[at + RestingSlot.clientOrderId] = order.clientOrderId;
    records[at + RestingSlot.quantity] = order.quantity;
    records[at + RestingSlot.leaves] = order.leaves;
  });
  return records;
}
