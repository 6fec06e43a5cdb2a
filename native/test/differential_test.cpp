// Seeded randomized differential test: the core and the naive reference engine (reference_book.hpp)
// get the same stream of commands, hostile ones included (unknown ids and symbols, duplicate client
// order ids, off-tick, out-of-band, zero, negative and huge quantities, ENGINE_FULL with a small
// ordersMax), and must produce the same reports, record for record, and the same books.
// One seed feeds one PRNG that draws every option; the seed and options are printed first.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "matching_engine.hpp"
#include "reference_book.hpp"
#include "test_helpers.hpp"
#include "test_runner.hpp"

using namespace lob;
using namespace lob_test;

namespace {

struct Options {
  std::uint64_t seed;
  StpMode stp;
  std::uint32_t orders_max;
  std::uint32_t direct_levels_max;  // Direct ladders: all, none, or some of them (price_ladder.hpp).
  std::uint64_t client_order_ids;  // Client order ids are drawn from [1, client_order_ids].
  Owner owners;
  int commands;
  int validate_every;
};

class Generator {
 public:
  Generator(const Options& options, const std::vector<InstrumentConfig>& instruments, const ReferenceEngine& reference)
      : options_(options), instruments_(instruments), reference_(reference), rng_(options.seed) {}

  Command next() {
    const int roll = uniform(0, 99);
    if (roll < 62) return new_command();
    if (roll < 78) return address(Action::Cancel);
    if (roll < 99) return modify_command();
    Command command = address(Action::MassCancel);
    const int pick = uniform(0, 9);
    command.symbol = pick < 7 ? static_cast<SymbolIndex>(uniform(0, 2)) : pick < 9 ? kSymbolAll : 5;
    return command;
  }

 private:
  std::int64_t uniform(std::int64_t low, std::int64_t high) {
    return std::uniform_int_distribution<std::int64_t>(low, high)(rng_);
  }

  // Buys mostly below the reference and sells above, so books build up and still cross often.
  Price price(SymbolIndex symbol, Side side) {
    const InstrumentConfig& instrument = instruments_[symbol % instruments_.size()];
    const Price ticks = uniform(-2, 8) * (side == Side::Buy ? -1 : 1);
    const Price around = instrument.reference_price + instrument.tick_size * ticks;
    const int roll = uniform(0, 99);
    if (roll < 4) return around + 1;  // Off tick unless the tick is 1.
    if (roll < 7) return instrument.reference_price * (uniform(0, 1) == 0 ? -1 : 3);
    if (roll < 9) return uniform(-2, 0);
    return around;
  }

  Quantity quantity(SymbolIndex symbol) {
    const InstrumentConfig& instrument = instruments_[symbol % instruments_.size()];
    const int roll = uniform(0, 99);
    if (roll < 2) return uniform(-3, 0);
    if (roll < 4) return instrument.lot_size * uniform(1, 5) + (instrument.lot_size > 1 ? 1 : 0);
    if (roll < 6) return instrument.max_order_quantity;
    if (roll < 7) return instrument.max_order_quantity + instrument.lot_size;
    if (roll < 8) return std::int64_t{1} << 40;
    return instrument.lot_size * uniform(1, 12);
  }

  Command new_command() {
    const int symbol_roll = uniform(0, 99);
    const SymbolIndex symbol = symbol_roll < 2 ? 3 : symbol_roll < 3 ? kSymbolAll : static_cast<SymbolIndex>(uniform(0, 2));
    static constexpr OrderType kTypes[] = {OrderType::Limit, OrderType::Limit, OrderType::Limit, OrderType::Limit,
                                           OrderType::Ioc,   OrderType::Fok,   OrderType::Market, OrderType::PostOnly,
                                           OrderType::PostOnly};
    const OrderType type = kTypes[uniform(0, 8)];
    const Side side = uniform(0, 1) == 0 ? Side::Buy : Side::Sell;
    return new_order(symbol, owner(), client_order_id(), side, type, price(symbol, side), quantity(symbol));
  }

  Owner owner() { return static_cast<Owner>(uniform(1, options_.owners)); }
  std::uint64_t client_order_id() { return static_cast<std::uint64_t>(uniform(1, static_cast<std::int64_t>(options_.client_order_ids))); }

