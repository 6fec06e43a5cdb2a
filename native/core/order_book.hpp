// The resting state of every book of an engine and its primitive mutations: the order pool, the
// level pool, one price ladder per (symbol, side) and the two order indexes. Matching rules live
// in matching_engine.cpp; this file only keeps the structures consistent with each other.
//
// Invariants between commands (checked by validate()): an order slot is indexed under both keys iff
// it is live (the indexes erase lazily and validate entries on lookup: see id_table.hpp); a live order is queued in exactly one level (except the one order a MODIFY holds
// detached while it re-matches); a level is in its ladder iff it is live and non-empty; a level's
// quantity and count are the sum of its orders' leaves and its queue length.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "assert.hpp"
#include "client_index.hpp"
#include "id_table.hpp"
#include "level_pool.hpp"
#include "order_index.hpp"
#include "order_pool.hpp"
#include "price_ladder.hpp"
#include "protocol.hpp"

namespace lob {

inline Side opposite(Side side) { return side == Side::Buy ? Side::Sell : Side::Buy; }

// The prices an instrument's orders can rest at: the multiples of `tick` in [low, high] (its band;
// low may be <= 0, and no price <= 0 rests).
struct PriceRange {
  Price tick;
  Price low;
  Price high;
};

class OrderBooks {
 public:
  // One book per symbol, with the prices each can rest at. The first ladders to rest an order whose
  // band has at most TickBitmap::kTicksMax ticks are direct, while their levels fit in
  // `direct_levels_max` together; the others are sorted.
  OrderBooks(const std::vector<PriceRange>& ranges, std::uint32_t orders_max, std::uint32_t direct_levels_max)
      : orders_(orders_max),
        levels_(levels_max(orders_max, direct_levels_max)),
        by_id_(orders_),
        by_client_(orders_, orders_max),
        ranges_(ranges),
        direct_levels_left_(direct_levels_max),
        symbols_(ranges.size()) {
    ladders_.reserve(symbols_ * 2);
    for (const PriceRange& range : ranges) {
      LOB_ASSERT(range.tick >= 1 && range.low <= range.high, "a price range holds a price");
      ladders_.emplace_back(Side::Buy, range.tick);
      ladders_.emplace_back(Side::Sell, range.tick);
    }
  }

  // The most levels the books can hand out, which the level pool reserves. A sorted ladder's level
  // holds an order from acquire() to release() (an emptied level is removed before any other is
  // made), and freed ones are reused first: orders_max of them at most. Direct ones are the budget
  // at most.
  static std::size_t levels_max(std::uint32_t orders_max, std::uint32_t direct_levels_max) {
    return std::size_t{orders_max} + direct_levels_max;
  }

  // The indexes hold a reference to the pool: the object must not move.
  OrderBooks(const OrderBooks&) = delete;
  OrderBooks& operator=(const OrderBooks&) = delete;

  std::size_t symbols() const { return symbols_; }
  PriceLadder& ladder(SymbolIndex symbol, Side side) {
    LOB_ASSERT_BOUNDS(symbol < symbols(), "symbol out of range");
    return ladders_[std::size_t{symbol} * 2 + static_cast<std::size_t>(side)];
  }
  const PriceLadder& ladder(SymbolIndex symbol, Side side) const {
    LOB_ASSERT_BOUNDS(symbol < symbols(), "symbol out of range");
    return ladders_[std::size_t{symbol} * 2 + static_cast<std::size_t>(side)];
  }
  Order& order(std::uint32_t slot) { return orders_.at(slot); }
  const Order& order(std::uint32_t slot) const { return orders_.at(slot); }
  Level& level(std::uint32_t index) { return levels_.at(index); }
  const Level& level(std::uint32_t index) const { return levels_.at(index); }

  std::uint32_t find_by_id(OrderId id) const { return by_id_.find(id); }
  std::uint32_t find_by_client(Owner owner, std::uint64_t client_order_id) const {
    return by_client_.find(owner, client_order_id);
  }

