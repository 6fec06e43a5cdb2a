// Float64 record slots (protocol.hpp layouts) <-> core structs, for the threaded engine: command
// records arrive from JS calls and from SharedArrayBuffer rings written by workers, so decoding
// never throws; it reports the first bad field and its allowed range, and the caller decides
// (the addon throws a RangeError naming it, a ring consumer drops and counts the record).
#pragma once

#include <cmath>
#include <cstdint>

#include "protocol.hpp"

namespace lob::threaded {

constexpr double kSafeIntegerMaxDouble = static_cast<double>(kSafeIntegerMax);
constexpr double kUint32MaxDouble = 4294967295.0;

struct FieldError {
  const char* field = nullptr;  // nullptr: the record is valid.
  double min = 0, max = 0, value = 0;
};

inline bool slot_in(double value, double min, double max) {
  return std::isfinite(value) && value == std::trunc(value) && value >= min && value <= max;
}

// Decodes one command record; on failure returns the first bad field (slot order) and leaves `out`
// partly written.
inline FieldError decode_command_slots(const double* record, Command& out) {
  namespace slot = command_slot;
  struct Check {
    const char* field;
    int slot;
    double min, max;
  };
  const double action = record[slot::action];
  const double type_min = action == static_cast<double>(Action::New) ? 1 : 0;
  const Check checks[] = {
      {"action", slot::action, 1, kActionMax},
      {"symbol", slot::symbol, -1, kUint32MaxDouble - 1},
      {"owner", slot::owner, 0, kUint32MaxDouble},
      {"clientOrderId", slot::client_order_id, 0, kSafeIntegerMaxDouble},
      {"orderId", slot::order_id, 0, kSafeIntegerMaxDouble},
      {"side", slot::side, 0, 1},
      {"type", slot::type, type_min, kOrderTypeMax},
      {"price", slot::price, -kSafeIntegerMaxDouble, kSafeIntegerMaxDouble},
      {"quantity", slot::quantity, -kSafeIntegerMaxDouble, kSafeIntegerMaxDouble},
  };
  for (const Check& check : checks) {
    const double value = record[check.slot];
    if (!slot_in(value, check.min, check.max)) return FieldError{check.field, check.min, check.max, value};
  }
  out.action = static_cast<Action>(static_cast<int>(action));
  const auto symbol = static_cast<std::int64_t>(record[slot::symbol]);
  out.symbol = symbol < 0 ? kSymbolAll : static_cast<SymbolIndex>(symbol);
  out.owner = static_cast<Owner>(record[slot::owner]);
  out.client_order_id = static_cast<std::uint64_t>(record[slot::client_order_id]);
  out.order_id = static_cast<OrderId>(record[slot::order_id]);
  out.side = static_cast<Side>(static_cast<int>(record[slot::side]));
  out.type = static_cast<OrderType>(static_cast<int>(record[slot::type]));
  out.price = static_cast<Price>(record[slot::price]);
  out.quantity = static_cast<Quantity>(record[slot::quantity]);
  return FieldError{};
}

inline void encode_command_slots(const Command& command, double* out) {
  namespace slot = command_slot;
  out[slot::action] = static_cast<double>(command.action);
  out[slot::symbol] = command.symbol == kSymbolAll ? -1.0 : static_cast<double>(command.symbol);
  out[slot::owner] = static_cast<double>(command.owner);
  out[slot::client_order_id] = static_cast<double>(command.client_order_id);
  out[slot::order_id] = static_cast<double>(command.order_id);
  out[slot::side] = static_cast<double>(command.side);
  out[slot::type] = static_cast<double>(command.type);
  out[slot::price] = static_cast<double>(command.price);
  out[slot::quantity] = static_cast<double>(command.quantity);
}

inline void encode_report_slots(const Report& report, double* out) {
  namespace slot = report_slot;
  out[slot::seq] = static_cast<double>(report.seq);
  out[slot::kind] = static_cast<double>(report.kind);
  out[slot::reason] = static_cast<double>(report.reason);
  out[slot::order_id] = static_cast<double>(report.order_id);
  out[slot::owner] = static_cast<double>(report.owner);
  out[slot::client_order_id] = static_cast<double>(report.client_order_id);
  out[slot::symbol] = report.symbol == kSymbolAll ? -1.0 : static_cast<double>(report.symbol);
  out[slot::side] = static_cast<double>(report.side);
  out[slot::price] = static_cast<double>(report.price);
  out[slot::quantity] = static_cast<double>(report.quantity);
  out[slot::last_quantity] = static_cast<double>(report.last_quantity);
  out[slot::last_price] = static_cast<double>(report.last_price);
  out[slot::cum_quantity] = static_cast<double>(report.cum_quantity);
  out[slot::leaves_quantity] = static_cast<double>(report.leaves_quantity);
  out[slot::trade_id] = static_cast<double>(report.trade_id);
  out[slot::ts_receive_ns] = static_cast<double>(report.ts_receive_ns);
  out[slot::ts_match_ns] = static_cast<double>(report.ts_match_ns);
  out[slot::ts_dispatch_ns] = static_cast<double>(report.ts_dispatch_ns);
}

// A market-data record: the best bid and offer of one symbol after the last change the dispatcher
// saw (conflated: intermediate states are skipped under load).
namespace bbo_slot {
constexpr int symbol = 0, bid_price = 1, bid_quantity = 2, bid_count = 3, ask_price = 4, ask_quantity = 5,
              ask_count = 6, seq = 7, ts_match_ns = 8;
constexpr int count = 9;
}  // namespace bbo_slot

}  // namespace lob::threaded
