// validate(): an O(resting orders) check of every invariant of docs/engine-semantics.md and of the
// structures behind them. It returns the first violation as text instead of asserting, so tests and
// the addon can report it; the book code asserts the cheap local invariants itself.
#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "engine_impl.hpp"
#include "matching_engine.hpp"

namespace lob {

namespace {

// validate() runs over a whole book (10^5..10^6 orders) while the harness waits, and every order it
// checks is a likely cache miss. It keeps several misses in flight instead of one at a time: queue
// walks are interleaved, index lookups are prefetched.
constexpr std::size_t kQueueWalkLanes = 8;
constexpr std::uint32_t kLookupPrefetchAhead = 8;

// validate_indexes reads orders in slot order (sequential) but their index entries at random: it
// starts loading the entry of the order kLookupPrefetchAhead slots on, if that one is queued, in
// the id index (the first walk) or the client index (the second).
enum class IndexWalk { Id, Client };

void prefetch_entry_ahead(const OrderBooks& books, const std::vector<bool>& queued, std::uint32_t slot, IndexWalk walk) {
  const std::uint32_t ahead = slot + kLookupPrefetchAhead;
  if (ahead >= queued.size() || !queued[ahead]) return;
  const Order& later = books.order(ahead);
  if (walk == IndexWalk::Id) {
    __builtin_prefetch(books.id_index().entry_address(later.id));
  } else {
    __builtin_prefetch(books.client_index().entry_address(later.owner, later.client_order_id));
  }
}

std::string where(SymbolIndex symbol, Side side, Price price) {
  return "symbol " + std::to_string(symbol) + (side == Side::Buy ? " bid " : " ask ") +
         std::to_string(price) + ": ";
}

// The walk of one level's queue: links, owning level, leaves, and the level's quantity and count.
struct QueueWalk {
  std::uint32_t level_index = kSlotNone;
  std::uint32_t slot = kSlotNone;  // The next order to visit; kSlotNone once past the tail.
  std::uint32_t previous = kSlotNone;
  std::uint32_t count = 0;
  std::uint64_t quantity = 0;

  static QueueWalk of(const OrderBooks& books, std::uint32_t level_index) {
    return QueueWalk{level_index, books.level(level_index).head, kSlotNone, 0, 0};
  }

  std::string at(const OrderBooks& books) const {
    const Level& level = books.level(level_index);
    return where(level.symbol, level.side, level.price);
  }

  // Visits the order at `slot` and moves to the next, starting its load. False, with `error` set,
  // on a violation (the text is built only then: this runs once per resting order).
  bool step(const OrderBooks& books, std::vector<bool>& queued, std::uint64_t& queued_count, std::string& error) {
    if (slot >= books.pool().slots_used()) return fail(books, error, "queue holds an out-of-range slot");
    if (queued[slot]) return fail(books, error, "an order is queued twice (or the queue has a cycle)");
    queued[slot] = true;
    const Order& order = books.order(slot);
    if (order.level != level_index) return fail(books, error, "names another level", order.id);
    if (order.prev != previous) return fail(books, error, "has a broken prev link", order.id);
    if (order.leaves == 0) return fail(books, error, "rests with zero leaves", order.id);
    if (order.leaves > order.quantity) return fail(books, error, "has leaves above quantity", order.id);
    quantity += order.leaves;
    count++;
    queued_count++;
    previous = slot;
    slot = order.next;
    books.pool().prefetch(slot);
    return true;
  }

  bool fail(const OrderBooks& books, std::string& error, const char* what, OrderId id = 0) const {
    error = at(books) + (id == 0 ? std::string{} : "order " + std::to_string(id) + " ") + what;
    return false;
  }