  // Live orders, queued or held by a modify. ENGINE_FULL compares this with orders_max.
  std::uint32_t resting() const { return orders_.live(); }
  std::uint32_t orders_max() const { return orders_.orders_max(); }
  std::uint32_t levels_live() const { return levels_.live(); }

  // A new live order, indexed under both keys but not queued yet.
  std::uint32_t add_order(OrderId id, std::uint64_t client_order_id, Owner owner) {
    LOB_ASSERT(id != 0, "engine order ids start at 1");
    const std::uint32_t slot = orders_.acquire();
    Order& order = orders_.at(slot);
    order = Order{id, client_order_id, owner, 0, 0, kSlotNone, kSlotNone, kSlotNone};
    by_id_.insert(id, slot);
    by_client_.insert(slot, owner, client_order_id);
    LOB_ASSERT(by_id_.size() == orders_.live(), "id index out of step with the pool");
    LOB_ASSERT(by_client_.size() == orders_.live(), "client index out of step with the pool");
    return slot;
  }

  // Ends the life of an unqueued order: out of both indexes and back to the pool.
  void forget(std::uint32_t slot) {
    const Order& order = orders_.at(slot);
    LOB_ASSERT(order.level == kSlotNone, "forget of a queued order");
    // Copied before the id table's stores, which the compiler cannot tell from stores to the order.
    const Owner owner = order.owner;
    const std::uint64_t client_order_id = order.client_order_id;
    by_id_.erase(order.id, slot);
    by_client_.erase(slot, owner, client_order_id);
    orders_.release(slot);  // Zeroes the order's id: the lazily erased entries go stale here.
    LOB_ASSERT(by_id_.size() == orders_.live(), "id index out of step with the pool");
    LOB_ASSERT(by_client_.size() == orders_.live(), "client index out of step with the pool");
  }

  // Starts loading the queue neighbours that unlink(slot) will update.
  void prefetch_unlink(std::uint32_t slot) const {
    const Order& order = orders_.at(slot);
    if (order.prev != kSlotNone) __builtin_prefetch(&orders_.at(order.prev), 1);
    if (order.next != kSlotNone) __builtin_prefetch(&orders_.at(order.next), 1);
  }

  // Queues an unqueued order with leaves > 0 at the back of the level at `price`, creating it.
  void append(std::uint32_t slot, SymbolIndex symbol, Side side, Price price) {
    const std::uint32_t level_index = level_for(symbol, side, price);
    Level& level = levels_.at(level_index);
    Order& order = orders_.at(slot);
    LOB_ASSERT(order.level == kSlotNone, "append of a queued order");
    LOB_ASSERT(order.leaves > 0 && order.leaves <= order.quantity, "append with bad leaves");
    order.level = level_index;
    order.next = kSlotNone;
    order.prev = level.tail;
    if (level.tail == kSlotNone) {
      level.head = slot;
    } else {
      orders_.at(level.tail).next = slot;
    }
    level.tail = slot;
    level.count++;
    level.quantity += order.leaves;
    LOB_ASSERT(level.head != kSlotNone && level.count > 0, "appended level is empty");
  }

  // Takes a queued order out of its queue; its level may be left empty (see
  // remove_level_if_empty). Returns the level index.
  std::uint32_t unlink(std::uint32_t slot) {
    Order& order = orders_.at(slot);
    const std::uint32_t level_index = order.level;
    Level& level = levels_.at(level_index);
    LOB_ASSERT(level.live && level.count > 0, "unlink from an empty level");
    LOB_ASSERT(level.quantity >= order.leaves, "level quantity below an order's leaves");
    if (order.prev == kSlotNone) {
      LOB_ASSERT(level.head == slot, "queue head mismatch");
      level.head = order.next;
    } else {
      orders_.at(order.prev).next = order.next;
    }
    if (order.next == kSlotNone) {
      LOB_ASSERT(level.tail == slot, "queue tail mismatch");
      level.tail = order.prev;
    } else {
      orders_.at(order.next).prev = order.prev;
    }
    level.count--;
    level.quantity -= order.leaves;
    order.level = kSlotNone;
    LOB_ASSERT((level.count == 0) == (level.head == kSlotNone), "queue count mismatch");
    return level_index;
  }

