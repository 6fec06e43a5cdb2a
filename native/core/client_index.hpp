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
// Live bits. Each chunk also has one bit per id, set while that key is live, wherever it is stored:
// in the chunk's entries or, after the chunk was evicted, in the fallback. A lookup of a key that is
// not live (a cancel of an order that already filled, a duplicate check of a fresh id) reads one
// word of a dense bitmap (128 bytes per 1024 ids, mostly cache-resident) instead of a stale entry
// and the order it names, two likely cache misses. Erase clears the bit at once; the entry itself
// is left stale and is never read while its bit is clear. A chunk keeps its bits after it is
// evicted while it has at least kChunkKeysMin keys; below that it drops them and its remaining keys
// are found through the fallback, as keys of a range without bits always are.
//
// Invariants: every live key is in exactly one place (a window entry or the fallback); a window's
// id_max is at least every key its owner ever inserted, so the duplicate check of a fresh id (the
// common case) is one compare; a window's fallback_live counts its owner's keys in the fallback, so
// a window miss only probes the hash when that owner has any there, and a miss in an allocated
// chunk only when far_id_max says it may. A window's back (newest) chunk is always allocated: fresh
// ids arrive there. Every other allocated chunk holds at least kChunkLiveMin keys: when one gets
// sparser (its orders fill or cancel, or the back moves on from a sparse chunk), its keys move to
// the fallback and the chunk is freed, so the windows cost at most 32 bytes per key plus one chunk
// per owner (and, for the live bits, at most 8 bytes per key more: see below), and an owner whose
// ids are too sparse for a window (say one id in 1000 is theirs) ends up in the hash.
//
// Live bits: a chunk with entries has bits; a set bit means its key is live, in the chunk's entries
// if the chunk has them, otherwise in the fallback; a clear bit means the key is not live, unless
// the fallback took it for lying past the back (id <= far_id_max); a chunk's `keys` counts its set
// bits.
//
// Limits: kWindowOwnersMax windows (owners beyond it use the fallback); a window's back advances at
// most kGapChunksMax chunks at a time; keys in a freed middle chunk or below the front use the hash;
// the directory spans from the oldest chunk that still has entries or bits (kChunkKeysMin live keys
// keep a freed chunk's bits) to the back, 24 bytes per chunk of ids between them.
#pragma once

