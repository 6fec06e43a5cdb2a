/** Plain-data views of the PM's records (state(), audit fields) and the zeroed statistics. */
import type { ExecutionReport } from '../types.js';
import { stateName } from './order-state-machine.js';
import type { PmOrder, SymbolBook } from './symbol-book.js';
import type { OrderView, PmStats, SymbolView } from './types.js';

export function reportFields(report: ExecutionReport): Record<string, unknown> {
  return {
    seq: report.seq,
    kind: report.kind,
    reason: report.reason,
    clientOrderId: report.clientOrderId,
    orderId: report.orderId,
    symbol: report.symbol,
    lastQuantity: report.lastQuantity,
    lastPrice: report.lastPrice,
    cum: report.cumQuantity,
    leaves: report.leavesQuantity,
  };
}

export function symbolView(book: SymbolBook): SymbolView {
  return {
    symbol: book.symbol,
    position: book.position,
    target: book.target,
    working: book.working,
    buyLeaves: book.buyLeaves,
    sellLeaves: book.sellLeaves,
    halted: book.halted,
    liveOrders: [...book.buys, ...book.sells].map(orderView),
  };
}

export function orderView(order: PmOrder): OrderView {
  return {
    clientOrderId: order.clientOrderId,
    orderId: order.orderId,
    symbol: order.symbol,
    side: order.side,
    price: order.price,
    quantity: order.quantity,
    cum: order.cum,
    leaves: order.leaves,
    state: stateName(order.state),
    sentNs: order.sentNs,
  };
}

export function newStats(): PmStats {
  return {
    reports: 0,
    reportsForeign: 0,
    reportsDuplicate: 0,
    reportsUnknown: 0,
    reportsLate: 0,
    ordersSent: 0,
    cancelsSent: 0,
    fills: 0,
    rejects: 0,
    rejectsTransient: 0,
    rejectsInvalid: 0,
    cooldowns: 0,
    illegalTransitions: 0,
    reportsInconsistent: 0,
    targetsQueued: 0,
    targetsCoalesced: 0,
    targetsShed: 0,
    targetsApplied: 0,
    engineRestarts: 0,
    ordersLost: 0,
    ordersAdopted: 0,
    recoveredFillQuantity: 0,
  };
}
