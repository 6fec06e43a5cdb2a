// Direct index from engine order id to pool slot. Engine ids are issued sequentially (1, 2, 3...),
// so instead of hashing, the id itself addresses a table of u32 slots: an insert writes the next
// entry of the newest chunk (sequential, cache-warm) and a lookup is two dependent loads with no
// probing.
//
// Erase is lazy: it only decrements the chunk's live count and leaves the entry in place, because
// the entry of an old id is a likely cache miss and nothing needs it cleared. A lookup validates
// the entry instead: it names a live order only while that slot's order still holds the id (the
// pool zeroes the id of a released slot, and a reused slot gets a fresh, larger id).
//
// The table is a window of chunks of kChunkIds entries. A chunk is allocated when the first id of
// it is inserted and freed when every id of it has been issued and its live count drops to zero.
// Ids are inserted in increasing order (asserted), so "every id issued" holds for every chunk
// below the newest one. Limitation: one long-lived order pins its whole chunk (16 KiB), and the
// directory holds one 16-byte entry per kChunkIds ids from the oldest pinned chunk to the newest.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "assert.hpp"
#include "order_pool.hpp"
#include "protocol.hpp"

namespace lob {

class IdTable {
 public:
  static constexpr unsigned kChunkIdsShift = 12;
  static constexpr std::uint64_t kChunkIds = std::uint64_t{1} << kChunkIdsShift;  // 16 KiB per chunk.

  explicit IdTable(const OrderPool& pool) : pool_(pool) {}

  // kSlotNone when the id is not live (never issued, not resting, or gone).
  std::uint32_t find(OrderId id) const {
    const Chunk* chunk = chunk_of(id);
    if (chunk == nullptr) return kSlotNone;
    const std::uint32_t slot = chunk->slots[id & (kChunkIds - 1)];
    return holds(slot, id) ? slot : kSlotNone;
  }

  // The entry of an id, to prefetch ahead of find(); null when the id has no chunk.
  const void* entry_address(OrderId id) const {
    const Chunk* chunk = chunk_of(id);
    return chunk == nullptr ? nullptr : &chunk->slots[id & (kChunkIds - 1)];
  }

  // Precondition: `id` is greater than every id inserted before.
  void insert(OrderId id, std::uint32_t slot) {
    LOB_ASSERT(id > id_last_, "engine ids are inserted in increasing order");
    LOB_ASSERT(slot != kSlotNone, "inserting the empty slot");
    const std::uint64_t number = id >> kChunkIdsShift;
    // Most ids land in the newest chunk, the back of the window, already allocated.
    if (id_last_ != 0 && number == (id_last_ >> kChunkIdsShift)) [[likely]] {
      if constexpr (kVerify) LOB_ASSERT(chunks_.back().slots && number - base_ == chunks_.size() - 1, "the newest chunk is the back");
      store(chunks_.back(), id, slot);
      return;
    }
    insert_in_new_chunk(id, slot);
  }

  // Precondition: `id` is live with `slot`, and the caller releases the slot (zeroing its id) before
  // the next find(): the entry stays, stale, until its chunk is freed.
  void erase(OrderId id, [[maybe_unused]] std::uint32_t slot) {
    LOB_ASSERT(live_ > 0, "erase from an empty id table");
    // Most orders end young, their ids in the newest chunk: the back, which is never freed here.
    if ((id >> kChunkIdsShift) == (id_last_ >> kChunkIdsShift)) [[likely]] {
      Chunk& newest = chunks_.back();
      if constexpr (kVerify) LOB_ASSERT(newest.slots && (id >> kChunkIdsShift) - base_ == chunks_.size() - 1, "the newest chunk is the back");
      LOB_ASSERT(newest.live > 0, "erase of an id whose chunk holds none");
      if constexpr (kVerify) LOB_ASSERT(find(id) == slot, "erase of an id that is not indexed under this slot");
      newest.live--;
      live_--;
      return;
    }
    Chunk* chunk = chunk_of(id);
    LOB_ASSERT(chunk != nullptr && chunk->live > 0, "erase of an id whose chunk holds none");
    if constexpr (kVerify) LOB_ASSERT(find(id) == slot, "erase of an id that is not indexed under this slot");
    chunk->live--;
    live_--;
    // Every id of a chunk below the newest one has been issued: an empty one is done for good.
    if (chunk->live == 0 && (id >> kChunkIdsShift) < (id_last_ >> kChunkIdsShift)) release(id >> kChunkIdsShift);
  }

  std::size_t size() const { return live_; }

