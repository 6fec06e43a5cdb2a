// One side of one book: the prices of its levels, sorted worst to best so that the best level is at
// the back. Matching consumes the back (pop_back when a level empties) and most new orders arrive
// near the touch, so both ends of the common work are O(1) amortised; a price far from the touch
// costs a binary search and a memmove of the levels behind it.
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
  // Steps of the linear scan from the touch before falling back to a binary search.
  static constexpr std::size_t kScanStepsMax = 8;

  explicit PriceLadder(Side side) : side_(side) {}

  struct Position {
    std::size_t index;  // Of the level with the price, or where a new level would be inserted.
    bool found;
  };

  Side side() const { return side_; }
  bool empty() const { return keys_.empty(); }
  std::size_t size() const { return keys_.size(); }

  // Rank 0 is the best level.
  std::uint32_t level_at_rank(std::size_t rank) const {
    LOB_ASSERT(rank < levels_.size(), "ladder rank out of range");
    return levels_[levels_.size() - 1 - rank];
  }
  Price price_at_rank(std::size_t rank) const {
    LOB_ASSERT(rank < keys_.size(), "ladder rank out of range");
    return price_of(keys_[keys_.size() - 1 - rank]);
  }
  std::uint32_t level_at(Position position) const {
    LOB_ASSERT(position.found && position.index < levels_.size(), "ladder position out of range");
    return levels_[position.index];
  }
  std::uint32_t best_level() const { return level_at_rank(0); }
  Price best_price() const { return price_at_rank(0); }

  Position find(Price price) const {
    LOB_ASSERT(price > 0, "ladder prices are positive");
    const std::int64_t key = key_of(price);
    std::size_t index = keys_.size();
    for (std::size_t step = 0; step < kScanStepsMax; step++) {
      if (index == 0 || keys_[index - 1] < key) return Position{index, false};
      if (keys_[index - 1] == key) return Position{index - 1, true};
      index--;
    }
    const std::size_t found_index = lower_bound(key, index);
    return Position{found_index, found_index != index && keys_[found_index] == key};
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
  // The first index in [0, end) whose key is not below `key` (end if none), without a branch on
  // the comparisons: prices far from the touch are random, so std::lower_bound's branches
  // mispredicted about every other step and the search was 40% of append() in bench:book.
  std::size_t lower_bound(std::int64_t key, std::size_t end) const {
    if (end == 0) return 0;
    const std::int64_t* base = keys_.data();
    std::size_t length = end;
    while (length > 1) {
      const std::size_t half = length / 2;
      // Invariant: the answer is in [base, base + length]; base[half - 1] < key moves it past.
      // A mask, not a ?: GCC 12 compiles the conditional into a branch here.
      base += half & (std::size_t{0} - static_cast<std::size_t>(base[half - 1] < key));
      length -= half;
    }
    const std::size_t index = static_cast<std::size_t>(base - keys_.data()) + (*base < key ? 1 : 0);
    LOB_ASSERT(index <= end && (index == end || keys_[index] >= key), "lower bound past the key");
    LOB_ASSERT(index == 0 || keys_[index - 1] < key, "lower bound before the key");
    return index;
  }

  std::int64_t key_of(Price price) const { return side_ == Side::Buy ? price : -price; }
  Price price_of(std::int64_t key) const { return side_ == Side::Buy ? key : -key; }

  Side side_;
  std::vector<std::int64_t> keys_;
  std::vector<std::uint32_t> levels_;
};

}  // namespace lob
