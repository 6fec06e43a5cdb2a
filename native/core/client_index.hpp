// Index from (owner, client order id) to the pool slot of a live order.
//
// Clients number their orders with increasing client order ids, so most keys of an owner fall in a
// narrow, slowly advancing range. Each owner gets a direct window over that range, like the engine
// id table (id_table.hpp): chunks of kChunkIds u32 slots addressed by the id itself. A duplicate
// check of a fresh id reads the newest chunk (cache-warm), an insert is one store, a lookup two
// dependent loads and no probing. Keys the window cannot hold (ids below its front, far beyond its
// back, or owners past kWindowOwnersMax) go to the hashed fallback (order_index.hpp), so sparse,
// huge or adversarial ids stay correct and bounded in memory.
//
// Invariants: every live key is in exactly one place (a window entry or the fallback); a window's
// fallback_live counts its owner's keys in the fallback, so a window miss only probes the hash when
// that owner has any there, and a miss in an allocated chunk only when far_id_max says it may. A window's back (newest) chunk is always allocated: fresh ids arrive
// there. Every other allocated chunk holds at least kChunkLiveMin keys: when one gets sparser (its
// orders fill or cancel, or the back moves on from a sparse chunk), its keys move to the fallback and
// the chunk is freed, so the windows cost at most 32 bytes per key plus one chunk per owner, and an
// owner whose ids are too sparse for a window (say one id in 1000 is theirs) ends up in the hash.
//
// Limits: kWindowOwnersMax windows (owners beyond it use the fallback); a window's back advances at
// most kGapChunksMax chunks at a time; keys in a freed middle chunk or below the front use the hash.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "assert.hpp"
#include "order_index.hpp"
#include "order_pool.hpp"
#include "protocol.hpp"

namespace lob {

class ClientIndex {
 public:
  static constexpr unsigned kChunkIdsShift = 10;
  static constexpr std::uint64_t kChunkIds = std::uint64_t{1} << kChunkIdsShift;  // 4 KiB per chunk.
  static constexpr std::size_t kGapChunksMax = 4;
  // A chunk other than the back holds at least this many keys (<= 32 bytes of window per key);
  // a sparser one moves its keys to the fallback and is freed.
  static constexpr std::uint32_t kChunkLiveMin = kChunkIds / 8;
  static constexpr std::size_t kWindowOwnersMax = 1024;
  static constexpr std::size_t kOwnerMapCapacity = 2 * kWindowOwnersMax;  // Load <= 1/2.

  ClientIndex(const OrderPool& pool, std::uint32_t orders_max)
      : pool_(pool), fallback_(pool, orders_max), owner_map_(kOwnerMapCapacity, kNoWindow) {
    static_assert((kOwnerMapCapacity & (kOwnerMapCapacity - 1)) == 0, "owner map capacity is a power of two");
  }

  // kSlotNone when the owner has no live order with this client order id.
  std::uint32_t find(Owner owner, std::uint64_t client_order_id) const {
    const std::uint32_t window_index = window_of(owner);
    if (window_index != kNoWindow) {
      const Window& window = windows_[window_index];
      const std::uint32_t* entry = entry_of(window, client_order_id);
      if (entry != nullptr && holds(*entry, owner, client_order_id)) return *entry;
      if (window.fallback_live == 0) return kSlotNone;
      // An allocated chunk can only miss a key that the fallback took while it lay past the back.
      if (entry != nullptr && client_order_id > window.far_id_max) return kSlotNone;
    }
    return fallback_.find(ClientKey{owner, client_order_id});
  }

  // Where find() or erase() of the key will look first, to prefetch ahead of them.
  const void* entry_address(Owner owner, std::uint64_t client_order_id) const {
    const std::uint32_t window_index = window_of(owner);
    if (window_index != kNoWindow) {
      const std::uint32_t* entry = entry_of(windows_[window_index], client_order_id);
      if (entry != nullptr) return entry;
    }
    return fallback_.home_address(ClientKey{owner, client_order_id});
  }

