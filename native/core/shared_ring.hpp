// The consumer side of a command ring in shared memory (a JS SharedArrayBuffer written by a worker
// thread): the zero-copy ingestion path. One producer (one JS thread) and one consumer (the shard
// thread the ring is attached to).
//
// Layout (bytes; int32 fields so JS can use Atomics on an Int32Array; counters wrap at 2^32):
//   [0, 64)     head: records published by the producer (it writes, then stores head); at byte 4,
//               writer: set once by the JS writer that claims the ring set (the shard never reads it)
//   [64, 128)   tail: records consumed by the shard
//   [128, 192)  consumer_sleeping (the shard parks: a producer that publishes must call wake),
//               closed (the engine stopped consuming), capacity (records, a power of two)
//   [192, ...)  capacity records of command_slot::count float64 slots
// Fields sit 64 bytes apart because a SharedArrayBuffer is only 16-byte aligned: two fields 64
// bytes apart can never share a cache line whatever the base address.
//
// The memory is hostile input: a head that claims more than `capacity` unread records marks the
// ring broken (it stops being consumed), and every record is validated before it is executed.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "protocol.hpp"

namespace lob::threaded {

namespace ring_layout {
constexpr std::size_t head_byte = 0, writer_byte = 4, tail_byte = 64, sleeping_byte = 128, closed_byte = 132, capacity_byte = 136;
constexpr std::size_t header_bytes = 192;
constexpr std::uint32_t capacity_min = 16, capacity_max = 1u << 20;  // Records.
constexpr std::size_t record_bytes = command_slot::count * sizeof(double);
inline std::size_t bytes_for(std::uint32_t capacity) { return header_bytes + capacity * record_bytes; }
}  // namespace ring_layout

class SharedRing {
 public:
  // `base` must stay valid while the ring is attached (the addon holds a reference to its buffer).
  SharedRing(void* base, std::uint32_t capacity) : base_(static_cast<unsigned char*>(base)), capacity_(capacity) {}

  std::uint32_t capacity() const { return capacity_; }
  bool broken() const { return broken_; }

  // Consumer thread: calls `on_record(const double*)` for up to `limit` published records in order,
  // then publishes the new tail. Returns how many were consumed.
  template <class OnRecord>
  std::uint32_t consume(std::uint32_t limit, OnRecord&& on_record) {
    if (broken_) return 0;
    const std::uint32_t head = field(ring_layout::head_byte).load(std::memory_order_seq_cst);
    const std::uint32_t tail = field(ring_layout::tail_byte).load(std::memory_order_relaxed);
    const std::uint32_t available = head - tail;
    if (available > capacity_) {
      broken_ = true;
      return 0;
    }
    const std::uint32_t count = available < limit ? available : limit;
    const auto* records = reinterpret_cast<const double*>(base_ + ring_layout::header_bytes);
    for (std::uint32_t i = 0; i < count; i++) {
      const std::uint32_t index = (tail + i) & (capacity_ - 1);
      double record[command_slot::count];
      // Copy out first: the producer may be hostile and the slot must be read exactly once.
      __builtin_memcpy(record, records + static_cast<std::size_t>(index) * command_slot::count, sizeof record);
      on_record(static_cast<const double*>(record));
    }
    if (count > 0) field(ring_layout::tail_byte).store(tail + count, std::memory_order_seq_cst);
    return count;
  }

  bool has_records() const {
    if (broken_) return false;
    return field(ring_layout::head_byte).load(std::memory_order_seq_cst) !=
           field(ring_layout::tail_byte).load(std::memory_order_relaxed);
  }

  // Consumer thread: announces (RMW, seq_cst) whether the shard sleeps; see parker.hpp.
  void set_sleeping(bool sleeping) { field(ring_layout::sleeping_byte).exchange(sleeping ? 1 : 0, std::memory_order_seq_cst); }
  void set_closed() { field(ring_layout::closed_byte).store(1, std::memory_order_seq_cst); }

 private:
  std::atomic_ref<std::uint32_t> field(std::size_t byte) const {
    return std::atomic_ref<std::uint32_t>(*reinterpret_cast<std::uint32_t*>(base_ + byte));
  }
  unsigned char* base_;
  const std::uint32_t capacity_;
  bool broken_ = false;  // Consumer thread only.
};

}  // namespace lob::threaded
