// validate(): an O(resting orders) check of every invariant of docs/engine-semantics.md and of the
// structures behind them. It returns the first violation as text instead of asserting, so tests and
// the addon can report it; the book code asserts the cheap local invariants itself.
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "engine_impl.hpp"
#include "matching_engine.hpp"

namespace lob {

namespace {

std::string where(SymbolIndex symbol, Side side, Price price) {
  return "symbol " + std::to_string(symbol) + (side == Side::Buy ? " bid " : " ask ") +
         std::to_string(price) + ": ";
}

// Walks one level's queue: links, owning level, leaves, and the level's quantity and count.
std::string validate_level(const OrderBooks& books, std::uint32_t level_index,
                           std::vector<bool>& queued, std::uint64_t& queued_count) {
  const Level& level = books.level(level_index);
  const std::string at = where(level.symbol, level.side, level.price);
  std::uint64_t quantity = 0;
  std::uint32_t count = 0;
  std::uint32_t previous = kSlotNone;
  for (std::uint32_t slot = level.head; slot != kSlotNone; slot = books.order(slot).next) {
    if (slot >= books.pool().slots_used()) return at + "queue holds an out-of-range slot";
    if (queued[slot]) return at + "an order is queued twice (or the queue has a cycle)";
    queued[slot] = true;
    const Order& order = books.order(slot);
    if (order.level != level_index) return at + "order " + std::to_string(order.id) + " names another level";
    if (order.prev != previous) return at + "broken prev link at order " + std::to_string(order.id);
    if (order.leaves == 0) return at + "order " + std::to_string(order.id) + " rests with zero leaves";
    if (order.leaves > order.quantity) return at + "order " + std::to_string(order.id) + " leaves above quantity";
    quantity += order.leaves;
    count++;
    queued_count++;
    previous = slot;
  }
  if (level.tail != previous) return at + "tail is not the last order";
  if (count == 0) return at + "empty level in the ladder";
  if (count != level.count) return at + "count " + std::to_string(level.count) + " != queue length " + std::to_string(count);
  if (quantity != level.quantity) return at + "quantity " + std::to_string(level.quantity) + " != sum of leaves " + std::to_string(quantity);
  return "";
}

}  // namespace

std::string MatchingEngine::Impl::validate_book(SymbolIndex symbol, std::vector<bool>& queued,
                                                std::uint64_t& queued_count) const {
  for (const Side side : {Side::Buy, Side::Sell}) {
    const PriceLadder& ladder = books.ladder(symbol, side);
    if (!ladder.sorted()) return where(symbol, side, 0) + "levels not strictly sorted";
    for (std::size_t rank = 0; rank < ladder.size(); rank++) {
      const std::uint32_t level_index = ladder.level_at_rank(rank);
      if (level_index >= books.level_pool().size()) return where(symbol, side, 0) + "level index out of range";
      const Level& level = books.level(level_index);
      const std::string at = where(symbol, side, level.price);
      if (!level.live) return at + "ladder holds a free level";
      if (level.symbol != symbol || level.side != side) return at + "level filed under another book";
      if (level.price != ladder.price_at_rank(rank)) return at + "ladder price differs from the level's";
      std::string error = validate_level(books, level_index, queued, queued_count);
      if (!error.empty()) return error;
    }
  }
  const PriceLadder& bids = books.ladder(symbol, Side::Buy);
  const PriceLadder& asks = books.ladder(symbol, Side::Sell);
  if (!bids.empty() && !asks.empty() && bids.best_price() >= asks.best_price()) {
    return "symbol " + std::to_string(symbol) + ": book crossed (bid " +
           std::to_string(bids.best_price()) + " >= ask " + std::to_string(asks.best_price()) + ")";
  }
  return "";
}

// Bijection between queued orders and both indexes: every queued order is found under its id and
// its (owner, client order id), and every index entry is a queued order (sizes equal, entries
// distinct), which also rules out duplicate ids and duplicate client order ids.
std::string MatchingEngine::Impl::validate_indexes(const std::vector<bool>& queued,
                                                   std::uint64_t queued_count) const {
  if (queued_count != books.resting()) {
    return "pool holds " + std::to_string(books.resting()) + " live orders but " +
           std::to_string(queued_count) + " are queued";
  }
  if (books.id_index().size() != queued_count || books.client_index().size() != queued_count) {
    return "index sizes differ from the number of queued orders";
  }
  for (std::uint32_t slot = 0; slot < queued.size(); slot++) {
    if (!queued[slot]) continue;
    const Order& order = books.order(slot);
    if (books.find_by_id(order.id) != slot) return "order " + std::to_string(order.id) + " not indexed by id";
    if (books.find_by_client(order.owner, order.client_order_id) != slot) {
      return "order " + std::to_string(order.id) + " not indexed by (owner, clientOrderId)";
    }
    if (order.id == 0 || order.id > order_id_last) return "order id " + std::to_string(order.id) + " never issued";
  }
  std::vector<bool> seen(queued.size(), false);
  bool id_entries_valid = true;
  // The indexes erase lazily: for_each visits only the entries a lookup would return, and checks
  // that each chunk's live count equals its number of such entries.
  const bool id_counts_exact = books.id_index().for_each([&](OrderId id, std::uint32_t slot) {
    const bool valid = slot < queued.size() && queued[slot] && !seen[slot] && books.order(slot).id == id;
    id_entries_valid = id_entries_valid && valid;
    if (valid) seen[slot] = true;
  });
  if (!id_entries_valid) return "id index entry not a queued order under its id";
  if (!id_counts_exact) return "id index chunk live count differs from its live entries";
  std::fill(seen.begin(), seen.end(), false);
  bool client_entries_valid = true;
  const bool client_counts_exact = books.client_index().for_each([&](std::uint32_t slot) {
    const bool valid = slot < queued.size() && queued[slot] && !seen[slot];
    client_entries_valid = client_entries_valid && valid;
    if (valid) seen[slot] = true;
  });
  if (!client_entries_valid) return "client index entry not a queued order";
  if (!client_counts_exact) return "client index chunk live count differs from its live entries";
  return "";
}

std::string MatchingEngine::Impl::validate() const {
  std::vector<bool> queued(books.pool().slots_used(), false);
  std::uint64_t queued_count = 0;
  std::uint64_t ladder_levels = 0;
  for (SymbolIndex symbol = 0; symbol < books.symbols(); symbol++) {
    std::string error = validate_book(symbol, queued, queued_count);
    if (!error.empty()) return error;
    ladder_levels += books.ladder(symbol, Side::Buy).size() + books.ladder(symbol, Side::Sell).size();
  }
  if (ladder_levels != books.levels_live()) return "live levels not all in a ladder";
  if (books.resting() > books.orders_max()) return "more resting orders than ordersMax";
  return validate_indexes(queued, queued_count);
}

}  // namespace lob
