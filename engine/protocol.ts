/**
 * The command and report record formats, mirrored from native/core/protocol.hpp (a test compares
 * the two files). A record is a run of float64 slots, each an integer no larger than 2^53 - 1.
 * Semantics of every code: docs/engine-semantics.md.
 */

export const Action = { NEW: 1, CANCEL: 2, MODIFY: 3, MASS_CANCEL: 4 } as const;
export type ActionCode = (typeof Action)[keyof typeof Action];

export const Side = { BUY: 0, SELL: 1 } as const;
export type SideCode = (typeof Side)[keyof typeof Side];

export const OrderType = { LIMIT: 1, IOC: 2, FOK: 3, MARKET: 4, POST_ONLY: 5 } as const;
export type OrderTypeCode = (typeof OrderType)[keyof typeof OrderType];

export const ExecKind = {
  ACCEPTED: 1,
  REJECTED: 2,
  PARTIALLY_FILLED: 3,
  FILLED: 4,
  CANCELLED: 5,
  EXPIRED: 6,
  REPLACED: 7,
  CANCEL_REJECTED: 8,
} as const;
export type ExecKindCode = (typeof ExecKind)[keyof typeof ExecKind];

export const Reason = {
  NONE: 0,
  UNKNOWN_SYMBOL: 1,
  QTY_INVALID: 2,
  QTY_NOT_LOT_MULTIPLE: 3,
  QTY_ABOVE_MAX: 4,
  PRICE_INVALID: 5,
  PRICE_OFF_TICK: 6,
  PRICE_OUT_OF_BAND: 7,
  DUPLICATE_CLIENT_ORDER_ID: 8,
  UNKNOWN_ORDER: 9,
  POST_ONLY_WOULD_CROSS: 10,
  ENGINE_FULL: 11,
  BUSY: 12,
  CANCEL_REQUESTED: 13,
  MASS_CANCEL: 14,
  SELF_TRADE: 15,
  IOC_REMAINDER: 16,
  FOK_UNFILLABLE: 17,
} as const;
export type ReasonCode = (typeof Reason)[keyof typeof Reason];

export const StpMode = { OFF: 0, CANCEL_INCOMING: 1, CANCEL_RESTING: 2 } as const;
export type StpModeCode = (typeof StpMode)[keyof typeof StpMode];

/** Mass cancel over every symbol. */
export const SYMBOL_ALL = -1;
/** A resting order stores its quantities in 32 bits. */
export const ORDER_QUANTITY_MAX = 0xffffffff;

/** Float64 slot indices of a command record. */
export const CommandSlot = {
  action: 0,
  symbol: 1,
  owner: 2,
  clientOrderId: 3,
  orderId: 4,
  side: 5,
  type: 6,
  price: 7,
  quantity: 8,
} as const;
export const COMMAND_SLOTS = 9;

/** Float64 slot indices of a report record. */
export const ReportSlot = {
  seq: 0,
  kind: 1,
  reason: 2,
  orderId: 3,
  owner: 4,
  clientOrderId: 5,
  symbol: 6,
  side: 7,
  price: 8,
  quantity: 9,
  lastQuantity: 10,
  lastPrice: 11,
  cumQuantity: 12,
  leavesQuantity: 13,
  tradeId: 14,
  tsReceiveNs: 15,
  tsMatchNs: 16,
  tsDispatchNs: 17,
} as const;
export const REPORT_SLOTS = 18;

export const reasonName = (code: number): string =>
  (Object.keys(Reason) as (keyof typeof Reason)[]).find((k) => Reason[k] === code) ?? `REASON_${code}`;

export const execKindName = (code: number): string =>
  (Object.keys(ExecKind) as (keyof typeof ExecKind)[]).find((k) => ExecKind[k] === code) ?? `KIND_${code}`;