  // Precondition: no live order has the key of `slot`.
  void insert(std::uint32_t slot) {
    const Order& order = pool_.at(slot);
    // A stale entry may already name `slot` (the slot's previous order had the same key): the
    // order is written before it is indexed, so that entry now reads as live.
    if constexpr (kVerify) {
      const std::uint32_t found = find(order.owner, order.client_order_id);
      LOB_ASSERT(found == kSlotNone || found == slot, "duplicate client key");
    }
    const std::uint32_t window_index = window_for_insert(order.owner);
    if (window_index != kNoWindow) {
      Window& window = windows_[window_index];
      if (place(window, order.client_order_id, slot)) return;
      window.fallback_live++;
      if (past_back(window, order.client_order_id)) {
        window.far_id_max = std::max(window.far_id_max, order.client_order_id);
      }
    }
    fallback_.insert(slot);
  }

  // Precondition: `slot` is live and indexed under the key its order holds.
  void erase(std::uint32_t slot) {
    const Order& order = pool_.at(slot);
    const std::uint32_t window_index = window_of(order.owner);
    if (window_index != kNoWindow) {
      Window& window = windows_[window_index];
      std::uint32_t* entry = entry_of(window, order.client_order_id);
      // In an allocated chunk the key is in the window unless the fallback may hold it (see
      // far_id_max); only then is the entry itself read. The window entry is left stale.
      if (entry != nullptr && (window.fallback_live == 0 || order.client_order_id > window.far_id_max || *entry == slot)) {
        if constexpr (kVerify) LOB_ASSERT(*entry == slot, "erase of a client key the window does not hold");
        remove(window, order.client_order_id, slot);
        return;
      }
      LOB_ASSERT(window.fallback_live > 0, "erase of a client key held nowhere");
      window.fallback_live--;
      if (window.fallback_live == 0) window.far_id_max = 0;
    }
    fallback_.erase(slot);
  }

  std::size_t size() const { return window_live_ + fallback_.size(); }

  // For validate(): whether the index holds exactly the live orders, given for_each_live(visit),
  // which calls visit(slot) once per live order, and `live`, a flag per slot. Each window chunk's
  // live count must equal the live orders whose window entry names them; the fallback's entries
  // must be distinct live orders that no window entry names; each window's fallback_live must
  // equal its owner's fallback entries; and window and fallback orders must add up to
  // live_count. With every live order also found by find() (the caller checks), that is a
  // bijection. It reads each live order once: walking the windows' entries instead reads an
  // order per stale entry too, up to kChunkIds / kChunkLiveMin per live key.
  template <class ForEachLive>
  bool holds_exactly(ForEachLive for_each_live, std::size_t live_count, const std::vector<bool>& live) const {
    std::vector<std::size_t> first_counter(windows_.size() + 1, 0);
    for (std::size_t index = 0; index < windows_.size(); index++) {
      first_counter[index + 1] = first_counter[index] + windows_[index].chunks.size();
    }
    std::vector<std::uint32_t> in_chunk(first_counter.back(), 0);
    std::vector<bool> in_window(live.size(), false);
    std::size_t window_orders = 0;
    for_each_live([&](std::uint32_t slot) {
      const Order& order = pool_.at(slot);
      const std::uint32_t window_index = window_of(order.owner);
      if (window_index == kNoWindow) return;
      const Window& window = windows_[window_index];
      const std::uint32_t* entry = entry_of(window, order.client_order_id);
      if (entry == nullptr || *entry != slot) return;
      in_chunk[first_counter[window_index] + ((order.client_order_id >> kChunkIdsShift) - window.base)]++;
      in_window[slot] = true;
      window_orders++;
    });
    for (std::size_t index = 0; index < windows_.size(); index++) {
      const Window& window = windows_[index];
      for (std::size_t chunk = 0; chunk < window.chunks.size(); chunk++) {
        if (window.chunks[chunk].live != in_chunk[first_counter[index] + chunk]) return false;
      }
    }
    std::vector<bool> seen(live.size(), false);
    std::vector<std::uint32_t> in_fallback(windows_.size(), 0);
    std::size_t fallback_orders = 0;
    for (std::size_t position = 0; position < fallback_.capacity(); position++) {
      const std::uint32_t slot = fallback_.entry(position);
      if (slot == kSlotNone) continue;
      if (slot >= live.size() || !live[slot] || seen[slot] || in_window[slot]) return false;
      seen[slot] = true;
      fallback_orders++;
      const std::uint32_t window_index = window_of(pool_.at(slot).owner);
      if (window_index != kNoWindow) in_fallback[window_index]++;
    }
    // A window's fallback_live decides whether a miss probes the fallback at all.
    for (std::size_t index = 0; index < windows_.size(); index++) {
      if (windows_[index].fallback_live != in_fallback[index]) return false;
    }
    return window_orders + fallback_orders == live_count;
  }

