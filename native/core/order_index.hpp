// Open-addressing hash index from a key of a live order to its pool slot. Entries are u32 (slot
// plus a few hash bits): the key itself is compared by dereferencing the pool, which keeps the table
// at 4 bytes per entry (the memory budget is 64 bytes per resting order, of which the Order takes 40).
//
// Linear probing with backward-shift deletion (no tombstones), so a long-running book never
// degrades; power-of-two capacity that doubles before the load exceeds kLoadPercentMax.
//
// Its key is (owner, client order id): it is the fallback of the per-owner windows of
// client_index.hpp. The engine order id has a direct table (id_table.hpp).
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "assert.hpp"
#include "hash.hpp"
#include "order_pool.hpp"

namespace lob {

struct ClientKey {
  Owner owner;
  std::uint64_t client_order_id;
};

struct ClientKeyOps {
  using Key = ClientKey;
  static std::uint64_t hash(Key key) {
    return mix64(key.client_order_id ^ mix64(std::uint64_t{key.owner} + 0x9E3779B97F4A7C15ull));
  }
  static Key key_of(const Order& order) { return ClientKey{order.owner, order.client_order_id}; }
  static bool equal(const Order& order, Key key) {
    return order.owner == key.owner && order.client_order_id == key.client_order_id;
  }
};

// An entry packs, in 32 bits, the slot (slot_bits = bit_width(orders_max) bits, so a valid entry is
// never kEntryEmpty) and, in the bits left over, the entry's probe distance from its home position
// (saturated: the maximum means "look it up") and a tag of hash bits. The tag lets a probe skip
// non-matching entries, and the distance lets deletion shift entries back, without dereferencing
// their orders: each dereference is a likely cache miss in a deep book. With orders_max near 2^30
// no bits are left over and every probe dereferences, which is slower but still correct.
template <class KeyOps>
class OrderIndex {
 public:
  using Key = typename KeyOps::Key;
  static constexpr std::size_t kCapacityMin = 1024;
  static constexpr std::size_t kLoadPercentMax = 70;
  static constexpr std::uint32_t kEntryEmpty = 0xFFFFFFFFu;

  OrderIndex(const OrderPool& pool, std::uint32_t orders_max)
      : pool_(pool),
        slot_bits_(static_cast<unsigned>(std::bit_width(orders_max))),
        distance_bits_((32 - slot_bits_) / 2),
        tag_bits_(32 - slot_bits_ - distance_bits_),
        slot_mask_(slot_bits_ >= 32 ? 0xFFFFFFFFu : (1u << slot_bits_) - 1),
        distance_max_((1u << distance_bits_) - 1),
        entries_(kCapacityMin, kEntryEmpty) {
    LOB_ASSERT(orders_max > 0 && slot_bits_ <= 31, "orders_max must leave the empty entry free");
    LOB_ASSERT(slot_bits_ + distance_bits_ + tag_bits_ == 32, "entry bits add up");
  }

  std::uint32_t find(Key key) const {
    const std::uint64_t hash = KeyOps::hash(key);
    const std::uint32_t tag = tag_of(hash);
    const std::size_t mask = entries_.size() - 1;
    for (std::size_t position = hash & mask;; position = (position + 1) & mask) {
      const std::uint32_t entry = entries_[position];
      if (entry == kEntryEmpty) return kSlotNone;
      if (tag_in(entry) != tag) continue;
      const std::uint32_t slot = entry & slot_mask_;
      if (KeyOps::equal(pool_.at(slot), key)) return slot;
    }
  }

  // The table position a probe for `key` starts at, to prefetch ahead of find() or erase().
  const void* home_address(Key key) const { return &entries_[KeyOps::hash(key) & (entries_.size() - 1)]; }

  // Precondition: no live entry has the key of `slot`.
  void insert(std::uint32_t slot) {
    LOB_ASSERT(slot < slot_mask_, "slot does not fit the entry");
    if ((count_ + 1) * 100 > entries_.size() * kLoadPercentMax) grow();
    if constexpr (kVerify) LOB_ASSERT(find(KeyOps::key_of(pool_.at(slot))) == kSlotNone, "duplicate key in order index");
    place(slot, KeyOps::hash(KeyOps::key_of(pool_.at(slot))));
    count_++;
    LOB_ASSERT(count_ * 100 <= entries_.size() * kLoadPercentMax, "order index overloaded");
  }