  // Calls visit(chunk_number, live) for every allocated chunk, in increasing order: it holds the
  // ids [chunk_number << kChunkIdsShift, ...) and claims `live` of them are live. For validate(),
  // which counts the live orders per chunk itself: one visit per chunk, not one per issued id.
  template <class Visit>
  void for_each_chunk(Visit visit) const {
    for (std::size_t index = 0; index < chunks_.size(); index++) {
      if (chunks_[index].slots) visit(base_ + index, chunks_[index].live);
    }
  }

  std::size_t memory_bytes() const {
    return chunks_allocated_ * kChunkIds * sizeof(std::uint32_t) + chunks_.capacity() * sizeof(Chunk);
  }

 private:
  struct Chunk {
    std::unique_ptr<std::uint32_t[]> slots;  // Null once freed (or before its first id).
    std::uint32_t live = 0;
  };

  // Whether an entry names the live order of `id`. A stale entry's slot is below the pool's
  // high-water mark (slots are never returned to the system), so dereferencing it is safe.
  bool holds(std::uint32_t slot, OrderId id) const { return slot != kSlotNone && pool_.at(slot).id == id; }

  const Chunk* chunk_of(OrderId id) const {
    const std::uint64_t number = id >> kChunkIdsShift;
    // Unsigned: an id below the window wraps to a huge index and fails the same test.
    if (number - base_ >= chunks_.size()) return nullptr;
    const Chunk& chunk = chunks_[number - base_];
    return chunk.slots ? &chunk : nullptr;
  }
  Chunk* chunk_of(OrderId id) { return const_cast<Chunk*>(std::as_const(*this).chunk_of(id)); }

  void store(Chunk& chunk, OrderId id, std::uint32_t slot) {
    std::uint32_t& entry = chunk.slots[id & (kChunkIds - 1)];
    LOB_ASSERT(entry == kSlotNone, "id inserted twice");  // Ids are never reused: the entry is fresh.
    if constexpr (kVerify) LOB_ASSERT(pool_.at(slot).id == id, "the slot's order holds the id");
    entry = slot;
    chunk.live++;
    live_++;
    id_last_ = id;
  }

  // Out of line, like the other paths that allocate or free: the engine's handlers inline the
  // index (flatten), and a rare path inlined there costs the common ones registers.
  [[gnu::noinline]] void insert_in_new_chunk(OrderId id, std::uint32_t slot) {
    const std::uint64_t number = id >> kChunkIdsShift;
    if (chunks_.empty()) base_ = number;
    release_newest_if_done(number);
    LOB_ASSERT(number >= base_, "id below the table window");
    while (chunks_.size() <= number - base_) chunks_.emplace_back();
    Chunk& chunk = chunks_[number - base_];
    if (!chunk.slots) allocate(chunk);
    store(chunk, id, slot);
  }

  void allocate(Chunk& chunk) {
    chunk.slots = std::make_unique_for_overwrite<std::uint32_t[]>(kChunkIds);
    std::fill_n(chunk.slots.get(), kChunkIds, kSlotNone);
    chunk.live = 0;
    chunks_allocated_++;
  }

  // The newest chunk is not released when it empties (ids of it may still come); once an insert
  // moves past it, it is done, and freed if nothing in it is live.
  void release_newest_if_done(std::uint64_t number) {
    const std::uint64_t newest = id_last_ >> kChunkIdsShift;
    if (id_last_ == 0 || newest == number) return;
    if (chunks_[newest - base_].slots && chunks_[newest - base_].live == 0) release(newest);
  }

  // Frees a done chunk, then drops the freed chunks at the front of the window so that the
  // directory spans only the oldest pinned chunk to the newest. Out of line: see insert_in_new_chunk.
  [[gnu::noinline]] void release(std::uint64_t number) {
    Chunk& chunk = chunks_[number - base_];
    LOB_ASSERT(chunk.live == 0 && chunk.slots, "release of a live or freed chunk");
    chunk.slots.reset();
    chunks_allocated_--;
    std::size_t freed_front = 0;
    while (freed_front + 1 < chunks_.size() && !chunks_[freed_front].slots) freed_front++;
    if (freed_front == 0) return;
    chunks_.erase(chunks_.begin(), chunks_.begin() + static_cast<std::ptrdiff_t>(freed_front));
    base_ += freed_front;
  }

  const OrderPool& pool_;
  std::vector<Chunk> chunks_;  // chunks_[i] holds the ids [(base_ + i) * kChunkIds, ...).
  std::uint64_t base_ = 0;
  std::uint64_t id_last_ = 0;
  std::size_t live_ = 0;
  std::size_t chunks_allocated_ = 0;
};

}  // namespace lob
