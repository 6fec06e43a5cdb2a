// Price levels live in a vector-backed pool with stable u32 indices and an intrusive free list
// (through `head`). Growing the vector moves levels, so no Level& may be held across acquire().
// A level is the head of its FIFO queue: orders are appended at the tail and matched from the head.
#pragma once

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
  std::uint32_t count;     // Queue length; 0 only transiently (mass cancel) or when free.
  std::uint32_t head;      // Oldest order (matched first); also the free-list link when free.
  std::uint32_t tail;
  SymbolIndex symbol;
  Side side;
  bool live;
};

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
    LOB_ASSERT(!level.live, "acquired a live level");
    level = Level{price, 0, 0, kSlotNone, kSlotNone, symbol, side, true};
    live_++;
    return index;
  }

  void release(std::uint32_t index) {
    Level& level = at(index);
    LOB_ASSERT(level.live, "release of a free level");
    LOB_ASSERT(level.count == 0 && level.quantity == 0, "release of a non-empty level");
    level.live = false;
    level.head = free_head_;
    free_head_ = index;
    live_--;
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
