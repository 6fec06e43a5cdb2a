// One side of one book: its levels in price order, best first, in one of two forms.
//
// Direct: the books give a ladder a range of level indices, one per tick of its instrument's band
// (OrderBooks::level_for, while the engine's budget of such levels lasts), so the level of a price
// is base + its tick, with no search, and a TickBitmap of the ticks that hold a level finds the best
// and the next best. Creating or emptying a level anywhere is O(1) plus, when the best empties, a
// bitmap scan to the next one. The key of a tick is the tick for bids and ticks - 1 - tick for asks,
// so the best level has the highest key on both sides.
//
// Sorted (a band too wide for a direct range, or no budget left): the prices of its levels sorted
// worst to best, so that the best level is at the back. Matching consumes the back (pop_back when a
// level empties), so it is O(1) amortised. Keys are distinct multiples of the tick, so the level `d`
// ticks behind the best is at most `d` ranks behind it, and exactly `d` when every tick between
// holds a level, as near the touch of a busy book: find() probes that rank first (one load), and
// otherwise searches only the ranks above it. A new level far from the touch costs that search and
// a memmove of the levels behind it. Sorting key: bids use the price, asks the negated price (prices
// are > 0), so keys ascend from worst to best on both sides and one search serves both. Levels are
// parallel to keys.
//
// A ladder is undecided until its first level; insert() makes it sorted, make_direct() direct. A
// book of 400,000 orders at random prices over 60,000 ticks rested them at 333 ns each (sorted: 587)
// and cancelled them at 191 ns each (sorted: 402); bench:book's book, about 180 levels a side,
// gained 1.5%.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "assert.hpp"
#include "protocol.hpp"
#include "tick_bitmap.hpp"

namespace lob {

// 128 bytes, a power of two: the books find a (symbol, side)'s ladder with a shift, not a multiply.
class alignas(128) PriceLadder {
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
  bool direct() const { return mode_ == Mode::Direct; }
  bool undecided() const { return mode_ == Mode::Undecided; }
  bool empty() const { return size() == 0; }
  std::size_t size() const { return direct() ? direct_size_ : keys_.size(); }

  std::uint32_t best_level() const {
    LOB_ASSERT(!empty(), "best level of an empty ladder");
    if constexpr (kVerify) LOB_ASSERT(!direct() || best_level_ == level_base_ + tick_of_key(best_key_), "best level out of step with the best key");
    return direct() ? best_level_ : levels_.back();
  }
  Price best_price() const {
    LOB_ASSERT(!empty(), "best price of an empty ladder");
    return direct() ? price_of_tick(tick_of_key(best_key_)) : price_of(keys_.back());
  }

  // Calls visit(level index, price) for each level, best first, until it returns false.
  template <class Visit>
  void for_each_entry(Visit visit) const {
    if (direct()) {
      for (std::uint32_t key = best_key_; key != TickBitmap::kNone;) {
        const std::uint32_t tick = tick_of_key(key);
        if (!visit(level_base_ + tick, price_of_tick(tick))) return;
        key = key_below(key);
      }
      return;
    }
    for (std::size_t rank = 0; rank < levels_.size(); rank++) {
      const std::size_t index = levels_.size() - 1 - rank;
      if (!visit(levels_[index], price_of(keys_[index]))) return;
    }
  }

  // Calls visit(level index) for each level, best first, until it returns false.
  template <class Visit>
  void for_each_level(Visit visit) const {
    for_each_entry([&visit](std::uint32_t level, Price) { return visit(level); });
  }

  // ---- Direct ladders ----

  // Makes an undecided ladder direct over the prices low, low + tick, ... (`ticks` of them), whose
  // levels are level_base + 0, 1, ...
  void make_direct(std::uint32_t level_base, Price low, std::uint32_t ticks) {
    LOB_ASSERT(undecided() && keys_.empty(), "a ladder is made direct before its first level");
    LOB_ASSERT(low > 0 && low % tick_ == 0, "a direct range starts on a positive tick");
    mode_ = Mode::Direct;
    level_base_ = level_base;
    low_ = low;
    keys_by_tick_ = TickBitmap(ticks);
  }
  // The run of levels a direct ladder owns: direct_base() + 0 .. direct_ticks() - 1.
  std::uint32_t direct_base() const { return level_base_; }
  std::uint32_t direct_ticks() const { return keys_by_tick_.ticks(); }

  bool covers(Price price) const {
    return direct() && price >= low_ && ticks_between(price, low_) < keys_by_tick_.ticks() &&
           (tick_ == 1 || price % tick_ == 0);
  }
  // The level index of a price of the range, whether or not it holds a level (one division, none
  // for a tick of 1).
  std::uint32_t direct_level(Price price) const {
    LOB_ASSERT_BOUNDS(covers(price), "price outside the direct range");
    return level_base_ + static_cast<std::uint32_t>(ticks_between(price, low_));
  }
  // The level `level` (a direct_level() of this ladder) was made live / emptied.
  void mark(std::uint32_t level) {
    const std::uint32_t key = key_of_level(level);
    keys_by_tick_.set(key);
    if (direct_size_ == 0 || key > best_key_) set_best_key(key);
    direct_size_++;
  }
  void unmark(std::uint32_t level) {
    LOB_ASSERT(direct_size_ > 0, "unmark in an empty ladder");
    const std::uint32_t key = key_of_level(level);
    keys_by_tick_.clear(key);
    direct_size_--;
    if (key == best_key_) set_best_key(keys_by_tick_.highest_at_or_below(key));
    LOB_ASSERT((direct_size_ == 0) == (best_key_ == TickBitmap::kNone), "best key out of step with the size");
  }

