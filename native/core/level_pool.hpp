// Price levels live in a pool with stable u32 indices and an intrusive free list (through `head`),
// one array reserved for the most levels the books can need (reserved_array.hpp): levels never
// move, and growing the pool copies nothing. A level is the head of its FIFO queue: orders are
// appended at the tail and matched from the head.
//
// Two kinds of level: those of sorted ladders come and go through acquire() and release() (the
// free list); those of direct ladders (price_ladder.hpp) are reserved once, a run of one level per
// tick of a band, each already holding its price, and are only switched live (activate()) and back
// (release(), which idles a direct level instead of freeing it). Both count in live().
#pragma once

#include <cstddef>
#include <cstdint>

#include "assert.hpp"
#include "order_pool.hpp"
#include "protocol.hpp"
#include "reserved_array.hpp"

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
  // `levels_max` bounds every level ever handed out, direct ones included.
  explicit LevelPool(std::size_t levels_max) : levels_(levels_max) {
    LOB_ASSERT(levels_max < kSlotNone, "level indices are u32 below kSlotNone");
  }

  Level& at(std::uint32_t index) { return levels_[index]; }
  const Level& at(std::uint32_t index) const { return levels_[index]; }

  std::uint32_t acquire(SymbolIndex symbol, Side side, Price price) {
    std::uint32_t index = free_head_;
    if (index != kSlotNone) {
      LOB_ASSERT(!levels_[index].live && !levels_[index].direct, "a live or direct level on the free list");
      free_head_ = levels_[index].head;
    } else {
      index = static_cast<std::uint32_t>(levels_.extend(1));  // Its contents are unspecified until written below.
    }
    Level& level = levels_[index];
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
    LOB_ASSERT(ticks > 0, "a direct range holds a price");
    const std::uint32_t base = static_cast<std::uint32_t>(levels_.extend(ticks));
    for (std::uint32_t offset = 0; offset < ticks; offset++) {
      levels_[base + offset] = Level{low + static_cast<Price>(offset) * tick, 0, 0, kSlotNone, kSlotNone, symbol, side, false, true};
    }
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
  std::size_t size() const { return levels_.size(); }
  std::size_t memory_bytes() const { return levels_.used_bytes(); }

 private:
  ReservedArray<Level> levels_;
  std::uint32_t free_head_ = kSlotNone;
  std::uint32_t live_ = 0;
};

}  // namespace lob
