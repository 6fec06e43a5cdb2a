// Resting orders live in a pool addressed by u32 slot indices, one array reserved for orders_max
// orders (reserved_array.hpp): orders never move, so a slot (and an Order&) stays valid for the
// order's whole life, and a slot's order is at base + slot. Freed slots form an intrusive LIFO free
// list through `next`, so the most recently freed (cache-warm) slot is reused first and no
// allocation happens per order.
//
// An Order is 40 bytes: its side, symbol and price are those of its level, and only LIMIT and
// POST_ONLY orders rest, so the type is not stored either.
#pragma once

#include <cstddef>
#include <cstdint>

#include "assert.hpp"
#include "protocol.hpp"
#include "reserved_array.hpp"

namespace lob {

constexpr std::uint32_t kSlotNone = 0xFFFFFFFFu;

struct Order {
  OrderId id;
  std::uint64_t client_order_id;
  Owner owner;
  std::uint32_t leaves;    // Open quantity; > 0 while resting.
  std::uint32_t quantity;  // cum + leaves; cum is derived.
  std::uint32_t prev;      // Queue neighbours (slots) within the level; kSlotNone at the ends.
  std::uint32_t next;      // Also the free-list link of a free slot.
  std::uint32_t level;     // Level index; kSlotNone while not queued (free or being modified).
};
static_assert(sizeof(Order) == 40, "an Order must stay 40 bytes (memory budget per resting order)");

class OrderPool {
 public:
  // Every slot a live order can need: the free list is used first, so slots_used() never passes
  // the most orders live at once.
  explicit OrderPool(std::uint32_t orders_max) : orders_(orders_max) {
    LOB_ASSERT(orders_max > 0, "orders_max must be positive");
  }

  Order& at(std::uint32_t slot) { return orders_[slot]; }
  const Order& at(std::uint32_t slot) const { return orders_[slot]; }

  // Precondition: live() < orders_max (the engine rejects ENGINE_FULL before it gets here).
  std::uint32_t acquire() {
    LOB_ASSERT(live_ < orders_max(), "order pool exhausted");
    std::uint32_t slot = free_head_;
    if (slot != kSlotNone) {
      free_head_ = at(slot).next;
    } else {
      slot = static_cast<std::uint32_t>(orders_.extend(1));
    }
    live_++;
    LOB_ASSERT(live_ <= orders_.size(), "more live orders than slots");
    return slot;
  }

  void release(std::uint32_t slot) {
    Order& order = at(slot);
    LOB_ASSERT(order.level == kSlotNone, "a released order must not be queued");
    LOB_ASSERT(live_ > 0, "release without a live order");
    order.id = 0;
    order.next = free_head_;
    free_head_ = slot;
    live_--;
  }

  // Starts loading the order of `slot` into the cache. Any value is allowed: a slot out of range
  // (kSlotNone, an empty index entry) is ignored, so callers can prefetch entries unchecked.
  void prefetch(std::uint32_t slot) const {
    if (slot < orders_.size()) {
      __builtin_prefetch(orders_.address(slot));
      // GCC 12 (-O1 and up) infers this function pure, a prefetch being no side effect to its
      // IPA pure-const pass, and deletes every call as unused. An empty asm volatile is a side
      // effect; it needs no memory clobber, which would force reloads in the callers' loops.
      asm volatile("");
    }
  }

  std::uint32_t live() const { return live_; }
  // High-water mark: slots ever handed out.
  std::uint32_t slots_used() const { return static_cast<std::uint32_t>(orders_.size()); }
  std::uint32_t orders_max() const { return static_cast<std::uint32_t>(orders_.capacity_max()); }
  std::size_t memory_bytes() const { return orders_.used_bytes(); }

 private:
  ReservedArray<Order> orders_;
  std::uint32_t live_ = 0;
  std::uint32_t free_head_ = kSlotNone;
};

}  // namespace lob
