// A bounded multi-producer, single-consumer queue (Dmitry Vyukov's bounded queue: one sequence
// number per cell). Producers claim a cell with one CAS on the enqueue position and publish it with
// a release store of the cell's sequence; the consumer owns the dequeue position alone.
//
// Why this design: a producer never waits for another producer that was preempted (the claim is
// one CAS, the publish one store), try_push on a full queue fails at once instead of blocking (that
// failure is the threaded engine's BUSY), and every cell is allocated up front: capacity is the
// only memory the queue will ever hold.
//
// Limits: capacity is a power of two in [2, kMpscCapacityMax].
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "assert.hpp"
#include "cache_line.hpp"

namespace lob {

constexpr std::size_t kMpscCapacityMax = std::size_t{1} << 24;

template <class T>
class MpscQueue {
 public:
  explicit MpscQueue(std::size_t capacity) : mask_(capacity - 1), cells_(new Cell[capacity]) {
    LOB_ASSERT(capacity >= 2 && capacity <= kMpscCapacityMax, "mpsc capacity out of range");
    LOB_ASSERT((capacity & (capacity - 1)) == 0, "mpsc capacity must be a power of two");
    for (std::size_t i = 0; i < capacity; i++) cells_[i].sequence.store(i, std::memory_order_relaxed);
  }

  std::size_t capacity() const { return mask_ + 1; }
  // Bytes per slot, sequence included: the queue's memory is capacity * cell_bytes(), all written
  // at construction.
  static constexpr std::size_t cell_bytes() { return sizeof(Cell); }

  // Any thread. Returns false, leaving the queue unchanged, when every cell is taken.
  bool try_push(const T& value) {
    std::size_t position = enqueue_.value.load(std::memory_order_relaxed);
    for (;;) {
      Cell& cell = cells_[position & mask_];
      const std::size_t sequence = cell.sequence.load(std::memory_order_acquire);
      const auto difference = static_cast<std::ptrdiff_t>(sequence) - static_cast<std::ptrdiff_t>(position);
      if (difference == 0) {
        if (enqueue_.value.compare_exchange_weak(position, position + 1, std::memory_order_relaxed)) {
          cell.value = value;
          cell.sequence.store(position + 1, std::memory_order_release);
          return true;
        }
      } else if (difference < 0) {
        return false;  // The consumer has not freed this cell yet: full.
      } else {
        position = enqueue_.value.load(std::memory_order_relaxed);
      }
    }
  }

  // Consumer thread only. Returns false when the next cell is not published yet.
  bool try_pop(T& out) {
    const std::size_t position = dequeue_.value.load(std::memory_order_relaxed);
    Cell& cell = cells_[position & mask_];
    const std::size_t sequence = cell.sequence.load(std::memory_order_acquire);
    if (sequence != position + 1) return false;
    out = cell.value;
    cell.sequence.store(position + mask_ + 1, std::memory_order_release);
    dequeue_.value.store(position + 1, std::memory_order_relaxed);
    return true;
  }

  // Any thread; approximate while producers or the consumer run (for stats and idle checks). The
  // two positions are read at different moments, so a stale head can make the difference exceed
  // what the queue can hold: clamp it to the capacity.
  std::size_t size_approx() const {
    const std::size_t head = dequeue_.value.load(std::memory_order_relaxed);
    const std::size_t tail = enqueue_.value.load(std::memory_order_relaxed);
    return tail > head ? std::min(tail - head, capacity()) : 0;
  }

  // Consumer thread: true when the next cell is published (a push finished).
  bool ready() const {
    const std::size_t position = dequeue_.value.load(std::memory_order_relaxed);
    return cells_[position & mask_].sequence.load(std::memory_order_acquire) == position + 1;
  }

 private:
  struct Cell {
    std::atomic<std::size_t> sequence;
    T value;
  };
  const std::size_t mask_;
  std::unique_ptr<Cell[]> cells_;
  CacheLinePadded<std::atomic<std::size_t>> enqueue_{0};
  CacheLinePadded<std::atomic<std::size_t>> dequeue_{0};
};

}  // namespace lob
