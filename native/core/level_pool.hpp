// Price levels live in a vector-backed pool with stable u32 indices and an intrusive free list
// (through `head`). Growing the vector moves levels, so no Level& may be held across acquire() or
// reserve_direct(). A level is the head of its FIFO queue: orders are appended at the tail and
// matched from the head.
//
// Two kinds of level: those of sorted ladders come and go through acquire() and release() (the
// free list); those of direct ladders (price_ladder.hpp) are reserved once, a run of one level per
// tick of a band, each already holding its price, and are only switched live (activate()) and back
// (release(), which idles a direct level instead of freeing it). Both count in live().
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "assert.hpp"
#include "order_pool.hpp"
#include "protocol.hpp"

namespace lob {

struct Level {
  Price price;
  std::uint64_t quantity;  // Sum of the queued orders' leaves.
  std::uint32_t count;     // Queue length; 0 only transiently (mass cancel), when free, or idle (direct).
  std::uint32_t head;      // Oldest order (matched first); also the free-list link when free.
  std::uint32_t tail;
  SymbolIndex symbol;
  Side side;
  bool live;
  bool direct;  // Reserved for a direct ladder: never on the free list.
};
static_assert(sizeof(Level) == 40, "a Level must stay 40 bytes");

class LevelPool {
 public:
  // The bound is a cached count: vector::size() divides by sizeof(Level) (40), and at() runs on
  // every level access of matching.
  Level& at(std::uint32_t index) {
    LOB_ASSERT_BOUNDS(index < count_, "level index out of range");
    return levels_[index];
  }
  const Level& at(std::uint32_t index) const {
    LOB_ASSERT_BOUNDS(index < count_, "level index out of range");
    return levels_[index];
  }

  std::uint32_t acquire(SymbolIndex symbol, Side side, Price price) {
    std::uint32_t index = free_head_;
    if (index != kSlotNone) {
      free_head_ = levels_[index].head;
    } else {
      LOB_ASSERT(count_ < kSlotNone, "level pool exhausted");
      index = count_;
      levels_.emplace_back();
      count_++;
    }
    Level& level = levels_[index];
    LOB_ASSERT(!level.live && !level.direct, "acquired a live or direct level");
    level = Level{price, 0, 0, kSlotNone, kSlotNone, symbol, side, true, false};
    live_++;
    return index;
  }

  // Ends a level's life: a sorted ladder's goes to the free list, a direct ladder's goes idle.
  void release(std::uint32_t index) {
    Level& level = at(index);
    LOB_ASSERT(level.live, "release of a free or idle level");
    LOB_ASSERT(level.count == 0 && level.quantity == 0 && level.head == kSlotNone, "release of a non-empty level");
    level.live = false;
    live_--;
    if (level.direct) {
      LOB_ASSERT(level.tail == kSlotNone, "an emptied level keeps a tail");
      return;
    }
    level.head = free_head_;
    free_head_ = index;
  }

  // Reserves `ticks` levels, not live, for the prices low, low + tick, ...; returns the first index.
  std::uint32_t reserve_direct(SymbolIndex symbol, Side side, Price low, Price tick, std::uint32_t ticks) {
    LOB_ASSERT(ticks > 0 && std::size_t{count_} + ticks < kSlotNone, "level pool exhausted");
    const std::uint32_t base = count_;
    // Geometric growth, as push_back's: reserving the exact size would copy every level on every
    // ladder made direct, quadratic over an engine of many instruments.
    const std::size_t needed = std::size_t{count_} + ticks;
    if (levels_.capacity() < needed) levels_.reserve(std::max(needed, 2 * levels_.capacity()));
    for (std::uint32_t offset = 0; offset < ticks; offset++) {
      levels_.push_back(Level{low + static_cast<Price>(offset) * tick, 0, 0, kSlotNone, kSlotNone, symbol, side, false, true});
    }
    count_ += ticks;
    LOB_ASSERT(levels_.size() == count_, "level count out of step");
    return base;
  }

  // A direct level starts holding orders (release() ends it).
  void activate(std::uint32_t index) {
    Level& level = at(index);
    LOB_ASSERT(level.direct && !level.live, "activate of a live or sorted level");
    LOB_ASSERT(level.count == 0 && level.quantity == 0 && level.head == kSlotNone, "an idle direct level holds orders");
    level.live = true;
    live_++;
  }

  std::uint32_t live() const { return live_; }
  std::size_t size() const { return count_; }
  std::size_t memory_bytes() const { return levels_.capacity() * sizeof(Level); }

 private:
  std::vector<Level> levels_;
  std::uint32_t count_ = 0;  // levels_.size()
  std::uint32_t free_head_ = kSlotNone;
  std::uint32_t live_ = 0;
};

}  // namespace lob
