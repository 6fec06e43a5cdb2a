// The one command format and one report format shared by the inline engine, the threaded engine,
// the TypeScript reference book and the journal. engine/protocol.ts mirrors every number here; a
// test compares the two files, so change them together.
//
// Across the Node-API boundary a record is a run of float64 slots, each holding an integer no larger
// than 2^53 - 1 (JS numbers are doubles; BigInt would cost an allocation per field). Inside the core
// the same record is the typed struct below with 64-bit integers: no floating point in matching.
#pragma once

#include <cstdint>

namespace lob {

using Price = std::int64_t;     // Price units (e.g. 1e-4 dollars); multiples of the tick size.
using Quantity = std::int64_t;  // Quantity units; multiples of the lot size.
using OrderId = std::uint64_t;  // Engine order id, 1-based; 0 means "none".
using Owner = std::uint32_t;
using SymbolIndex = std::uint32_t;

constexpr std::int64_t kSafeIntegerMax = (std::int64_t{1} << 53) - 1;
// A resting order stores its quantities in 32 bits (see Order in order_pool.hpp).
constexpr Quantity kOrderQuantityMax = 0xFFFFFFFFll;
// Mass cancel over every symbol.
constexpr SymbolIndex kSymbolAll = 0xFFFFFFFFu;

enum class Action : std::uint8_t { New = 1, Cancel = 2, Modify = 3, MassCancel = 4 };
constexpr int kActionMax = 4;

enum class Side : std::uint8_t { Buy = 0, Sell = 1 };

enum class OrderType : std::uint8_t {
  Limit = 1,     // Good till cancelled.
  Ioc = 2,       // Immediate or cancel (fill and kill): the remainder expires.
  Fok = 3,       // Fill or kill: fills entirely at once or leaves no trace in the book.
  Market = 4,    // Immediate or cancel at any price; the price field is ignored.
  PostOnly = 5,  // Rejected if it would take liquidity; otherwise rests like Limit.
};
constexpr int kOrderTypeMax = 5;

enum class ExecKind : std::uint8_t {
  Accepted = 1,
  Rejected = 2,
  PartiallyFilled = 3,
  Filled = 4,
  Cancelled = 5,
  Expired = 6,
  Replaced = 7,
  CancelRejected = 8,
};

enum class Reason : std::uint8_t {
  None = 0,
  UnknownSymbol = 1,
  QuantityInvalid = 2,         // Quantity <= 0.
  QuantityNotLotMultiple = 3,
  QuantityAboveMax = 4,
  PriceInvalid = 5,            // Price <= 0.
  PriceOffTick = 6,
  PriceOutOfBand = 7,
  DuplicateClientOrderId = 8,  // The owner already has a live order with this client order id.
  UnknownOrder = 9,            // Cancel or modify of an order that is not live for this owner.
  PostOnlyWouldCross = 10,
  EngineFull = 11,             // The order pool is at orders_max.
  Busy = 12,                   // Threaded engine: a queue is full.
  CancelRequested = 13,
  MassCancel = 14,
  SelfTrade = 15,
  IocRemainder = 16,           // IOC and market orders: the unfilled remainder.
  FokUnfillable = 17,
};
constexpr int kReasonMax = 17;

enum class StpMode : std::uint8_t { Off = 0, CancelIncoming = 1, CancelResting = 2 };

struct Command {
  Action action;
  Side side;            // New only.
  OrderType type;       // New only.
  SymbolIndex symbol;   // New; MassCancel (kSymbolAll for every symbol).
  Owner owner;
  std::uint64_t client_order_id;
  OrderId order_id;     // Cancel, Modify: the engine id, or 0 to address by (owner, client_order_id).
  Price price;          // New (ignored for Market); Modify: the new price.
  Quantity quantity;    // New; Modify: the new leaves (open) quantity.
};

struct Report {
  std::uint64_t seq;           // Engine-wide, 1-based, no gaps.
  ExecKind kind;
  Reason reason;
  Side side;
  SymbolIndex symbol;
  Owner owner;
  OrderId order_id;
  std::uint64_t client_order_id;
  Price price;                 // The order's limit price (0 for market orders).
  Quantity quantity;           // The order's total quantity: cum + leaves (as sent, if rejected).
  Quantity last_quantity;      // Fills only.
  Price last_price;            // Fills only: the resting order's price.
  Quantity cum_quantity;
  Quantity leaves_quantity;
  std::uint64_t trade_id;      // Fills only; engine-wide, 1-based, no gaps; both sides share it.
  std::uint64_t ts_receive_ns; // Threaded engine only; 0 inline.
  std::uint64_t ts_match_ns;
  std::uint64_t ts_dispatch_ns;
};

// Slot indices of a command record (float64 slots).
namespace command_slot {
constexpr int action = 0, symbol = 1, owner = 2, client_order_id = 3, order_id = 4, side = 5,
              type = 6, price = 7, quantity = 8;
constexpr int count = 9;
}  // namespace command_slot

// Slot indices of a report record (float64 slots).
namespace report_slot {
constexpr int seq = 0, kind = 1, reason = 2, order_id = 3, owner = 4, client_order_id = 5,
              symbol = 6, side = 7, price = 8, quantity = 9, last_quantity = 10, last_price = 11,
              cum_quantity = 12, leaves_quantity = 13, trade_id = 14, ts_receive_ns = 15,
              ts_match_ns = 16, ts_dispatch_ns = 17;
constexpr int count = 18;
}  // namespace report_slot

}  // namespace lob
