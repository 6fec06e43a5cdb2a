// The price ladder (price_ladder.hpp) against a std::set of prices, on both sides: find() must give
// the std::lower_bound position and whether the price is there, in dense books (the probe at the
// rank of the tick distance hits) and sparse ones (the branchless binary search above that rank),
// with ticks of 1 and of several units, at every ladder size from empty up.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <random>
#include <set>
#include <vector>

#include "price_ladder.hpp"
#include "tick_bitmap.hpp"
#include "test_runner.hpp"

using namespace lob;

namespace {

// The position find(price) must return: the rank counted from the worst level, as the ladder
// stores keys worst to best.
std::size_t model_index(const std::set<Price>& prices, Side side, Price price) {
  if (side == Side::Buy) return static_cast<std::size_t>(std::distance(prices.begin(), prices.lower_bound(price)));
  // Asks are keyed by -price: worst (highest) first, so count the prices above `price`.
  return static_cast<std::size_t>(std::distance(prices.upper_bound(price), prices.end()));
}

// `range` ticks of prices: a range near the number of inserted prices makes a dense book.
void check_ladder_against_model(Side side, std::uint64_t seed, Price tick, Price range) {
  std::mt19937_64 rng(seed);
  PriceLadder ladder(side, tick);
  std::set<Price> prices;
  std::uint32_t next_level = 0;
  for (int step = 0; step < 4'000; step++) {
    const Price price = tick * (1 + static_cast<Price>(rng() % static_cast<std::uint64_t>(range)));
    const PriceLadder::Position position = ladder.find(price);
    const bool present = prices.count(price) == 1;
    CHECK_EQ(position.found, present);
    CHECK_EQ(position.index, model_index(prices, side, price));
    if (rng() % 4 != 0 && !present) {
      ladder.insert(position, price, next_level++);
      prices.insert(price);
    } else if (present) {
      ladder.erase(price, ladder.level_at(position));
      prices.erase(price);
    }
    CHECK(ladder.sorted());
    CHECK_EQ(ladder.size(), prices.size());
  }
  // Every price in and around the final ladder, so each search length is met.
  for (Price price = tick; price <= tick * (range + 1); price += tick) {
    const PriceLadder::Position position = ladder.find(price);
    CHECK_EQ(position.found, prices.count(price) == 1);
    CHECK_EQ(position.index, model_index(prices, side, price));
  }
  if (!prices.empty()) CHECK_EQ(ladder.best_price(), side == Side::Buy ? *prices.rbegin() : *prices.begin());
}

}  // namespace

