/**
 * Types shared by the native engine facade and the reference book: configuration, commands as
 * objects (the per-command API), reports as objects, market data. The batched API uses the record
 * layouts of protocol.ts instead.
 */
import type { ActionCode, ExecKindCode, OrderTypeCode, ReasonCode, SideCode } from './protocol.js';

export interface InstrumentConfig {
  symbol: string;
  /** Price units per tick (integer >= 1). */
  tickSize: number;
  /** Quantity units per lot (integer >= 1). */
  lotSize: number;
  /** Largest order quantity, a multiple of lotSize, at most 4,294,967,295. */
  maxOrderQuantity: number;
  /** Centre of the price band, price units. */
  referencePrice: number;
  /** Half-width of the price band in basis points of referencePrice (1 .. 1,000,000). */
  bandBps: number;
}

export type StpModeName = 'off' | 'cancel-incoming' | 'cancel-resting';

export interface EngineOptions {
  instruments: InstrumentConfig[];
  /** Self-trade prevention by owner. Default 'off'. */
  stp?: StpModeName;
  /** Resting-order capacity. Default 4,194,304. */
  ordersMax?: number;
  /**
   * Native engines: price levels reserved for direct ladders, over all instruments (40 bytes
   * each). Default 1,048,576; 0 makes every ladder sorted. Speed and memory only, never results.
   */
  directLevelsMax?: number;
}

export interface NewOrder {
  symbol: number;
  owner: number;
  clientOrderId: number;
  side: SideCode;
  type: OrderTypeCode;
  /** Price units; ignored for MARKET. */
  price: number;
  quantity: number;
}

/** Addresses a live order by engine id (orderId > 0) or by (owner, clientOrderId). */
export interface OrderRef {
  owner: number;
  orderId?: number;
  clientOrderId?: number;
}

export interface Modify extends OrderRef {
  price: number;
  /** The new leaves (open) quantity. */
  quantity: number;
}

/** A command record as an object: every field of protocol.ts CommandSlot. */
export interface Command {
  action: ActionCode;
  symbol: number;
  owner: number;
  clientOrderId: number;
  orderId: number;
  side: SideCode;
  type: OrderTypeCode;
  price: number;
  quantity: number;
}

export interface ExecutionReport {
  seq: number;
  kind: ExecKindCode;
  reason: ReasonCode;
  orderId: number;
  owner: number;
  clientOrderId: number;
  symbol: number;
  side: SideCode;
  price: number;
  quantity: number;
  lastQuantity: number;
  lastPrice: number;
  cumQuantity: number;
  leavesQuantity: number;
  tradeId: number;
  tsReceiveNs: number;
  tsMatchNs: number;
  tsDispatchNs: number;
}

export interface Level {
  price: number;
  quantity: number;
  count: number;
}

export interface Bbo {
  bid: Level | null;
  ask: Level | null;
}

export interface Depth {
  bids: Level[];
  asks: Level[];
}

export interface RestingOrder {
  side: SideCode;
  price: number;
  orderId: number;
  owner: number;
  clientOrderId: number;
  quantity: number;
  leaves: number;
}

/**
 * What both the native engine and the reference book offer. Commands return their reports as
 * objects; the native engine also has a batched record API (engine.ts).
 */
export interface OrderBookEngine {
  readonly instrumentCount: number;
  symbolIndex(symbol: string): number;
  /** Applies any command; the other command methods are shorthands for it. */
  execute(command: Command): ExecutionReport[];
  submit(order: NewOrder): ExecutionReport[];
  cancel(ref: OrderRef): ExecutionReport[];
  modify(change: Modify): ExecutionReport[];
  massCancel(owner: number, symbol?: number): ExecutionReport[];
  bbo(symbol: number): Bbo;
  depth(symbol: number, levels: number): Depth;
  snapshot(symbol: number): RestingOrder[];
  /** Throws an Error describing the first broken invariant. */
  validate(): void;
}
