// The price ladder (price_ladder.hpp) against a std::set of prices, on both sides: find() must give
// the std::lower_bound position and whether the price is there, in dense books (the probe at the
// rank of the tick distance hits) and sparse ones (the branchless binary search above that rank),
// with ticks of 1 and of several units, at every ladder size from empty up.
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <random>
#include <set>
#include <vector>

#include "price_ladder.hpp"
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
