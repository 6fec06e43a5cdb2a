// One bit per tick of a price range, with a summary bit per word, for the direct ladders of
// price_ladder.hpp: which ticks hold a level, and the highest one at or below a given tick.
//
// The summary keeps a search over a sparse range short: a word of ticks is skipped by one bit, so
// finding the next level below an emptied best reads at most two bitmap words and the summary words
// between them (kTicksMax / 4096 of them at most).
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "assert.hpp"

namespace lob {

class TickBitmap {
 public:
  static constexpr std::uint32_t kNone = 0xFFFFFFFFu;
  static constexpr std::uint32_t kTicksMax = 1u << 16;

  TickBitmap() = default;
  explicit TickBitmap(std::uint32_t ticks)
      : ticks_(ticks),
        words_(std::make_unique<std::uint64_t[]>(words_for(ticks))),
        summary_(std::make_unique<std::uint64_t[]>(words_for(words_for(ticks)))) {
    LOB_ASSERT(ticks > 0 && ticks <= kTicksMax, "tick bitmap size out of range");
  }

  std::uint32_t ticks() const { return ticks_; }

  bool test(std::uint32_t tick) const {
    LOB_ASSERT_BOUNDS(tick < ticks_, "tick out of range");
    return (words_[tick >> 6] >> (tick & 63)) & 1;
  }

  void set(std::uint32_t tick) {
    LOB_ASSERT(tick < ticks_ && !test(tick), "tick set twice");
    const std::uint32_t word = tick >> 6;
    words_[word] |= std::uint64_t{1} << (tick & 63);
    summary_[word >> 6] |= std::uint64_t{1} << (word & 63);
  }

  void clear(std::uint32_t tick) {
    LOB_ASSERT(tick < ticks_ && test(tick), "tick cleared twice");
    const std::uint32_t word = tick >> 6;
    words_[word] &= ~(std::uint64_t{1} << (tick & 63));
    if (words_[word] == 0) summary_[word >> 6] &= ~(std::uint64_t{1} << (word & 63));
  }

  // The highest set tick <= `tick`, or kNone. `tick` may be kNone (then the answer is kNone) or at
  // most ticks() - 1.
  std::uint32_t highest_at_or_below(std::uint32_t tick) const {
    if (tick == kNone) return kNone;
    LOB_ASSERT_BOUNDS(tick < ticks_, "tick out of range");
    const std::uint32_t word = tick >> 6;
    const std::uint64_t in_word = words_[word] & below_or_at(tick & 63);
    if (in_word != 0) return (word << 6) + highest_bit(in_word);
    if (word == 0) return kNone;
    const std::uint32_t found = highest_word_at_or_below(word - 1);
    if (found == kNone) return kNone;
    LOB_ASSERT(words_[found] != 0, "summary names an empty word");
    return (found << 6) + highest_bit(words_[found]);
  }

  std::size_t memory_bytes() const {
    return (words_for(ticks_) + words_for(words_for(ticks_))) * sizeof(std::uint64_t);
  }

 private:
  static std::size_t words_for(std::size_t bits) { return (bits + 63) / 64; }
  // Bits 0..bit set.
  static std::uint64_t below_or_at(std::uint32_t bit) { return bit == 63 ? ~std::uint64_t{0} : (std::uint64_t{2} << bit) - 1; }
  static std::uint32_t highest_bit(std::uint64_t bits) { return 63u - static_cast<std::uint32_t>(std::countl_zero(bits)); }

  std::uint32_t highest_word_at_or_below(std::uint32_t word) const {
    std::uint32_t group = word >> 6;
    std::uint64_t in_group = summary_[group] & below_or_at(word & 63);
    while (in_group == 0) {
      if (group == 0) return kNone;
      in_group = summary_[--group];
    }
    return (group << 6) + highest_bit(in_group);
  }

  std::uint32_t ticks_ = 0;
  std::unique_ptr<std::uint64_t[]> words_;    // Zeroed: no tick set.
  std::unique_ptr<std::uint64_t[]> summary_;  // Bit w: words_[w] != 0.
};

}  // namespace lob
