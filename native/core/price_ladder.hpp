// One side of one book: the prices of its levels, sorted worst to best so that the best level is at
// the back. Matching consumes the back (pop_back when a level empties), so it is O(1) amortised.
//
// Finding a price. Keys are distinct multiples of the tick, so the level `d` ticks behind the best
// is at most `d` ranks behind it, and exactly `d` when every tick between holds a level, as near
// the touch of a busy book. find() probes that rank first (one load), and otherwise searches only
// the ranks above it. A new level far from the touch costs that search and a memmove of the levels
// behind it.
//
// Sorting key: bids use the price, asks the negated price (prices are > 0), so keys ascend from
// worst to best on both sides and one search serves both. Levels are parallel to keys.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "assert.hpp"
#include "protocol.hpp"

namespace lob {

class PriceLadder {
 public:
  // `tick`: the instrument's tick size; every price of the ladder is a multiple of it.
  explicit PriceLadder(Side side, Price tick = 1) : side_(side), tick_(tick) {
    LOB_ASSERT(tick >= 1, "tick size must be positive");
  }

  struct Position {
    std::size_t index;  // Of the level with the price, or where a new level would be inserted.
    bool found;
  };

  Side side() const { return side_; }
  bool empty() const { return keys_.empty(); }
  std::size_t size() const { return keys_.size(); }

  // Rank 0 is the best level.
  std::uint32_t level_at_rank(std::size_t rank) const {
    LOB_ASSERT_BOUNDS(rank < levels_.size(), "ladder rank out of range");
    return levels_[levels_.size() - 1 - rank];
  }
  Price price_at_rank(std::size_t rank) const {
    LOB_ASSERT_BOUNDS(rank < keys_.size(), "ladder rank out of range");
    return price_of(keys_[keys_.size() - 1 - rank]);
  }
  std::uint32_t level_at(Position position) const {
    LOB_ASSERT_BOUNDS(position.found && position.index < levels_.size(), "ladder position out of range");
    return levels_[position.index];
  }
  std::uint32_t best_level() const { return level_at_rank(0); }
  Price best_price() const { return price_at_rank(0); }

  Position find(Price price) const {
    LOB_ASSERT(price > 0, "ladder prices are positive");
    const std::int64_t key = key_of(price);
    const std::size_t size = keys_.size();
    if (size == 0 || keys_[size - 1] < key) return Position{size, false};
    const std::uint64_t distance = ticks_between(keys_[size - 1], key);
    std::size_t low = 0;
    if (distance < size) {
      low = size - 1 - static_cast<std::size_t>(distance);
      LOB_ASSERT(keys_[low] <= key, "more levels than ticks between a price and the best");
      if (keys_[low] == key) return Position{low, true};
      low++;
    }
    const std::size_t index = lower_bound(key, low, size);
    return Position{index, keys_[index] == key};
  }

  void insert(Position position, Price price, std::uint32_t level) {
    LOB_ASSERT(!position.found, "insert of an existing price");
    LOB_ASSERT(position.index <= keys_.size(), "insert position out of range");
    const std::int64_t key = key_of(price);
    LOB_ASSERT(position.index == 0 || keys_[position.index - 1] < key, "ladder order (below)");
    LOB_ASSERT(position.index == keys_.size() || key < keys_[position.index], "ladder order (above)");
    keys_.insert(keys_.begin() + static_cast<std::ptrdiff_t>(position.index), key);
    levels_.insert(levels_.begin() + static_cast<std::ptrdiff_t>(position.index), level);
  }

  void pop_best() {
    LOB_ASSERT(!keys_.empty(), "pop of an empty ladder");
    keys_.pop_back();
    levels_.pop_back();
  }

  // Removes the level at `price`, which must be in the ladder.
  void erase(Price price, std::uint32_t level) {
    const Position position = find(price);
    LOB_ASSERT(position.found, "erase of a price not in the ladder");
    LOB_ASSERT(levels_[position.index] == level, "ladder level mismatch");
    keys_.erase(keys_.begin() + static_cast<std::ptrdiff_t>(position.index));
    levels_.erase(levels_.begin() + static_cast<std::ptrdiff_t>(position.index));
  }

  // Removes, in one pass, every level for which `is_empty(level)` holds, calling `release(level)`
  // on each. Mass cancel empties many levels at once; erasing them one by one would be quadratic.
  template <class IsEmpty, class Release>
  void remove_levels_if(IsEmpty is_empty, Release release) {
    std::size_t kept = 0;
    for (std::size_t index = 0; index < levels_.size(); index++) {
      if (is_empty(levels_[index])) {
        release(levels_[index]);
      } else {
        keys_[kept] = keys_[index];
        levels_[kept] = levels_[index];
        kept++;
      }
    }
    keys_.resize(kept);
    levels_.resize(kept);
  }

  std::size_t memory_bytes() const {
    return keys_.capacity() * sizeof(std::int64_t) + levels_.capacity() * sizeof(std::uint32_t);
  }

  // Strictly ascending keys: bids strictly descending from best, asks strictly ascending.
  bool sorted() const {
    for (std::size_t index = 1; index < keys_.size(); index++) {
      if (!(keys_[index - 1] < keys_[index])) return false;
    }
    return true;
  }

 private:
  // The first index in [begin, end) whose key is not below `key`, given that keys_[end - 1] is
  // not, without a branch on the comparisons: prices far from the touch are random, so
  // std::lower_bound's branches mispredicted about every other step and the search was 40% of
  // append() in bench:book.
  std::size_t lower_bound(std::int64_t key, std::size_t begin, std::size_t end) const {
    LOB_ASSERT(begin < end && end <= keys_.size() && keys_[end - 1] >= key, "search range holds the key's place");
    const std::int64_t* base = keys_.data() + begin;
    std::size_t length = end - begin;
    while (length > 1) {
      const std::size_t half = length / 2;
      // Invariant: the answer is in [base, base + length); base[half - 1] < key moves it past.
      // A mask, not a ?: GCC 12 compiles the conditional into a branch here.
      base += half & (std::size_t{0} - static_cast<std::size_t>(base[half - 1] < key));
      length -= half;
    }
    const std::size_t index = static_cast<std::size_t>(base - keys_.data());
    LOB_ASSERT(keys_[index] >= key, "lower bound before the key");
    LOB_ASSERT(index == begin || keys_[index - 1] < key, "lower bound past the key");
    return index;
  }

  // Ticks from a key to a key at or behind it.
  std::uint64_t ticks_between(std::int64_t best_key, std::int64_t key) const {
    const auto difference = static_cast<std::uint64_t>(best_key - key);
    // A 64-bit division costs tens of cycles; most instruments trade in ticks of 1.
    return tick_ == 1 ? difference : difference / static_cast<std::uint64_t>(tick_);
  }

  std::int64_t key_of(Price price) const { return side_ == Side::Buy ? price : -price; }
  Price price_of(std::int64_t key) const { return side_ == Side::Buy ? key : -key; }

  Side side_;
  Price tick_;
  std::vector<std::int64_t> keys_;
  std::vector<std::uint32_t> levels_;
};

}  // namespace lob