  // ---- Sorted ladders ----

  std::uint32_t level_at(Position position) const {
    LOB_ASSERT_BOUNDS(position.found && position.index < levels_.size(), "ladder position out of range");
    return levels_[position.index];
  }

  Position find(Price price) const {
    LOB_ASSERT(!direct(), "find() is the sorted ladders' search");
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
    LOB_ASSERT(!direct(), "insert() is the sorted ladders'");
    mode_ = Mode::Sorted;
    LOB_ASSERT(!position.found, "insert of an existing price");
    LOB_ASSERT(position.index <= keys_.size(), "insert position out of range");
    const std::int64_t key = key_of(price);
    LOB_ASSERT(position.index == 0 || keys_[position.index - 1] < key, "ladder order (below)");
    LOB_ASSERT(position.index == keys_.size() || key < keys_[position.index], "ladder order (above)");
    keys_.insert(keys_.begin() + static_cast<std::ptrdiff_t>(position.index), key);
    levels_.insert(levels_.begin() + static_cast<std::ptrdiff_t>(position.index), level);
  }

  void pop_best() {
    LOB_ASSERT(!direct() && !keys_.empty(), "pop of an empty ladder");
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
    if (direct()) {
      for (std::uint32_t key = best_key_; key != TickBitmap::kNone;) {
        const std::uint32_t level = level_base_ + tick_of_key(key);
        // Clearing `key` leaves the keys below it, where the walk goes on, as they were.
        const std::uint32_t below = key_below(key);
        if (is_empty(level)) {
          keys_by_tick_.clear(key);
          direct_size_--;
          release(level);
        }
        key = below;
      }
      set_best_key(direct_size_ == 0 ? TickBitmap::kNone : keys_by_tick_.highest_at_or_below(keys_by_tick_.ticks() - 1));
      return;
    }
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
    return keys_.capacity() * sizeof(std::int64_t) + levels_.capacity() * sizeof(std::uint32_t) +
           keys_by_tick_.memory_bytes();
  }

  // Strictly ascending keys: bids strictly descending from best, asks strictly ascending. A direct
  // ladder is ordered by construction.
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
    // A 64-bit division costs tens of cycles; most instruments trade in ticks of 1. An if, not a ?:
    // GCC 12 folds `tick_ == 1 ? difference : difference / tick_` into the division alone.
    if (tick_ == 1) [[likely]] return difference;
    return difference / static_cast<std::uint64_t>(tick_);
  }

  std::int64_t key_of(Price price) const { return side_ == Side::Buy ? price : -price; }
  Price price_of(std::int64_t key) const { return side_ == Side::Buy ? key : -key; }

  // Direct ladders: a tick's key and back (an involution), a level's key, and a tick's price.
  std::uint32_t key_of_tick(std::uint32_t tick) const { return side_ == Side::Buy ? tick : keys_by_tick_.ticks() - 1 - tick; }
  std::uint32_t tick_of_key(std::uint32_t key) const { return key_of_tick(key); }
  // The next level's key walking from best to worst, or TickBitmap::kNone.
  std::uint32_t key_below(std::uint32_t key) const {
    return key == 0 ? TickBitmap::kNone : keys_by_tick_.highest_at_or_below(key - 1);
  }
  std::uint32_t key_of_level(std::uint32_t level) const {
    LOB_ASSERT(direct() && level - level_base_ < keys_by_tick_.ticks(), "level outside the direct range");
    return key_of_tick(level - level_base_);
  }
  Price price_of_tick(std::uint32_t tick) const { return low_ + static_cast<Price>(tick) * tick_; }
  // best_level_ is derived from best_key_ here, once per change, not on each of the match loop's reads.
  void set_best_key(std::uint32_t key) {
    best_key_ = key;
    best_level_ = key == TickBitmap::kNone ? 0 : level_base_ + tick_of_key(key);
  }

  enum class Mode : std::uint8_t { Undecided, Sorted, Direct };

  Side side_;
  Mode mode_ = Mode::Undecided;
  Price tick_;
  // Sorted ladders.
  std::vector<std::int64_t> keys_;
  std::vector<std::uint32_t> levels_;
  // Direct ladders.
  std::uint32_t level_base_ = 0;
  Price low_ = 0;
  TickBitmap keys_by_tick_;
  std::uint32_t best_key_ = TickBitmap::kNone;
  std::uint32_t best_level_ = 0;  // level_base_ + tick_of_key(best_key_) while the ladder is not empty.
  std::size_t direct_size_ = 0;
};
static_assert(sizeof(PriceLadder) == 128, "a ladder stays a power of two bytes");

}  // namespace lob