  std::size_t memory_bytes() const {
    std::size_t bytes = chunks_allocated_ * kChunkIds * sizeof(std::uint32_t) + fallback_.memory_bytes() +
                        owner_map_.capacity() * sizeof(std::uint32_t) + windows_.capacity() * sizeof(Window);
    for (const Window& window : windows_) bytes += window.chunks.capacity() * sizeof(Chunk);
    return bytes;
  }

 private:
  static constexpr std::uint32_t kNoWindow = 0xFFFFFFFFu;

  struct Chunk {
    std::unique_ptr<std::uint32_t[]> slots;  // Null before its first key and once freed.
    std::uint32_t live = 0;
  };

  struct Window {
    Owner owner;
    std::uint64_t base = 0;     // Chunk number of chunks[0].
    std::vector<Chunk> chunks;  // chunks[i] holds the ids [(base + i) * kChunkIds, ...).
    std::uint32_t fallback_live = 0;
    // The largest id the fallback took for lying past the back: a chunk allocated later may cover
    // it. Chunks are only allocated past the back, so below the back no other fallback key can
    // sit in an allocated chunk's range.
    std::uint64_t far_id_max = 0;
  };

  // Whether a window entry names the live order of the key. An entry is stale after a lazy erase:
  // the slot is then free (id 0) or reused by another key. Slots are below the pool's high-water
  // mark, so dereferencing a stale one is safe.
  bool holds(std::uint32_t slot, Owner owner, std::uint64_t client_order_id) const {
    if (slot == kSlotNone) return false;
    const Order& order = pool_.at(slot);
    return order.id != 0 && order.client_order_id == client_order_id && order.owner == owner;
  }

  static bool past_back(const Window& window, std::uint64_t client_order_id) {
    return (client_order_id >> kChunkIdsShift) >= window.base + window.chunks.size();
  }

  static std::size_t owner_home(Owner owner) {
    return static_cast<std::size_t>((std::uint64_t{owner} * 0x9E3779B97F4A7C15ull) >> 40) & (kOwnerMapCapacity - 1);
  }

  std::uint32_t window_of(Owner owner) const {
    for (std::size_t position = owner_home(owner);; position = (position + 1) & (kOwnerMapCapacity - 1)) {
      const std::uint32_t index = owner_map_[position];
      if (index == kNoWindow || windows_[index].owner == owner) return index;
    }
  }

  // The owner's window, created if there is room; kNoWindow once kWindowOwnersMax are taken.
  std::uint32_t window_for_insert(Owner owner) {
    std::size_t position = owner_home(owner);
    for (;; position = (position + 1) & (kOwnerMapCapacity - 1)) {
      const std::uint32_t index = owner_map_[position];
      if (index == kNoWindow) break;
      if (windows_[index].owner == owner) return index;
    }
    if (windows_.size() == kWindowOwnersMax) return kNoWindow;
    owner_map_[position] = static_cast<std::uint32_t>(windows_.size());
    windows_.push_back(Window{owner, 0, {}, 0, 0});
    return owner_map_[position];
  }

  static const std::uint32_t* entry_of(const Window& window, std::uint64_t client_order_id) {
    const std::uint64_t number = client_order_id >> kChunkIdsShift;
    // Unsigned: an id below the window wraps to a huge index and fails the same test.
    if (number - window.base >= window.chunks.size()) return nullptr;
    const Chunk& chunk = window.chunks[number - window.base];
    return chunk.slots ? &chunk.slots[client_order_id & (kChunkIds - 1)] : nullptr;
  }
  static std::uint32_t* entry_of(Window& window, std::uint64_t client_order_id) {
    return const_cast<std::uint32_t*>(entry_of(std::as_const(window), client_order_id));
  }

  // Stores the key in the window when its chunk is allocated, or is the first of the window, or
  // lies at most kGapChunksMax past the back (the back then advances); returns false (the caller
  // uses the fallback) otherwise: below the front, far past the back, or in a freed middle chunk.
  bool place(Window& window, std::uint64_t client_order_id, std::uint32_t slot) {
    const std::uint64_t number = client_order_id >> kChunkIdsShift;
    if (window.chunks.empty()) {
      window.base = number;
      window.chunks.emplace_back();
      allocate(window.chunks.back());
    }
    if (number < window.base || number - window.base >= window.chunks.size() + kGapChunksMax) return false;
    if (number - window.base >= window.chunks.size()) advance_back(window, number);
    Chunk& chunk = window.chunks[number - window.base];
    if (!chunk.slots) return false;
    std::uint32_t& entry = chunk.slots[client_order_id & (kChunkIds - 1)];
    // The entry may be stale (erase is lazy), never live: the caller checked the key is new.
    LOB_ASSERT(entry == slot || !holds(entry, window.owner, client_order_id), "client key inserted twice");
    entry = slot;
    chunk.live++;
    window_live_++;
    return true;
  }

