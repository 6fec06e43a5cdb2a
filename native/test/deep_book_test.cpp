// Deep-book and throughput tests: 1,000,000 resting orders spread over a wide price range, the
// memory budget per resting order (<= 64 bytes including indexes), then cancels in random order;
// and a throughput comparison with the naive reference book on a realistic command mix.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <random>
#include <vector>

#include "matching_engine.hpp"
#include "order_pool.hpp"
#include "textbook_book.hpp"
#include "test_helpers.hpp"
#include "test_runner.hpp"

using namespace lob;
using namespace lob_test;

namespace {

constexpr Price kMid = 1'000'000;
constexpr std::uint64_t kMemoryPerOrderMax = 64;  // Bytes per resting order, indexes included.

std::vector<InstrumentConfig> wide_instruments() {
  return {InstrumentConfig{"WIDE", 1, 1, 1'000'000, kMid, 9'000}};  // Band [100,000, 1,900,000].
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Distance from the touch in ticks: near it (geometric, mean 50 ticks), or for a `wide_percent`
// share uniform over 20,000 ticks.
Price distance(std::mt19937_64& rng, int wide_percent) {
  if (static_cast<int>(rng() % 100) < wide_percent) return 1 + static_cast<Price>(rng() % 20'000);
  std::geometric_distribution<Price> near(0.02);
  return 1 + near(rng);
}

}  // namespace

TEST(deep_book_of_one_million_resting_orders) {
  const std::uint32_t orders = 1'000'000;
  MatchingEngine engine(engine_config(StpMode::Off, kOrdersMaxDefault), wide_instruments());
  std::mt19937_64 rng(7);
  std::vector<Report> out;
  out.reserve(4);
  auto start = std::chrono::steady_clock::now();
  for (std::uint32_t index = 0; index < orders; index++) {
    const bool buy = index % 2 == 0;
    const Price away = distance(rng, 10);
    const Price price = buy ? kMid - away : kMid + away;
    out.clear();
    engine.execute(limit(1 + index % 1000, index, buy ? Side::Buy : Side::Sell, price, 1 + index % 100), out);
    if (out.size() != 1 || out[0].kind != ExecKind::Accepted) {
      CHECK(false);
      return;
    }
  }
  const double insert_seconds = seconds_since(start);
  const EngineStats stats = engine.stats();
  CHECK_EQ(stats.resting_orders, orders);
  const double bytes_per_order = static_cast<double>(stats.memory_bytes) / stats.resting_orders;
  std::printf("  sizeof(Order) = %zu; %u resting orders on %llu levels: memory %llu bytes = %.1f bytes/order\n",
              sizeof(Order), orders, (unsigned long long)stats.levels, (unsigned long long)stats.memory_bytes,
              bytes_per_order);
  std::printf("  inserts: %.0f ns/order\n", insert_seconds * 1e9 / orders);
  CHECK(bytes_per_order <= kMemoryPerOrderMax);
  start = std::chrono::steady_clock::now();
  CHECK_EQ(engine.validate(), std::string(""));
  std::printf("  validate: %.2f s\n", seconds_since(start));

  std::vector<OrderId> ids(orders);
  for (std::uint32_t index = 0; index < orders; index++) ids[index] = index + 1;
  std::shuffle(ids.begin(), ids.end(), rng);
  start = std::chrono::steady_clock::now();
  for (const OrderId id : ids) {
    out.clear();
    engine.execute(cancel(1 + static_cast<Owner>((id - 1) % 1000), id), out);
    if (out.size() != 1 || out[0].kind != ExecKind::Cancelled) {
      CHECK(false);
      return;
    }
  }
  std::printf("  cancels (random order): %.0f ns/order\n", seconds_since(start) * 1e9 / orders);
  CHECK_EQ(engine.stats().resting_orders, 0u);
  CHECK_EQ(engine.stats().levels, 0u);
  CHECK_EQ(engine.validate(), std::string(""));
  CHECK_EQ(engine.stats().seq, 2u * orders);
}

// A stream of limits near the touch (a `wide_percent` share spread over 20,000 ticks), cancels of
// live orders and IOCs, over a book of about `resting` orders. Every command is valid, so engine
// order ids are the count of NEW commands so far.
std::vector<Command> throughput_stream(int commands, int resting, int wide_percent, std::uint64_t seed) {
  std::vector<Command> stream;
  stream.reserve(commands);
  std::mt19937_64 rng(seed);
  OrderId issued = 0;
  std::vector<std::pair<OrderId, Owner>> live;  // Limit orders; some are filled by now: cancels may miss.
  for (int index = 0; index < commands; index++) {
    const int roll = static_cast<int>(rng() % 100);
    const bool buy = rng() % 2 == 0;
    const Owner owner = 1 + static_cast<Owner>(rng() % 64);
    const bool prefill = index < resting;
    if (prefill || roll < 50 || live.empty()) {
      const Price away = distance(rng, wide_percent);
      const Price price = buy ? kMid - away + 2 : kMid + away - 2;
      stream.push_back(limit(owner, ++issued, buy ? Side::Buy : Side::Sell, price, 1 + rng() % 50));
      live.push_back({issued, owner});
    } else if (roll < 92) {
      const std::size_t pick = rng() % live.size();
      stream.push_back(cancel(live[pick].second, live[pick].first));
      live[pick] = live.back();
      live.pop_back();
    } else {
      stream.push_back(new_order(0, owner, ++issued, buy ? Side::Buy : Side::Sell, OrderType::Ioc,
                                 buy ? kMid + 3 : kMid - 3, 1 + rng() % 100));
    }
  }
  return stream;
}

template <class Engine>
std::pair<double, std::uint64_t> commands_per_second(Engine& engine, const std::vector<Command>& stream) {
  std::vector<Report> out;
  out.reserve(1024);
  std::uint64_t reports = 0;
  const auto start = std::chrono::steady_clock::now();
  for (const Command& command : stream) {
    out.clear();
    engine.execute(command, out);
    reports += out.size();
  }
  return {static_cast<double>(stream.size()) / seconds_since(start), reports};
}

// Not a pass criterion (timing is noisy): prints core vs textbook throughput.
TEST(throughput_against_textbook_book) {
  if (sanitizer_mode()) return;
  for (const int wide_percent : {0, 10}) {
    const std::vector<Command> stream = throughput_stream(3'000'000, 100'000, wide_percent, 11);
    MatchingEngine core(engine_config(StpMode::Off, kOrdersMaxDefault), wide_instruments());
    TextbookBook textbook;
    const auto [core_rate, core_reports] = commands_per_second(core, stream);
    const auto [textbook_rate, textbook_reports] = commands_per_second(textbook, stream);
    CHECK_EQ(core_reports, textbook_reports);
    CHECK_EQ(core.validate(), std::string(""));
    std::printf("  %d%% wide: core %.1f M cmd/s, textbook %.1f M cmd/s (x%.1f); %llu resting on %llu levels\n",
                wide_percent, core_rate / 1e6, textbook_rate / 1e6, core_rate / textbook_rate,
                (unsigned long long)core.stats().resting_orders, (unsigned long long)core.stats().levels);
  }
}