#include <algorithm>
#include <bit>
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
  static constexpr std::size_t kChunkBitWords = kChunkIds / 64;                  // 128 bytes of bits.
  static constexpr std::size_t kGapChunksMax = 4;
  // A chunk other than the back holds at least this many keys (<= 32 bytes of window per key);
  // a sparser one moves its keys to the fallback and is freed.
  static constexpr std::uint32_t kChunkLiveMin = kChunkIds / 8;
  // A freed chunk keeps its live bits while at least this many of its keys live (<= 8 bytes of bits
  // per key).
  static constexpr std::uint32_t kChunkKeysMin = kChunkIds / 64;
  static constexpr std::size_t kWindowOwnersMax = 1024;
  static constexpr std::size_t kOwnerMapCapacity = 2 * kWindowOwnersMax;  // Load <= 1/2.

  ClientIndex(const OrderPool& pool, std::uint32_t orders_max)
      : pool_(pool), fallback_(pool, orders_max), owner_map_(kOwnerMapCapacity, kNoWindow) {
    static_assert((kOwnerMapCapacity & (kOwnerMapCapacity - 1)) == 0, "owner map capacity is a power of two");
    static_assert(kChunkKeysMin > 0 && kChunkKeysMin <= kChunkLiveMin, "bits outlive the entries of a chunk");
  }

  // kSlotNone when the owner has no live order with this client order id.
  std::uint32_t find(Owner owner, std::uint64_t client_order_id) const {
    if (const Window* found = window_at(owner); found != nullptr) {
      const Window& window = *found;
      // Above every id the owner ever inserted: not live. The duplicate check of a fresh id, the
      // common case (clients number their orders upwards), ends here.
      if (client_order_id > window.id_max) return kSlotNone;
      const Chunk* chunk = chunk_of(window, client_order_id);
      if (chunk != nullptr && chunk->bits) {
        const std::uint64_t offset = client_order_id & (kChunkIds - 1);
        if (bit(*chunk, offset)) {
          if (!chunk->slots) return fallback_.find(ClientKey{owner, client_order_id});
          const std::uint32_t slot = chunk->slots[offset];
          if constexpr (kVerify) LOB_ASSERT(holds(slot, owner, client_order_id), "a live bit names a stale entry");
          return slot;
        }
        // A clear bit is final, except for a key the fallback took while it lay past the back.
        if (window.fallback_live == 0 || client_order_id > window.far_id_max) return kSlotNone;
      } else if (window.fallback_live == 0) {
        return kSlotNone;
      }
    }
    return fallback_.find(ClientKey{owner, client_order_id});
  }

  // Where find() or erase() of the key will look first, to prefetch ahead of them.
  const void* entry_address(Owner owner, std::uint64_t client_order_id) const {
    if (const Window* window = window_at(owner); window != nullptr) {
      const Chunk* chunk = chunk_of(*window, client_order_id);
      const std::uint64_t offset = client_order_id & (kChunkIds - 1);
      // The entry is the likely miss; the bits are dense and mostly cached.
      if (chunk != nullptr && chunk->slots) return &chunk->slots[offset];
      if (chunk != nullptr && chunk->bits) return &chunk->bits[offset >> 6];
    }
    return fallback_.home_address(ClientKey{owner, client_order_id});
  }

  // Precondition: no live order has the key of `slot`, (owner, client_order_id), which the order
  // holds. The caller passes the key: it has it at hand, where reading it back from the order would
  // follow the pool reference and reload the fields after the caller's own stores.
  void insert(std::uint32_t slot, Owner owner, std::uint64_t client_order_id) {
    if constexpr (kVerify) LOB_ASSERT(holds(slot, owner, client_order_id), "insert under another key than the order's");
    if constexpr (kVerify) LOB_ASSERT(find(owner, client_order_id) == kSlotNone, "duplicate client key");
    if (Window* found = window_for_insert(owner); found != nullptr) {
      Window& window = *found;
      window.id_max = std::max(window.id_max, client_order_id);
      if (place(window, client_order_id, slot)) return;
      window.fallback_live++;
      if (past_back(window, client_order_id)) {
        window.far_id_max = std::max(window.far_id_max, client_order_id);
      } else if (Chunk* chunk = chunk_of(window, client_order_id); chunk != nullptr && chunk->bits) {
        set_bit(*chunk, client_order_id & (kChunkIds - 1));  // A freed chunk that kept its bits.
      }
    }
    fallback_.insert(slot);
  }

  // Precondition: `slot` is live and indexed under (owner, client_order_id), the key its order
  // holds (passed in, as for insert).
  void erase(std::uint32_t slot, Owner owner, std::uint64_t client_order_id) {
    if constexpr (kVerify) LOB_ASSERT(holds(slot, owner, client_order_id), "erase under another key than the order's");
    if (Window* found = window_at(owner); found != nullptr) {
      Window& window = *found;
      const std::uint64_t offset = client_order_id & (kChunkIds - 1);
      // Most orders end young, their keys in the back chunk, which always has entries and bits.
      if ((client_order_id >> kChunkIdsShift) == window.back) [[likely]] {
        Chunk& back = window.chunks.back();
        if (!bit(back, offset)) return erase_from_fallback(window, slot);  // Taken while past the back.
        if constexpr (kVerify) LOB_ASSERT(back.slots[offset] == slot, "erase of a client key the window does not hold");
        remove(window, back, offset);
        return;
      }
      Chunk* chunk = chunk_of(window, client_order_id);
      if (chunk != nullptr && chunk->bits && bit(*chunk, offset)) {
        if (chunk->slots) {
          if constexpr (kVerify) LOB_ASSERT(chunk->slots[offset] == slot, "erase of a client key the window does not hold");
          remove(window, *chunk, offset);
          return;
        }
        clear_bit(*chunk, offset);
        erase_from_fallback(window, slot);
        drop_bits_if_sparse(window, *chunk);
        return;
      }
      erase_from_fallback(window, slot);
      return;
    }
    fallback_.erase(slot);
  }

  std::size_t size() const { return window_live_ + fallback_.size(); }

  // For validate(): whether the index holds exactly the live orders and find() answers each of
  // them, given for_each_live(visit), which calls visit(slot) once per live order, and `live`, a
  // flag per slot. Each window chunk's key count must equal the live orders whose bit it has set,
  // and its bits' population that same count (so no bit names a dead key); a chunk with entries
  // must hold all those orders in them; a live key in a chunk with bits whose bit is clear must be
  // one the fallback took past the back; every live key not held in a window entry must be found
  // in the fallback; the fallback's entries must be distinct live orders that no window entry holds; each
  // window's fallback_live must equal its owner's fallback entries; and window and fallback orders
  // must add up to live_count. That is a bijection, and what find() reads for each key. It reads
  // each live order once and each allocated chunk's bits once.
  template <class ForEachLive>
  bool holds_exactly(ForEachLive for_each_live, std::size_t live_count, const std::vector<bool>& live) const {
    std::vector<std::size_t> first_counter(windows_.size() + 1, 0);
    for (std::size_t index = 0; index < windows_.size(); index++) {
      first_counter[index + 1] = first_counter[index] + windows_[index].chunks.size();
    }
    std::vector<std::uint32_t> in_entries(first_counter.back(), 0);
    std::vector<std::uint32_t> with_bit(first_counter.back(), 0);
    std::vector<bool> in_window(live.size(), false);
    std::size_t window_orders = 0;
    bool consistent = true;
    for_each_live([&](std::uint32_t slot) {
      const Order& order = pool_.at(slot);
      const std::uint32_t window_index = window_of(order.owner);
      // Only the fallback can hold a key outside the window entries: find() looks it up there.
      const auto in_fallback = [&] {
        if (fallback_.find(ClientKey{order.owner, order.client_order_id}) != slot) consistent = false;
      };
      if (window_index == kNoWindow) return in_fallback();
      const Window& window = windows_[window_index];
      if (order.client_order_id > window.id_max) consistent = false;  // find() would miss it.
      const Chunk* chunk = chunk_of(window, order.client_order_id);
      if (chunk == nullptr || !chunk->bits) return in_fallback();
      const std::uint64_t offset = order.client_order_id & (kChunkIds - 1);
      const std::size_t counter = first_counter[window_index] + static_cast<std::size_t>(chunk - window.chunks.data());
      if (!bit(*chunk, offset)) {
        if (order.client_order_id > window.far_id_max) consistent = false;
        return in_fallback();
      }
      with_bit[counter]++;
      if (!chunk->slots) return in_fallback();
      if (chunk->slots[offset] != slot) {
        consistent = false;
        return;
      }
      in_entries[counter]++;
      in_window[slot] = true;
      window_orders++;
    });
    if (!consistent) return false;
    for (std::size_t index = 0; index < windows_.size(); index++) {
      const Window& window = windows_[index];
      for (std::size_t position = 0; position < window.chunks.size(); position++) {
        const Chunk& chunk = window.chunks[position];
        const std::size_t counter = first_counter[index] + position;
        if (chunk.slots && !chunk.bits) return false;
        const std::uint32_t entry_keys = chunk.slots ? chunk.keys : 0;
        if (in_entries[counter] != entry_keys || chunk.keys != with_bit[counter]) return false;
        std::uint32_t population = 0;
        if (chunk.bits) {
          for (std::size_t word = 0; word < kChunkBitWords; word++) population += std::popcount(chunk.bits[word]);
        }
        if (population != chunk.keys) return false;
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
    std::size_t bytes = chunks_allocated_ * kChunkIds * sizeof(std::uint32_t) +
                        bits_allocated_ * kChunkBitWords * sizeof(std::uint64_t) + fallback_.memory_bytes() +
                        owner_map_.capacity() * sizeof(std::uint32_t) + windows_.capacity() * sizeof(Window);
    for (const Window& window : windows_) bytes += window.chunks.capacity() * sizeof(Chunk);
    return bytes;
  }

 private:
  static constexpr std::uint32_t kNoWindow = 0xFFFFFFFFu;
  // No id's chunk number (ids are below 2^64, so their chunk numbers below 2^(64 - kChunkIdsShift)).
  static constexpr std::uint64_t kNoChunk = ~std::uint64_t{0};

  // 32 bytes, a power of two: the directory's size() and indexing are shifts, not a multiply by
  // the inverse of 24 on every lookup.
  struct alignas(32) Chunk {
    // Entries, read only where the bit is set (the others may be stale or never written). Null
    // before the chunk's first key and once it is freed.
    std::unique_ptr<std::uint32_t[]> slots;
    std::unique_ptr<std::uint64_t[]> bits;  // kChunkBitWords words; null when the chunk has none.
    // Set bits. A chunk with entries has never been freed (only the back is ever given entries),
    // so while it has them every set bit's key is in them: `keys` is then also its entries' count.
    std::uint32_t keys = 0;
  };
  static_assert(sizeof(Chunk) == 32, "a directory entry is a power of two bytes");

  struct Window {
    Owner owner;
    std::uint64_t base = 0;     // Chunk number of chunks[0].
    std::vector<Chunk> chunks;  // chunks[i] holds the ids [(base + i) * kChunkIds, ...).
    std::uint32_t fallback_live = 0;
    // The largest id the fallback took for lying past the back: a chunk allocated later may cover
    // it without its bit. Chunks are only allocated past the back, so below the back no other
    // fallback key can lack its bit in a chunk that has bits.
    std::uint64_t far_id_max = 0;
    // The largest id ever inserted for the owner, wherever it went: a larger one is not live.
    std::uint64_t id_max = 0;
    // Chunk number of chunks.back(), where fresh ids land (kNoChunk before the first): an insert
    // there skips the directory arithmetic.
    std::uint64_t back = kNoChunk;
  };

  static bool bit(const Chunk& chunk, std::uint64_t offset) {
    return (chunk.bits[offset >> 6] >> (offset & 63)) & 1;
  }
  static void set_bit(Chunk& chunk, std::uint64_t offset) {
    LOB_ASSERT(!bit(chunk, offset), "live bit set twice");
    chunk.bits[offset >> 6] |= std::uint64_t{1} << (offset & 63);
    chunk.keys++;
  }
  static void clear_bit(Chunk& chunk, std::uint64_t offset) {
    LOB_ASSERT(bit(chunk, offset) && chunk.keys > 0, "live bit cleared twice");
    chunk.bits[offset >> 6] &= ~(std::uint64_t{1} << (offset & 63));
    chunk.keys--;
  }

  // Whether a window entry names the live order of the key (the order is read: kVerify only).
  bool holds(std::uint32_t slot, Owner owner, std::uint64_t client_order_id) const {
    if (slot == kSlotNone || slot >= pool_.slots_used()) return false;
    const Order& order = pool_.at(slot);
    return order.id != 0 && order.client_order_id == client_order_id && order.owner == owner;
  }

  static bool past_back(const Window& window, std::uint64_t client_order_id) {
    return (client_order_id >> kChunkIdsShift) >= window.base + window.chunks.size();
  }

  static std::size_t owner_home(Owner owner) {
    return static_cast<std::size_t>((std::uint64_t{owner} * 0x9E3779B97F4A7C15ull) >> 40) & (kOwnerMapCapacity - 1);
  }

  // A command looks its owner up two or three times (the duplicate check, the insert, the erase of
  // a filled maker of the same owner), and a client's commands come in runs: the last owner found
  // is kept, so the repeat costs one compare instead of a hash and a probe. Only windows are cached
  // (as a pointer, which cache_window renews whenever windows_ grows), and the cache is always true:
  // it starts as (0, null) while no window exists, and only a found or created window replaces it
  // (windows are never removed). So a cached "no window" is only ever owner 0's before any window
  // exists; window_for_insert, which may create that window, does not trust it.
  std::uint32_t window_of(Owner owner) const {
    if (owner == cached_owner_) return cached_window_ == nullptr ? kNoWindow : static_cast<std::uint32_t>(cached_window_ - windows_.data());
    for (std::size_t position = owner_home(owner);; position = (position + 1) & (kOwnerMapCapacity - 1)) {
      const std::uint32_t index = owner_map_[position];
      if (index == kNoWindow) return index;
      if (windows_[index].owner == owner) return cache_window(owner, index);
    }
  }

  // window_of() as a pointer, null for no window: what the hot paths use, the cached one without
  // the index arithmetic.
  const Window* window_at(Owner owner) const {
    if (owner == cached_owner_) return cached_window_;
    const std::uint32_t index = window_of(owner);
    return index == kNoWindow ? nullptr : &windows_[index];
  }
  Window* window_at(Owner owner) { return const_cast<Window*>(std::as_const(*this).window_at(owner)); }

  std::uint32_t cache_window(Owner owner, std::uint32_t index) const {
    LOB_ASSERT(index < windows_.size() && windows_[index].owner == owner, "caching another owner's window");
    cached_owner_ = owner;
    // Stays valid: windows_ only grows in window_for_insert, which then caches the new window.
    cached_window_ = const_cast<Window*>(&windows_[index]);
    return index;
  }

  // The owner's window, created if there is room; null once kWindowOwnersMax are taken.
  Window* window_for_insert(Owner owner) {
    if (owner == cached_owner_ && cached_window_ != nullptr) return cached_window_;
    std::size_t position = owner_home(owner);
    for (;; position = (position + 1) & (kOwnerMapCapacity - 1)) {
      const std::uint32_t index = owner_map_[position];
      if (index == kNoWindow) break;
      if (windows_[index].owner == owner) return &windows_[cache_window(owner, index)];
    }
    if (windows_.size() == kWindowOwnersMax) return nullptr;
    owner_map_[position] = static_cast<std::uint32_t>(windows_.size());
    windows_.push_back(Window{owner, 0, {}, 0, 0, 0, kNoChunk});
    return &windows_[cache_window(owner, owner_map_[position])];
  }

  // The chunk whose range holds the id, freed or not; null outside the window.
  static const Chunk* chunk_of(const Window& window, std::uint64_t client_order_id) {
    const std::uint64_t number = client_order_id >> kChunkIdsShift;
    // Unsigned: an id below the window wraps to a huge index and fails the same test.
    if (number - window.base >= window.chunks.size()) return nullptr;
    return &window.chunks[number - window.base];
  }
  static Chunk* chunk_of(Window& window, std::uint64_t client_order_id) {
    return const_cast<Chunk*>(chunk_of(std::as_const(window), client_order_id));
  }

  // Stores the key in the window when its chunk is allocated, or is the first of the window, or
  // lies at most kGapChunksMax past the back (the back then advances); returns false (the caller
  // uses the fallback) otherwise: below the front, far past the back, or in a freed middle chunk.
  bool place(Window& window, std::uint64_t client_order_id, std::uint32_t slot) {
    const std::uint64_t number = client_order_id >> kChunkIdsShift;
    if (number == window.back) [[likely]] {
      if constexpr (kVerify) LOB_ASSERT(window.base + window.chunks.size() - 1 == number, "the back chunk number out of step");
      store(window.chunks.back(), client_order_id, slot);
      return true;
    }
    if (window.chunks.empty()) {
      window.base = number;
      window.back = number;
      window.chunks.emplace_back();
      allocate(window.chunks.back());
    }
    if (number < window.base || number - window.base >= window.chunks.size() + kGapChunksMax) return false;
    if (number - window.base >= window.chunks.size()) advance_back(window, number);
    Chunk& chunk = window.chunks[number - window.base];
    if (!chunk.slots) return false;
    store(chunk, client_order_id, slot);
    return true;
  }

  void store(Chunk& chunk, std::uint64_t client_order_id, std::uint32_t slot) {
    LOB_ASSERT(chunk.slots, "a key stored in a chunk without entries");
    const std::uint64_t offset = client_order_id & (kChunkIds - 1);
    set_bit(chunk, offset);
    chunk.slots[offset] = slot;
    window_live_++;
  }

  // Takes a key out of the chunk's entries (its bit only: the entry goes stale); a middle chunk left
  // sparser than kChunkLiveMin moves its other keys to the fallback and frees its entries.
  void remove(Window& window, Chunk& chunk, std::uint64_t offset) {
    LOB_ASSERT(chunk.slots && window_live_ > 0, "erase from a chunk without entries");
    clear_bit(chunk, offset);
    window_live_--;
    const bool is_back = &chunk == &window.chunks.back();
    if (!is_back && chunk.keys < kChunkLiveMin) {
      evict(window, chunk);
      chunk.slots.reset();
      chunks_allocated_--;
      drop_bits_if_sparse(window, chunk);
    }
  }

  void erase_from_fallback(Window& window, std::uint32_t slot) {
    LOB_ASSERT(window.fallback_live > 0, "erase of a client key held nowhere");
    window.fallback_live--;
    if (window.fallback_live == 0) window.far_id_max = 0;
    fallback_.erase(slot);
  }

  // A freed middle chunk with fewer than kChunkKeysMin keys gives up its bits (its keys stay in the
  // fallback, found there like any key of a range without bits); the front then trims.
  void drop_bits_if_sparse(Window& window, Chunk& chunk) {
    if (chunk.slots || !chunk.bits || chunk.keys >= kChunkKeysMin || &chunk == &window.chunks.back()) return;
    chunk.bits.reset();
    chunk.keys = 0;
    bits_allocated_--;
    trim_front(window);  // May move the chunks: `chunk` is not used after this.
  }

  // Makes chunk `number` the back. The old back becomes a middle chunk: it stays if it is dense
  // enough, otherwise its keys move to the fallback and its entries buffer (whose entries need no
  // clearing: the new back's bits are all clear) becomes the new back's, so an owner whose ids
  // advance faster than its orders live does not allocate entries per chunk.
  //
  // This and the other paths that allocate, free or move keys are out of line: the engine's
  // handlers inline the index (flatten), and these rare paths, inlined there, cost the common ones
  // registers.
  [[gnu::noinline]] void advance_back(Window& window, std::uint64_t number) {
    const std::size_t old_back = window.chunks.size() - 1;
    while (window.chunks.size() <= number - window.base) window.chunks.emplace_back();
    window.back = number;
    Chunk& previous = window.chunks[old_back];
    Chunk& back = window.chunks.back();
    LOB_ASSERT(previous.slots && !back.slots, "the back chunk is allocated, chunks past it are not");
    if (previous.keys >= kChunkLiveMin) {
      allocate(back);
      return;
    }
    evict(window, previous);
    back.slots = std::move(previous.slots);
    allocate_bits(back);
    drop_bits_if_sparse(window, previous);
  }

  // Moves every key held in the chunk's entries to the fallback; their bits stay set.
  [[gnu::noinline]] void evict(Window& window, Chunk& chunk) {
    LOB_ASSERT(chunk.slots && window_live_ >= chunk.keys, "evict of a chunk without entries");
    for (std::size_t word = 0; word < kChunkBitWords; word++) {
      for (std::uint64_t bits = chunk.bits[word]; bits != 0; bits &= bits - 1) {
        const std::uint32_t slot = chunk.slots[word * 64 + static_cast<std::size_t>(std::countr_zero(bits))];
        fallback_.insert(slot);
        window.fallback_live++;
      }
    }
    window_live_ -= chunk.keys;
  }

  [[gnu::noinline]] void allocate(Chunk& chunk) {
    // Entries need no initial value: one is read only while its bit is set, after it was written.
    chunk.slots = std::make_unique_for_overwrite<std::uint32_t[]>(kChunkIds);
    chunks_allocated_++;
    allocate_bits(chunk);
  }

  void allocate_bits(Chunk& chunk) {
    LOB_ASSERT(!chunk.bits && chunk.keys == 0, "a chunk's bits allocated twice");
    chunk.bits = std::make_unique<std::uint64_t[]>(kChunkBitWords);  // Zeroed.
    bits_allocated_++;
  }

  // Drops the chunks at the front that have neither entries nor bits, so the directory spans only
  // the oldest chunk with either to the back (the back always has both).
  [[gnu::noinline]] void trim_front(Window& window) {
    std::size_t freed_front = 0;
    while (freed_front + 1 < window.chunks.size() && !window.chunks[freed_front].slots &&
           !window.chunks[freed_front].bits) {
      freed_front++;
    }
    if (freed_front == 0) return;
    window.chunks.erase(window.chunks.begin(), window.chunks.begin() + static_cast<std::ptrdiff_t>(freed_front));
    window.base += freed_front;
  }

  // Tests flip live bits through it to check that holds_exactly() sees it; only a test defines it.
  friend struct ClientIndexTestAccess;

  const OrderPool& pool_;
  OrderIndex<ClientKeyOps> fallback_;
  std::vector<std::uint32_t> owner_map_;  // Open addressing, owner -> index in windows_.
  std::vector<Window> windows_;           // Never shrinks: owners are few and come back.
  std::size_t window_live_ = 0;
  std::size_t chunks_allocated_ = 0;
  std::size_t bits_allocated_ = 0;
  // The last owner window_of() or window_for_insert() found (see window_of). Mutable: a lookup
  // caches it; the index has a single writer thread, which also runs every query.
  mutable Owner cached_owner_ = 0;
  mutable Window* cached_window_ = nullptr;  // The owner's window; null only before any window exists.
};

}  // namespace lob
