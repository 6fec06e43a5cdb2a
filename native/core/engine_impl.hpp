// The private state of MatchingEngine, shared by the files that implement it:
// matching_engine.cpp (commands and matching), engine_queries.cpp (market data, hash, stats),
// engine_validate.cpp (invariants) and engine_config.cpp (configuration checks).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "matching_engine.hpp"
#include "order_book.hpp"
#include "protocol.hpp"

namespace lob {

// The price band of an instrument: [reference - b, reference + b], b = floor(reference * bps / 1e4).
struct Band {
  Price low;
  Price high;
};

// What checks an order against its instrument: the fields of InstrumentConfig it needs, and the band,
// in one record, so a NEW reads one array.
struct OrderLimits {
  Quantity lot_size;
  Quantity max_order_quantity;
  Price tick_size;
  Band band;
};

// The order being matched: a NEW order (not in the pool: it only takes a slot if it rests) or a
// modified order (its slot, taken out of its queue while it re-matches).
struct Taker {
  OrderId id;
  std::uint64_t client_order_id;
  Owner owner;
  SymbolIndex symbol;
  Side side;
  OrderType type;
  Price price;        // The limit; 0 for MARKET.
  Quantity quantity;  // cum + leaves.
  Quantity cum;
  Quantity leaves;
  std::uint32_t slot;  // kSlotNone for a NEW order.
  bool self_trade_cancelled;
};

// The fill fields of a report; all 0 in a report that is not a fill.
struct FillFields {
  Quantity last_quantity = 0;
  Price last_price = 0;  // The resting order's price.
  std::uint64_t trade_id = 0;
};

struct MatchingEngine::Impl {
  Impl(const EngineConfig& config, std::vector<InstrumentConfig> instruments);

  // Commands (matching_engine.cpp).
  void on_new(const Command& command, std::vector<Report>& out);
  void on_cancel(const Command& command, std::vector<Report>& out);
  void on_modify(const Command& command, std::vector<Report>& out);
  void on_mass_cancel(const Command& command, std::vector<Report>& out);

  // Queries (engine_queries.cpp, engine_validate.cpp).
  std::uint64_t state_hash() const;
  std::string validate() const;
  std::string validate_book(SymbolIndex symbol, std::vector<bool>& queued,
                            std::uint64_t& queued_count) const;
  std::string validate_indexes(const std::vector<bool>& queued, std::uint64_t queued_count) const;

  // Matching steps.
  Reason check_new(const Command& command) const;
  Reason check_modify(const Command& command, const Order& order, const Level& level) const;
  Quantity fok_fillable(const Taker& taker) const;
  void match(Taker& taker, std::vector<Report>& out);
  void match_level(Taker& taker, std::uint32_t level_index, std::vector<Report>& out);
  void fill(Taker& taker, std::uint32_t maker_slot, std::vector<Report>& out);
  void finish(Taker& taker, std::vector<Report>& out);
  void cancel_resting(std::uint32_t slot, Reason reason, std::vector<Report>& out);
  void mass_cancel_book(SymbolIndex symbol, Owner owner, std::vector<Report>& out);
  std::uint32_t lookup(const Command& command) const;

  // Reports.
  void report_taker(std::vector<Report>& out, ExecKind kind, Reason reason, const Taker& taker,
                    const FillFields& fill = {});
  void report_order(std::vector<Report>& out, ExecKind kind, Reason reason, const Order& order,
                    const Level& level, Quantity cum, Quantity leaves, const FillFields& fill = {});
  void report_rejected(std::vector<Report>& out, const Command& command, Reason reason);
  void report_unknown_order(std::vector<Report>& out, const Command& command);

  EngineConfig config;
  std::vector<InstrumentConfig> instruments;
  // instruments.size(), cached: that size() divides by sizeof(InstrumentConfig), once per command.
  std::size_t instrument_count;
  std::vector<OrderLimits> limits;  // [symbol]
  OrderBooks books;
  std::uint64_t seq_last = 0;
  std::uint64_t trade_id_last = 0;
  std::uint64_t order_id_last = 0;
};

}  // namespace lob