TEST(price_ladder_find_matches_a_sorted_set_on_bids) { check_ladder_against_model(Side::Buy, 11, 1, 3'000); }

TEST(price_ladder_find_matches_a_sorted_set_on_asks) { check_ladder_against_model(Side::Sell, 12, 1, 3'000); }

TEST(price_ladder_find_matches_a_sorted_set_in_dense_books) {
  check_ladder_against_model(Side::Buy, 13, 1, 150);
  check_ladder_against_model(Side::Sell, 14, 1, 150);
}

TEST(price_ladder_find_matches_a_sorted_set_with_a_tick_above_one) {
  check_ladder_against_model(Side::Buy, 15, 25, 3'000);
  check_ladder_against_model(Side::Sell, 16, 25, 150);
}

namespace {

// highest_at_or_below() against a std::set, over `ticks` ticks, at densities from sparse to full.
void check_bitmap_against_model(std::uint32_t ticks, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  TickBitmap bits(ticks);
  std::set<std::uint32_t> set;
  const auto model_highest = [&](std::uint32_t tick) {
    auto it = set.upper_bound(tick);
    return it == set.begin() ? TickBitmap::kNone : *std::prev(it);
  };
  for (int step = 0; step < 6'000; step++) {
    const std::uint32_t tick = static_cast<std::uint32_t>(rng() % ticks);
    // Grow for the first half, shrink in the second, so both dense and sparse states are met.
    const bool grow = step < 3'000 ? rng() % 4 != 0 : rng() % 4 == 0;
    if (set.count(tick) == 0 && grow) {
      bits.set(tick);
      set.insert(tick);
    } else if (set.count(tick) == 1 && !grow) {
      bits.clear(tick);
      set.erase(tick);
    }
    const std::uint32_t probe = static_cast<std::uint32_t>(rng() % ticks);
    CHECK_EQ(bits.test(probe), set.count(probe) == 1);
    CHECK_EQ(bits.highest_at_or_below(probe), model_highest(probe));
  }
  CHECK_EQ(bits.highest_at_or_below(TickBitmap::kNone), TickBitmap::kNone);
  CHECK_EQ(bits.highest_at_or_below(ticks - 1), model_highest(ticks - 1));
}

// A direct ladder against a std::set of prices: best, size and the walk best first.
void check_direct_ladder_against_model(Side side, Price tick, std::uint64_t seed) {
  constexpr std::uint32_t kTicks = 5'000;
  constexpr std::uint32_t kBase = 700;
  const Price low = 40 * tick;
  std::mt19937_64 rng(seed);
  PriceLadder ladder(side, tick);
  CHECK(ladder.undecided());
  ladder.make_direct(kBase, low, kTicks);
  CHECK(ladder.direct() && ladder.empty());
  std::set<Price> prices;
  const auto best_first = [&] {
    std::vector<Price> order(prices.begin(), prices.end());
    if (side == Side::Buy) std::reverse(order.begin(), order.end());
    return order;
  };
  for (int step = 0; step < 8'000; step++) {
    const Price price = low + tick * static_cast<Price>(rng() % kTicks);
    CHECK(ladder.covers(price));
    CHECK_EQ(ladder.direct_level(price), kBase + static_cast<std::uint32_t>((price - low) / tick));
    if (prices.count(price) == 0 && (step < 4'000 ? rng() % 3 != 0 : rng() % 3 == 0)) {
      ladder.mark(ladder.direct_level(price));
      prices.insert(price);
    } else if (prices.count(price) == 1) {
      ladder.unmark(ladder.direct_level(price));
      prices.erase(price);
    }
    CHECK_EQ(ladder.size(), prices.size());
    if (!prices.empty()) {
      const Price best = side == Side::Buy ? *prices.rbegin() : *prices.begin();
      CHECK_EQ(ladder.best_price(), best);
      CHECK_EQ(ladder.best_level(), ladder.direct_level(best));
    }
  }
  std::vector<Price> walked;
  ladder.for_each_entry([&](std::uint32_t level, Price price) {
    CHECK_EQ(level, ladder.direct_level(price));
    walked.push_back(price);
    return true;
  });
  CHECK(walked == best_first());
  CHECK(!ladder.covers(low - tick) && !ladder.covers(low + tick * kTicks));
  if (tick > 1) CHECK(!ladder.covers(low + 1));  // Off the tick.
  // A mass cancel's sweep: every other level by price goes.
  std::vector<std::uint32_t> released;
  ladder.remove_levels_if([&](std::uint32_t level) { return level % 2 == 0; }, [&](std::uint32_t level) { released.push_back(level); });
  for (const std::uint32_t level : released) prices.erase(low + tick * static_cast<Price>(level - kBase));
  CHECK_EQ(ladder.size(), prices.size());
  walked.clear();
  ladder.for_each_entry([&](std::uint32_t, Price price) {
    walked.push_back(price);
    return true;
  });
  CHECK(walked == best_first());
  if (!prices.empty()) CHECK_EQ(ladder.best_price(), side == Side::Buy ? *prices.rbegin() : *prices.begin());
}

}  // namespace

TEST(tick_bitmap_finds_the_highest_set_tick_at_or_below) {
  for (const std::uint32_t ticks : {1u, 63u, 64u, 65u, 4'097u, TickBitmap::kTicksMax}) {
    check_bitmap_against_model(ticks, 100 + ticks);
  }
}

TEST(direct_ladder_matches_a_sorted_set_on_both_sides) {
  check_direct_ladder_against_model(Side::Buy, 1, 21);
  check_direct_ladder_against_model(Side::Sell, 1, 22);
  check_direct_ladder_against_model(Side::Buy, 5, 23);
  check_direct_ladder_against_model(Side::Sell, 5, 24);
}