  // A live order of the reference, or nullptr: cancels and modifies mostly address live orders.
  const ReferenceEngine::Order* live_order() {
    const auto& live = reference_.live();
    if (live.empty()) return nullptr;
    const OrderId low = live.begin()->first, high = live.rbegin()->first;
    auto it = live.lower_bound(static_cast<OrderId>(uniform(static_cast<std::int64_t>(low), static_cast<std::int64_t>(high))));
    return &it->second;
  }

  Command address(Action action) {
    Command command{action, Side::Buy, OrderType::Limit, 0, owner(), client_order_id(), 0, 0, 0};
    const ReferenceEngine::Order* order = live_order();
    const int roll = uniform(0, 99);
    if (order != nullptr && roll < 45) {
      command.order_id = order->id;
      command.owner = uniform(0, 9) == 0 ? order->owner + 1 : order->owner;
    } else if (order != nullptr && roll < 75) {
      command.owner = order->owner;
      command.client_order_id = order->client_order_id;
    } else if (roll < 85) {
      command.order_id = static_cast<OrderId>(uniform(1, static_cast<std::int64_t>(reference_.orders()) + 3));
    }
    return command;
  }

  Command modify_command() {
    Command command = address(Action::Modify);
    const ReferenceEngine::Order* order = nullptr;
    if (command.order_id != 0) {
      const auto it = reference_.live().find(command.order_id);
      if (it != reference_.live().end()) order = &it->second;
    }
    const SymbolIndex symbol = order != nullptr ? order->symbol : static_cast<SymbolIndex>(uniform(0, 2));
    command.price = price(symbol, order != nullptr ? order->side : Side::Buy);
    command.quantity = quantity(symbol);
    if (order != nullptr) {
      const int roll = uniform(0, 9);
      const Quantity lot = instruments_[symbol].lot_size;
      if (roll < 3) {  // Same price, smaller or equal leaves: keeps priority.
        command.price = order->price;
        command.quantity = lot * uniform(1, order->leaves / lot);
      } else if (roll < 5) {  // Same price, larger leaves: back of the queue.
        command.price = order->price;
        command.quantity = order->leaves + lot * uniform(1, 3);
      }
    }
    return command;
  }