  // Lazy: only the counts change; the entry goes stale when the pool releases the slot.
  // `slot` is the erased order's, still live in the pool until the caller releases it.
  void remove(Window& window, std::uint64_t client_order_id, std::uint32_t slot) {
    const std::size_t index = (client_order_id >> kChunkIdsShift) - window.base;
    Chunk& chunk = window.chunks[index];
    LOB_ASSERT(chunk.live > 0 && window_live_ > 0, "erase from an empty chunk");
    chunk.live--;
    window_live_--;
    const bool is_back = index + 1 == window.chunks.size();
    if (!is_back && chunk.live < kChunkLiveMin) {
      evict(window, chunk, slot);
      chunk.slots.reset();
      chunks_allocated_--;
      trim_front(window);
    }
  }

  // Makes chunk `number` the back. The old back becomes a middle chunk: it stays if it is dense
  // enough, otherwise its keys move to the fallback and its buffer (now empty) becomes the new back,
  // so an owner whose ids advance faster than its orders live does not allocate per chunk.
  void advance_back(Window& window, std::uint64_t number) {
    const std::size_t old_back = window.chunks.size() - 1;
    while (window.chunks.size() <= number - window.base) window.chunks.emplace_back();
    Chunk& previous = window.chunks[old_back];
    Chunk& back = window.chunks.back();
    LOB_ASSERT(previous.slots && !back.slots, "the back chunk is allocated, chunks past it are not");
    if (previous.live >= kChunkLiveMin) {
      allocate(back);
      return;
    }
    evict(window, previous);
    back.slots = std::move(previous.slots);
    back.live = 0;
    trim_front(window);
  }

  // Moves every live key of `chunk` to the fallback and leaves all the chunk's entries empty (stale
  // ones too: the buffer may be reused as the back, whose entries must be empty or stale for
  // ids of this owner at their own offsets, which a moved buffer no longer guarantees). `erased` is
  // the slot being erased, still live in the pool: it is not moved.
  void evict(Window& window, Chunk& chunk, std::uint32_t erased = kSlotNone) {
    const std::uint64_t first = (window.base + static_cast<std::uint64_t>(&chunk - window.chunks.data())) << kChunkIdsShift;
    for (std::uint64_t offset = 0; offset < kChunkIds; offset++) {
      const std::uint32_t slot = chunk.slots[offset];
      chunk.slots[offset] = kSlotNone;
      if (slot == erased || !holds(slot, window.owner, first + offset)) continue;
      chunk.live--;
      window_live_--;
      fallback_.insert(slot);
      window.fallback_live++;
    }
    LOB_ASSERT(chunk.live == 0, "evicted chunk still holds keys");
  }

  void allocate(Chunk& chunk) {
    chunk.slots = std::make_unique_for_overwrite<std::uint32_t[]>(kChunkIds);
    std::fill_n(chunk.slots.get(), kChunkIds, kSlotNone);
    chunk.live = 0;
    chunks_allocated_++;
  }

  // Drops freed chunks at the front so the directory spans only the oldest allocated chunk to the
  // back (the back is always allocated).
  void trim_front(Window& window) {
    std::size_t freed_front = 0;
    while (freed_front + 1 < window.chunks.size() && !window.chunks[freed_front].slots) freed_front++;
    if (freed_front == 0) return;
    window.chunks.erase(window.chunks.begin(), window.chunks.begin() + static_cast<std::ptrdiff_t>(freed_front));
    window.base += freed_front;
  }

  const OrderPool& pool_;
  OrderIndex<ClientKeyOps> fallback_;
  std::vector<std::uint32_t> owner_map_;  // Open addressing, owner -> index in windows_.
  std::vector<Window> windows_;           // Never shrinks: owners are few and come back.
  std::size_t window_live_ = 0;
  std::size_t chunks_allocated_ = 0;
};

}  // namespace lob