  // Precondition: `slot` is indexed (under the key its order holds now).
  void erase(std::uint32_t slot) {
    LOB_ASSERT(count_ > 0, "erase from an empty order index");
    const std::size_t mask = entries_.size() - 1;
    std::size_t hole = KeyOps::hash(KeyOps::key_of(pool_.at(slot))) & mask;
    while ((entries_[hole] & slot_mask_) != slot) {
      LOB_ASSERT(entries_[hole] != kEntryEmpty, "erase of an order that is not indexed");
      hole = (hole + 1) & mask;
    }
    shift_back(hole);
    count_--;
  }

  std::size_t size() const { return count_; }
  std::size_t capacity() const { return entries_.size(); }
  // The slot at a table position, or kSlotNone (for validate()).
  std::uint32_t entry(std::size_t position) const {
    const std::uint32_t value = entries_[position];
    return value == kEntryEmpty ? kSlotNone : value & slot_mask_;
  }
  std::size_t memory_bytes() const { return entries_.capacity() * sizeof(std::uint32_t); }

 private:
  std::uint32_t tag_of(std::uint64_t hash) const {
    return tag_bits_ == 0 ? 0 : static_cast<std::uint32_t>(hash >> (64 - tag_bits_));
  }
  std::uint32_t tag_in(std::uint32_t entry) const {
    return tag_bits_ == 0 ? 0 : entry >> (slot_bits_ + distance_bits_);
  }
  std::uint32_t make_entry(std::uint32_t slot, std::size_t distance, std::uint32_t tag) const {
    const auto saturated = static_cast<std::uint32_t>(distance < distance_max_ ? distance : distance_max_);
    const std::uint32_t upper = tag_bits_ == 0 ? 0 : tag << (slot_bits_ + distance_bits_);
    return upper | (distance_bits_ == 0 ? 0 : saturated << slot_bits_) | slot;
  }
  // The home position of the entry at `position`: from its stored distance, else from its key.
  std::size_t home_of(std::uint32_t entry, std::size_t position, std::size_t mask) const {
    const std::uint32_t distance = distance_bits_ == 0 ? distance_max_ : (entry >> slot_bits_) & distance_max_;
    if (distance < distance_max_) return (position - distance) & mask;
    return KeyOps::hash(KeyOps::key_of(pool_.at(entry & slot_mask_))) & mask;
  }

  void place(std::uint32_t slot, std::uint64_t hash) {
    const std::size_t mask = entries_.size() - 1;
    const std::size_t home = hash & mask;
    std::size_t position = home;
    while (entries_[position] != kEntryEmpty) position = (position + 1) & mask;
    entries_[position] = make_entry(slot, (position - home) & mask, tag_of(hash));
  }

  // Fills the hole left by a deletion with the next entry of the cluster that may legally move
  // back (its home is not cyclically within (hole, position]); repeats until the cluster ends.
  void shift_back(std::size_t hole) {
    const std::size_t mask = entries_.size() - 1;
    std::size_t position = (hole + 1) & mask;
    while (entries_[position] != kEntryEmpty) {
      const std::uint32_t entry = entries_[position];
      const std::size_t home = home_of(entry, position, mask);
      if (((position - home) & mask) >= ((position - hole) & mask)) {
        entries_[hole] = make_entry(entry & slot_mask_, (hole - home) & mask, tag_in(entry));
        hole = position;
      }
      position = (position + 1) & mask;
    }
    entries_[hole] = kEntryEmpty;
  }

  // Out of line: the engine's handlers inline the index (flatten), and this rare path, inlined
  // there, cost the common ones registers.
  [[gnu::noinline]] void grow() {
    std::vector<std::uint32_t> old(entries_.size() * 2, kEntryEmpty);
    old.swap(entries_);
    for (const std::uint32_t entry : old) {
      if (entry == kEntryEmpty) continue;
      const std::uint32_t slot = entry & slot_mask_;
      place(slot, KeyOps::hash(KeyOps::key_of(pool_.at(slot))));
    }
  }

  const OrderPool& pool_;
  unsigned slot_bits_;
  unsigned distance_bits_;
  unsigned tag_bits_;
  std::uint32_t slot_mask_;
  std::uint32_t distance_max_;
  std::vector<std::uint32_t> entries_;
  std::size_t count_ = 0;
};

}  // namespace lob