  Options options_;
  const std::vector<InstrumentConfig>& instruments_;
  const ReferenceEngine& reference_;
  std::mt19937_64 rng_;
};

// Books equal: snapshots, depth, BBO, hash and counters.
std::string compare_books(const MatchingEngine& engine, const ReferenceEngine& reference) {
  for (SymbolIndex symbol = 0; symbol < engine.instrument_count(); symbol++) {
    std::vector<OrderView> got;
    engine.snapshot(symbol, got);
    const std::vector<OrderView> want = reference.snapshot(symbol);
    if (got.size() != want.size()) return "snapshot size differs on symbol " + std::to_string(symbol);
    for (std::size_t index = 0; index < got.size(); index++) {
      if (!same(got[index], want[index])) return "snapshot differs on symbol " + std::to_string(symbol);
    }
    std::vector<LevelView> bids, asks;
    engine.depth(symbol, 1'000'000, bids, asks);
    for (const Side side : {Side::Buy, Side::Sell}) {
      const std::vector<LevelView>& levels = side == Side::Buy ? bids : asks;
      const std::vector<LevelView> expected = reference.levels(symbol, side);
      if (levels.size() != expected.size()) return "depth size differs";
      for (std::size_t index = 0; index < levels.size(); index++) {
        if (levels[index].price != expected[index].price || levels[index].quantity != expected[index].quantity ||
            levels[index].count != expected[index].count) {
          return "depth differs";
        }
      }
      const LevelView best = side == Side::Buy ? engine.bbo(symbol).bid : engine.bbo(symbol).ask;
      const LevelView want_best = expected.empty() ? LevelView{0, 0, 0} : expected[0];
      if (best.price != want_best.price || best.quantity != want_best.quantity || best.count != want_best.count) {
        return "bbo differs";
      }
    }
  }
  if (engine.state_hash() != reference.state_hash()) return "state hash differs";
  const EngineStats stats = engine.stats();
  if (stats.resting_orders != reference.live().size() || stats.seq != reference.seq() ||
      stats.trades != reference.trades() || stats.orders != reference.orders()) {
    return "stats differ";
  }
  return "";
}

// Runs one seeded stream; returns false (after printing the first difference) on a mismatch.
bool run_stream(const Options& options) {
  std::printf("  differential: seed=%llu stp=%d orders_max=%u direct_levels_max=%u client_order_ids=%llu owners=%u commands=%d\n",
              (unsigned long long)options.seed, (int)options.stp, options.orders_max, options.direct_levels_max,
              (unsigned long long)options.client_order_ids, options.owners, options.commands);
  const std::vector<InstrumentConfig> instruments = standard_instruments();
  EngineConfig config = engine_config(options.stp, options.orders_max);
  config.direct_levels_max = options.direct_levels_max;
  MatchingEngine engine(config, instruments);
  ReferenceEngine reference(config, instruments);
  Generator generator(options, instruments, reference);
  std::vector<Report> got, want;
  std::uint64_t fills = 0, rejects = 0, full = 0;
  std::vector<std::uint64_t> reasons(kReasonMax + 1, 0);
  std::uint64_t replaced = 0;
  for (int step = 0; step < options.commands; step++) {
    const Command command = generator.next();
    if (!execute_both(engine, reference, command, step, got, want, "core:", "ref: ")) return false;
    for (const Report& r : got) {
      fills += r.trade_id != 0;
      rejects += r.kind == ExecKind::Rejected;
      full += r.reason == Reason::EngineFull;
      reasons[static_cast<std::size_t>(r.reason)]++;
      replaced += r.kind == ExecKind::Replaced;
    }
    if (step % options.validate_every == 0 || step + 1 == options.commands) {
      const std::string violation = engine.validate();
      const std::string difference = violation.empty() ? compare_books(engine, reference) : violation;
      if (!difference.empty()) {
        fail(__FILE__, __LINE__, "after command " + std::to_string(step) + ": " + difference);
        return false;
      }
    }
  }
  std::printf("    %llu fill reports, %llu rejects (%llu ENGINE_FULL), %zu resting at the end\n",
              (unsigned long long)fills, (unsigned long long)rejects, (unsigned long long)full, reference.live().size());
  CHECK(fills > 0);
  CHECK(rejects > 0);
  if (options.orders_max < 100) CHECK(full > 0);
  CHECK(replaced > 0);
  // The stream reaches every business rule it is meant to exercise.
  for (const Reason reason : {Reason::UnknownSymbol, Reason::QuantityInvalid, Reason::QuantityNotLotMultiple,
                              Reason::QuantityAboveMax, Reason::PriceInvalid, Reason::PriceOffTick,
                              Reason::PriceOutOfBand, Reason::DuplicateClientOrderId, Reason::UnknownOrder,
                              Reason::PostOnlyWouldCross, Reason::CancelRequested, Reason::MassCancel,
                              Reason::IocRemainder, Reason::FokUnfillable}) {
    if (reasons[static_cast<std::size_t>(reason)] == 0) {
      fail(__FILE__, __LINE__, "reason " + std::to_string(static_cast<int>(reason)) + " never reported");
    }
  }
  if (options.stp != StpMode::Off) CHECK(reasons[static_cast<std::size_t>(Reason::SelfTrade)] > 0);
  return true;
}

}  // namespace

TEST(differential_against_naive_reference) {
  const char* seed_text = std::getenv("LOB_SEED");
  const std::uint64_t seed = seed_text != nullptr ? std::strtoull(seed_text, nullptr, 10) : 20'240'601;
  const int total_commands = sanitizer_mode() ? 60'000 : 240'000;
  const int streams = 6;
  std::mt19937_64 rng(seed);
  for (int stream = 0; stream < streams; stream++) {
    Options options;
    options.seed = rng();
    options.stp = static_cast<StpMode>(stream % 3);
    // Every ladder direct, every ladder sorted, or room for some (standard_instruments() spans 101,
    // 41 and 10,100 ticks), each met with two STP modes.
    constexpr std::uint32_t kSomeDirectLevels = 150;
    const std::uint32_t direct_choices[] = {kDirectLevelsMaxDefault, 0, kSomeDirectLevels};
    options.direct_levels_max = direct_choices[(stream + stream / 3) % 3];
    const bool small = stream >= 3;
    options.orders_max = small ? 40 : 1u << 20;
    options.client_order_ids = small ? 400 : 60;
    options.owners = small ? 3 : 4;
    options.commands = total_commands / streams;
    options.validate_every = 1;
    if (!run_stream(options)) return;
  }
}