  // Removes an emptied level from its ladder; O(1) at the touch, where matching empties levels.
  void remove_level_if_empty(std::uint32_t level_index) {
    const Level& level = levels_.at(level_index);
    if (level.count != 0) return;
    LOB_ASSERT(level.quantity == 0 && level.head == kSlotNone, "empty level with content");
    PriceLadder& side = ladder(level.symbol, level.side);
    if (side.direct()) {
      side.unmark(level_index);
    } else if (side.best_level() == level_index) {
      side.pop_best();
    } else {
      side.erase(level.price, level_index);
    }
    levels_.release(level_index);
  }

  // Removes every emptied level of one ladder in one pass (after a mass cancel).
  void remove_empty_levels(SymbolIndex symbol, Side side) {
    ladder(symbol, side).remove_levels_if(
        [this](std::uint32_t index) { return levels_.at(index).count == 0; },
        [this](std::uint32_t index) { levels_.release(index); });
  }

  std::size_t memory_bytes() const {
    std::size_t bytes = orders_.memory_bytes() + levels_.memory_bytes() + by_id_.memory_bytes() +
                        by_client_.memory_bytes() + ladders_.capacity() * sizeof(PriceLadder);
    for (const PriceLadder& side : ladders_) bytes += side.memory_bytes();
    return bytes;
  }

  const OrderPool& pool() const { return orders_; }
  const LevelPool& level_pool() const { return levels_; }
  const IdTable& id_index() const { return by_id_; }
  const ClientIndex& client_index() const { return by_client_; }

 private:
  std::uint32_t level_for(SymbolIndex symbol, Side side, Price price) {
    PriceLadder& prices = ladder(symbol, side);
    if (prices.undecided()) make_direct_if_budget(symbol, side, prices);
    if (prices.direct()) {
      const std::uint32_t index = prices.direct_level(price);
      if (!levels_.at(index).live) {
        levels_.activate(index);
        prices.mark(index);
      }
      return index;
    }
    const PriceLadder::Position position = prices.find(price);
    if (position.found) return prices.level_at(position);
    const std::uint32_t index = levels_.acquire(symbol, side, price);
    prices.insert(position, price, index);
    return index;
  }

  // A ladder's first level: a direct range over its band if the band is narrow enough and the budget
  // has room; otherwise the ladder stays undecided and insert() makes it sorted. Out of line: it runs
  // once per ladder, and inlined into the handlers (flatten) it cost the common paths registers.
  [[gnu::noinline]] void make_direct_if_budget(SymbolIndex symbol, Side side, PriceLadder& prices) {
    const PriceRange& range = ranges_[symbol];
    const Price first = std::max<Price>(range.low, 1);
    const Price low = first % range.tick == 0 ? first : first + (range.tick - first % range.tick);
    if (low > range.high) return;
    const std::uint64_t ticks = static_cast<std::uint64_t>((range.high - low) / range.tick) + 1;
    if (ticks > TickBitmap::kTicksMax || ticks > direct_levels_left_) return;
    direct_levels_left_ -= ticks;
    const std::uint32_t base = levels_.reserve_direct(symbol, side, low, range.tick, static_cast<std::uint32_t>(ticks));
    prices.make_direct(base, low, static_cast<std::uint32_t>(ticks));
  }

  OrderPool orders_;
  LevelPool levels_;
  IdTable by_id_;
  ClientIndex by_client_;
  std::vector<PriceRange> ranges_;     // [symbol]
  std::uint64_t direct_levels_left_;
  std::vector<PriceLadder> ladders_;  // [symbol * 2 + side]
  // ladders_.size() / 2, cached: that size() divides by sizeof(PriceLadder) on every ladder access.
  std::size_t symbols_;
};

}  // namespace lob
