// Read-only views of the books: BBO, depth, snapshot, stats and the state hash. None of them is on
// the matching path; all walk the books in the canonical order of docs/engine-semantics.md.
#include <cstdint>
#include <vector>

#include "assert.hpp"
#include "engine_impl.hpp"
#include "hash.hpp"
#include "matching_engine.hpp"

namespace lob {

namespace {

LevelView view_of(const Level& level) {
  return LevelView{level.price, static_cast<Quantity>(level.quantity), level.count};
}

LevelView best_of(const OrderBooks& books, SymbolIndex symbol, Side side) {
  const PriceLadder& ladder = books.ladder(symbol, side);
  if (ladder.empty()) return LevelView{0, 0, 0};
  return view_of(books.level(ladder.best_level()));
}

}  // namespace

// state_hash() definition, for the TypeScript twin: FNV-1a 64 (offset basis 14695981039346656037,
// prime 1099511628211) over 8-byte little-endian unsigned values. For each symbol by ascending
// index, bids then asks, each level best to worst contributes (symbol, side 0|1, price), then each
// of its orders in queue order (orderId, owner, clientOrderId, quantity, leaves). Empty books add
// nothing, so an engine with no resting order hashes to the offset basis.
std::uint64_t MatchingEngine::Impl::state_hash() const {
  Fnv1a64 hash;
  for (SymbolIndex symbol = 0; symbol < books.symbols(); symbol++) {
    for (const Side side : {Side::Buy, Side::Sell}) {
      books.ladder(symbol, side).for_each_level([&](std::uint32_t level_index) {
        const Level& level = books.level(level_index);
        hash.add_u64(symbol);
        hash.add_u64(static_cast<std::uint64_t>(side));
        hash.add_u64(static_cast<std::uint64_t>(level.price));
        for (std::uint32_t slot = level.head; slot != kSlotNone; slot = books.order(slot).next) {
          const Order& order = books.order(slot);
          hash.add_u64(order.id);
          hash.add_u64(order.owner);
          hash.add_u64(order.client_order_id);
          hash.add_u64(order.quantity);
          hash.add_u64(order.leaves);
        }
        return true;
      });
    }
  }
  return hash.value();
}

std::size_t MatchingEngine::instrument_count() const { return impl_->instruments.size(); }

const InstrumentConfig& MatchingEngine::instrument(SymbolIndex symbol) const {
  LOB_ASSERT(symbol < impl_->instruments.size(), "instrument index out of range");
  return impl_->instruments[symbol];
}

Bbo MatchingEngine::bbo(SymbolIndex symbol) const {
  LOB_ASSERT(symbol < impl_->instrument_count, "bbo of an unknown symbol");
  return Bbo{best_of(impl_->books, symbol, Side::Buy), best_of(impl_->books, symbol, Side::Sell)};
}

void MatchingEngine::depth(SymbolIndex symbol, std::size_t levels_max, std::vector<LevelView>& bids,
                           std::vector<LevelView>& asks) const {
  LOB_ASSERT(symbol < impl_->instrument_count, "depth of an unknown symbol");
  for (const Side side : {Side::Buy, Side::Sell}) {
    std::vector<LevelView>& out = side == Side::Buy ? bids : asks;
    std::size_t taken = 0;
    impl_->books.ladder(symbol, side).for_each_level([&](std::uint32_t level_index) {
      if (taken == levels_max) return false;
      out.push_back(view_of(impl_->books.level(level_index)));
      taken++;
      return true;
    });
  }
}

void MatchingEngine::snapshot(SymbolIndex symbol, std::vector<OrderView>& out) const {
  LOB_ASSERT(symbol < impl_->instrument_count, "snapshot of an unknown symbol");
  const OrderBooks& books = impl_->books;
  for (const Side side : {Side::Buy, Side::Sell}) {
    books.ladder(symbol, side).for_each_level([&](std::uint32_t level_index) {
      const Level& level = books.level(level_index);
      for (std::uint32_t slot = level.head; slot != kSlotNone; slot = books.order(slot).next) {
        const Order& order = books.order(slot);
        out.push_back(OrderView{side, level.price, order.id, order.owner, order.client_order_id,
                                order.quantity, order.leaves});
      }
      return true;
    });
  }
}

EngineStats MatchingEngine::stats() const {
  const Impl& impl = *impl_;
  const std::uint64_t memory = impl.books.memory_bytes();
  return EngineStats{impl.books.resting(), impl.books.levels_live(), impl.seq_last,
                     impl.trade_id_last,   impl.order_id_last,      memory};
}

std::uint64_t MatchingEngine::state_hash() const { return impl_->state_hash(); }

std::string MatchingEngine::validate() const { return impl_->validate(); }

}  // namespace lob
