// A bounded single-producer, single-consumer ring. Each side caches the other side's index and
// rereads it only when the cache says full (producer) or empty (consumer), so in steady state a
// push or pop touches no shared cache line but the slot itself.
//
// Used for the event queue of each shard (shard thread -> dispatcher thread). Limits: capacity is a
// power of two in [2, kSpscCapacityMax].
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>

#include "assert.hpp"
#include "cache_line.hpp"

namespace lob {

constexpr std::size_t kSpscCapacityMax = std::size_t{1} << 24;

template <class T>
class SpscRing {
 public:
  explicit SpscRing(std::size_t capacity) : mask_(capacity - 1), slots_(new T[capacity]) {
    LOB_ASSERT(capacity >= 2 && capacity <= kSpscCapacityMax, "spsc capacity out of range");
    LOB_ASSERT((capacity & (capacity - 1)) == 0, "spsc capacity must be a power of two");
  }

  std::size_t capacity() const { return mask_ + 1; }

  // Producer thread only.
  bool try_push(const T& value) {
    const std::size_t tail = producer_.value.tail.load(std::memory_order_relaxed);
    if (tail - producer_.value.head_cached > mask_) {
      producer_.value.head_cached = head_.value.load(std::memory_order_acquire);
      if (tail - producer_.value.head_cached > mask_) return false;
    }
    slots_[tail & mask_] = value;
    producer_.value.tail.store(tail + 1, std::memory_order_release);
    return true;
  }

  // Consumer thread only.
  bool try_pop(T& out) {
    const std::size_t head = head_.value.load(std::memory_order_relaxed);
    if (head == consumer_tail_cached_.value) {
      consumer_tail_cached_.value = producer_.value.tail.load(std::memory_order_acquire);
      if (head == consumer_tail_cached_.value) return false;
    }
    out = slots_[head & mask_];
    head_.value.store(head + 1, std::memory_order_release);
    return true;
  }

  // Any thread; approximate.
  std::size_t size_approx() const {
    const std::size_t head = head_.value.load(std::memory_order_relaxed);
    const std::size_t tail = producer_.value.tail.load(std::memory_order_relaxed);
    return tail > head ? tail - head : 0;
  }

 private:
  struct Producer {
    std::atomic<std::size_t> tail{0};
    std::size_t head_cached = 0;
  };
  const std::size_t mask_;
  std::unique_ptr<T[]> slots_;
  CacheLinePadded<Producer> producer_;
  CacheLinePadded<std::atomic<std::size_t>> head_{0};
  CacheLinePadded<std::size_t> consumer_tail_cached_{0};
};

}  // namespace lob