  // After the last order: the level's tail, count and quantity agree with its queue. False, with
  // `error` set, on a violation.
  bool finish(const OrderBooks& books, std::string& error) const {
    const Level& level = books.level(level_index);
    if (level.tail != previous) return fail(books, error, "tail is not the last order");
    if (count == 0) return fail(books, error, "empty level in the ladder");
    if (count != level.count) {
      error = at(books) + "count " + std::to_string(level.count) + " != queue length " + std::to_string(count);
      return false;
    }
    if (quantity != level.quantity) {
      error = at(books) + "quantity " + std::to_string(level.quantity) + " != sum of leaves " + std::to_string(quantity);
      return false;
    }
    return true;
  }
};

// Walks the queues of `levels`, kQueueWalkLanes at a time, one order of each lane in turn.
std::string validate_queues(const OrderBooks& books, const std::vector<std::uint32_t>& levels,
                            std::vector<bool>& queued, std::uint64_t& queued_count) {
  std::array<QueueWalk, kQueueWalkLanes> lanes;
  std::size_t lanes_used = 0;
  std::size_t started = 0;
  std::string error;
  while (lanes_used < lanes.size() && started < levels.size()) lanes[lanes_used++] = QueueWalk::of(books, levels[started++]);
  while (lanes_used > 0) {
    for (std::size_t lane = 0; lane < lanes_used;) {
      QueueWalk& walk = lanes[lane];
      if (walk.slot != kSlotNone) {
        if (!walk.step(books, queued, queued_count, error)) return error;
        lane++;
        continue;
      }
      if (!walk.finish(books, error)) return error;
      // The lane takes the next level, or the last lane moves here; either way it is looked at again.
      if (started < levels.size()) walk = QueueWalk::of(books, levels[started++]);
      else walk = lanes[--lanes_used];
    }
  }
  return "";
}

}  // namespace

std::string MatchingEngine::Impl::validate_book(SymbolIndex symbol, std::vector<bool>& queued,
                                                std::uint64_t& queued_count) const {
  std::vector<std::uint32_t> levels;
  for (const Side side : {Side::Buy, Side::Sell}) {
    const PriceLadder& ladder = books.ladder(symbol, side);
    if (!ladder.sorted()) return where(symbol, side, 0) + "levels not strictly sorted";
    levels.clear();
    std::string error;
    ladder.for_each_entry([&](std::uint32_t level_index, Price price) {
      if (level_index >= books.level_pool().size()) {
        error = where(symbol, side, 0) + "level index out of range";
        return false;
      }
      const Level& level = books.level(level_index);
      if (!level.live) error = where(symbol, side, level.price) + "ladder holds a free level";
      else if (level.symbol != symbol || level.side != side) error = where(symbol, side, level.price) + "level filed under another book";
      else if (level.price != price) error = where(symbol, side, level.price) + "ladder price differs from the level's";
      else if (level.direct != ladder.direct()) error = where(symbol, side, level.price) + "a direct level in a sorted ladder, or the reverse";
      levels.push_back(level_index);
      return error.empty();
    });
    if (!error.empty()) return error;
    if (levels.size() != ladder.size()) return where(symbol, side, 0) + "ladder size differs from its levels";
    if (ladder.direct()) {
      // Its idle levels are no ladder's: none may be live. O(band ticks), within the direct budget.
      std::size_t live = 0;
      for (std::uint32_t tick = 0; tick < ladder.direct_ticks(); tick++) live += books.level(ladder.direct_base() + tick).live;
      if (live != ladder.size()) return where(symbol, side, 0) + "a live direct level outside its ladder";
    }
    error = validate_queues(books, levels, queued, queued_count);
    if (!error.empty()) return error;
  }
  const PriceLadder& bids = books.ladder(symbol, Side::Buy);
  const PriceLadder& asks = books.ladder(symbol, Side::Sell);
  if (!bids.empty() && !asks.empty() && bids.best_price() >= asks.best_price()) {
    return "symbol " + std::to_string(symbol) + ": book crossed (bid " +
           std::to_string(bids.best_price()) + " >= ask " + std::to_string(asks.best_price()) + ")";
  }
  return "";
}

// Bijection between queued orders and both indexes. Every queued order must be found under its
// id and under its (owner, client order id); each index's size must equal the number of queued
// orders.
//
// The id table erases lazily, so it holds an entry for every id issued in a chunk still allocated,
// live or stale; walking them costs one order read per issued id. It is enough to count queued
// orders per chunk and compare with each chunk's live count (what frees chunks): an entry that
// find() returns names a slot whose order holds that id; such a slot is live (a released slot's id
// is 0, checked below for every slot not queued), every live slot is queued (the pool's live count
// equals the queued count, checked first), and the queued order's own entry is the one at its id.
// So no entry can name anything else.
//
// The client index is checked the same way, per window chunk, plus its hashed fallback's entries,
// in one walk that also looks every order up as find() would (ClientIndex::holds_exactly).
std::string MatchingEngine::Impl::validate_indexes(const std::vector<bool>& queued,
                                                   std::uint64_t queued_count) const {
  if (queued_count != books.resting()) {
    return "pool holds " + std::to_string(books.resting()) + " live orders but " +
           std::to_string(queued_count) + " are queued";
  }
  if (books.id_index().size() != queued_count || books.client_index().size() != queued_count) {
    return "index sizes differ from the number of queued orders";
  }
  std::vector<std::uint32_t> orders_per_id_chunk((order_id_last >> IdTable::kChunkIdsShift) + 1, 0);
  const std::uint32_t slots = static_cast<std::uint32_t>(queued.size());
  for (std::uint32_t slot = 0; slot < slots; slot++) {
    prefetch_entry_ahead(books, queued, slot, IndexWalk::Id);
    const Order& order = books.order(slot);
    if (!queued[slot]) {
      // Between commands every live order is queued, so any other slot is free, and a free slot's
      // id is 0: the argument above rests on it (a stale id would make stale entries hold again).
      if (order.id != 0) return "slot " + std::to_string(slot) + " is neither queued nor free (order id " + std::to_string(order.id) + ")";
      continue;
    }
    if (order.id == 0 || order.id > order_id_last) return "order id " + std::to_string(order.id) + " never issued";
    if (books.find_by_id(order.id) != slot) return "order " + std::to_string(order.id) + " not indexed by id";
    orders_per_id_chunk[order.id >> IdTable::kChunkIdsShift]++;
  }
  bool id_counts_exact = true;
  books.id_index().for_each_chunk([&](std::uint64_t chunk_number, std::uint32_t live) {
    const bool exact = chunk_number < orders_per_id_chunk.size() && orders_per_id_chunk[chunk_number] == live;
    id_counts_exact = id_counts_exact && exact;
  });
  if (!id_counts_exact) return "id index chunk live count differs from its queued orders";
  const bool client_exact = books.client_index().holds_exactly(
      [&](auto visit) {
        for (std::uint32_t slot = 0; slot < slots; slot++) {
          prefetch_entry_ahead(books, queued, slot, IndexWalk::Client);
          if (queued[slot]) visit(slot);
        }
      },
      queued_count, queued);
  if (client_exact) return "";
  // Only on failure: name the first order find() misses, if the fault is one (the audit only says no).
  for (std::uint32_t slot = 0; slot < slots; slot++) {
    const Order& order = books.order(slot);
    if (queued[slot] && books.find_by_client(order.owner, order.client_order_id) != slot) {
      return "order " + std::to_string(order.id) + " not indexed by (owner, clientOrderId)";
    }
  }
  return "client index does not hold exactly the queued orders (a chunk's key count or bits, or a fallback entry)";
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
