// The matching engine: one order book per instrument, price-time priority, every state change
// reported. Semantics: docs/engine-semantics.md (the TypeScript reference book implements the same
// page and is the oracle of the differential tests).
//
// Threading: a MatchingEngine has a single writer. The threaded engine shards instruments across
// several MatchingEngine-owned books, each driven by one thread; nothing here takes a lock.
//
// Allocation: orders and levels live in pools whose address space is reserved for their limits when
// the engine is made and committed as they fill (reserved_array.hpp); the hot path (execute)
// allocates only when an index grows, never per order.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "protocol.hpp"

namespace lob {

struct InstrumentConfig {
  std::string symbol;
  Price tick_size = 1;
  Quantity lot_size = 1;
  Quantity max_order_quantity = 1'000'000;
  Price reference_price = 10'000;
  std::int64_t band_bps = 10'000;
};

constexpr std::size_t kInstrumentsMax = 65'536;
constexpr std::size_t kSymbolLengthMax = 16;
constexpr std::int64_t kBandBpsMax = 1'000'000;
constexpr std::uint32_t kOrdersMaxLimit = 1u << 30;
constexpr std::uint32_t kOrdersMaxDefault = 1u << 22;

// Levels the direct ladders of an engine may reserve together (price_ladder.hpp): 40 MiB of levels
// by default (40 bytes each), taken by the first ladders to rest an order whose band spans at most
// 65,536 ticks; the other ladders, and those of wider bands, keep their levels sorted. The threaded
// engine shares it out among its shards.
constexpr std::uint32_t kDirectLevelsMaxDefault = 1u << 20;
constexpr std::uint32_t kDirectLevelsMaxLimit = 1u << 24;

struct EngineConfig {
  StpMode stp = StpMode::Off;
  std::uint32_t orders_max = kOrdersMaxDefault;
  // 0 keeps every ladder sorted (the tests run both kinds).
  std::uint32_t direct_levels_max = kDirectLevelsMaxDefault;
};

struct LevelView {
  Price price;
  Quantity quantity;
  std::uint32_t count;
};

struct Bbo {
  LevelView bid;  // {0, 0, 0} when the side is empty.
  LevelView ask;
};

struct OrderView {
  Side side;
  Price price;
  OrderId order_id;
  Owner owner;
  std::uint64_t client_order_id;
  Quantity quantity;  // cum + leaves
  Quantity leaves;
};

struct EngineStats {
  std::uint64_t resting_orders;
  std::uint64_t levels;
  std::uint64_t seq;           // Last report sequence number.
  std::uint64_t trades;        // Last trade id.
  std::uint64_t orders;        // Last engine order id.
  std::uint64_t memory_bytes;  // Bytes held by order and level pools, indexes and ladders.
};

// Returns "" when the configuration is valid, otherwise a message naming the field and the allowed
// range, e.g. "instruments[3].lotSize: must be an integer in [1, 4294967295], got 0".
std::string validate_config(const EngineConfig& config, const std::vector<InstrumentConfig>& instruments);

// The address space an engine of this configuration reserves for its order and level pools when
// it is made (reserved_array.hpp): resident memory follows use, but the reservation must fit under
// a virtual-memory limit (ulimit -v).
std::uint64_t reserved_bytes(const EngineConfig& config);

class MatchingEngine {
 public:
  // Precondition: validate_config(config, instruments) == "" (asserted).
  MatchingEngine(const EngineConfig& config, std::vector<InstrumentConfig> instruments);
  ~MatchingEngine();
  MatchingEngine(const MatchingEngine&) = delete;
  MatchingEngine& operator=(const MatchingEngine&) = delete;

  // Applies one command and appends its reports to `out` (never clears it). Enum fields must hold
  // declared values (the addon checks them); every business-rule violation is a report, not a throw.
  void execute(const Command& command, std::vector<Report>& out);

  std::size_t instrument_count() const;
  const InstrumentConfig& instrument(SymbolIndex symbol) const;

  Bbo bbo(SymbolIndex symbol) const;
  // Appends up to `levels_max` levels per side, best first.
  void depth(SymbolIndex symbol, std::size_t levels_max, std::vector<LevelView>& bids,
             std::vector<LevelView>& asks) const;
  // Appends every resting order of `symbol` in canonical order (docs/engine-semantics.md).
  void snapshot(SymbolIndex symbol, std::vector<OrderView>& out) const;
  EngineStats stats() const;

  // FNV-1a 64 over every book in canonical order (symbol, side, level price, then per order: id,
  // owner, client order id, quantity, leaves). Equal books give equal hashes.
  std::uint64_t state_hash() const;

  // O(resting orders). Returns "" when every invariant of docs/engine-semantics.md holds, otherwise
  // a description of the first violation found.
  std::string validate() const;

 private:
  struct Impl;
  Impl* impl_;
  // Tests reach the books through it to corrupt them on purpose and check that validate() sees it;
  // only a test defines it.
  friend struct MatchingEngineTestAccess;
};

}  // namespace lob