namespace {

// A price of the instrument's band: its two ends and their neighbours one time in ten each, otherwise
// any tick of it.
Price band_price(const InstrumentConfig& instrument, std::mt19937_64& rng) {
  const auto half = static_cast<Price>(static_cast<__int128>(instrument.reference_price) * instrument.band_bps / 10'000);
  const Price tick = instrument.tick_size;
  const Price first = std::max<Price>(instrument.reference_price - half, 1);
  const Price low = (first + tick - 1) / tick * tick;
  const Price high = (instrument.reference_price + half) / tick * tick;
  switch (rng() % 10) {
    case 0: return low;
    case 1: return high;
    case 2: return low + tick;
    case 3: return high - tick;
    default: return low + static_cast<Price>(rng() % static_cast<std::uint64_t>((high - low) / tick + 1)) * tick;
  }
}

}  // namespace

// Direct and sorted ladders are two ways to hold the same book: on instruments whose bands are
// awkward for a direct range (a negative low, a low off the tick, exactly 65,536 ticks and one more,
// a single price, a tick of 1,000,000), with prices at the ends of each band, an engine with every
// ladder direct and one with every ladder sorted give the same reports and the same state hash.
TEST(direct_and_sorted_ladders_agree_on_awkward_bands) {
  const std::vector<InstrumentConfig> instruments = {
      InstrumentConfig{"NEG", 7, 1, 1'000, 50, 200'000},            // Band [-950, 1,050]: ticks of 7 from 7.
      InstrumentConfig{"OFF", 3, 1, 1'000, 1'001, 500},             // Band [951, 1,051]: first tick 951.
      InstrumentConfig{"WIDEST", 1, 1, 1'000, 32'768, 10'000},      // 65,536 positive ticks: direct.
      InstrumentConfig{"TOOWIDE", 1, 1, 1'000, 32'769, 10'000},     // 65,538: sorted in both engines.
      InstrumentConfig{"ONE", 1, 1, 1'000, 1, 1},                   // One price.
      InstrumentConfig{"BIGTICK", 1'000'000, 1, 1'000, 3'000'000, 5'000},  // Three prices.
  };
  EngineConfig direct = engine_config(StpMode::CancelResting, 1u << 16);
  EngineConfig sorted = direct;
  sorted.direct_levels_max = 0;
  MatchingEngine with_direct(direct, instruments), with_sorted(sorted, instruments);
  std::mt19937_64 rng(31);
  std::vector<Report> got, want;
  const int commands = sanitizer_mode() ? 20'000 : 100'000;
  for (int step = 0; step < commands; step++) {
    const auto symbol = static_cast<SymbolIndex>(rng() % instruments.size());
    const Price price = band_price(instruments[symbol], rng);
    const Side side = rng() % 2 == 0 ? Side::Buy : Side::Sell;
    const auto owner = static_cast<Owner>(1 + rng() % 3);
    const auto earlier = static_cast<OrderId>(1 + rng() % static_cast<std::uint64_t>(step + 1));
    const Quantity quantity = 1 + static_cast<Quantity>(rng() % 20);
    const std::uint64_t roll = rng() % 100;
    const Command command = roll < 55   ? new_order(symbol, owner, static_cast<std::uint64_t>(step) + 1, side,
                                                    rng() % 5 == 0 ? OrderType::Ioc : OrderType::Limit, price, quantity)
                            : roll < 80 ? cancel(owner, earlier)
                            : roll < 98 ? modify(owner, earlier, price, quantity)
                                        : mass_cancel(owner, rng() % 2 == 0 ? symbol : kSymbolAll);
    if (!execute_both(with_direct, with_sorted, command, step, got, want, "direct:", "sorted:")) return;
    if (step % 5'000 == 0 || step + 1 == commands) {
      CHECK_EQ(with_direct.state_hash(), with_sorted.state_hash());
      CHECK_EQ(with_direct.validate(), std::string{});
      CHECK_EQ(with_sorted.validate(), std::string{});
    }
  }
  CHECK(with_direct.stats().resting_orders > 0);
}
