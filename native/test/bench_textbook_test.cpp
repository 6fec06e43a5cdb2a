// The comparator of bench:book (native/bench/textbook_book.hpp) must do the core's work: for every
// command of the kinds it supports (GTC and IOC limit orders, cancels by client order id; one owner,
// one symbol) it writes the core's reports, record for record, rejects included. bench:book checks
// this only on its valid stream (report_digest); here a seeded stream adds hostile orders (unknown
// symbol, zero, negative and huge quantities, prices off the band and not positive, duplicate live
// client order ids, cancels of unknown and finished orders). The floor book, built for the valid
// stream alone, is held to the same on a valid stream.
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "../bench/floor_book.hpp"
#include "../bench/textbook_book.hpp"
#include "matching_engine.hpp"
#include "test_helpers.hpp"
#include "test_runner.hpp"

using namespace lob;
using namespace lob_test;

namespace {

// bench/book-stream.ts's instrument: tick 1, lot 1, max 10,000,000, band [5,000, 15,000].
InstrumentConfig bench_instrument() { return InstrumentConfig{"BENCH", 1, 1, 10'000'000, 10'000, 5'000}; }

Command hostile_or_valid(std::mt19937_64& rng, std::uint64_t& issued) {
  const Side side = rng() % 2 == 0 ? Side::Buy : Side::Sell;
  const Price price = 10'000 + static_cast<Price>(rng() % 41) - 20;
  const Quantity quantity = 1 + static_cast<Quantity>(rng() % 200);
  const std::uint64_t roll = rng() % 100;
  // Cancels and duplicates pick among the ids issued so far: live, filled, cancelled or never used.
  const std::uint64_t earlier = issued == 0 ? 1 : 1 + rng() % (issued + 5);
  if (roll < 20) return cancel(1, 0, earlier);
  if (roll < 23) return limit(1, earlier, side, price, quantity);                    // Often a live duplicate.
  if (roll < 25) return limit(1, ++issued, side, price, quantity, 1 + rng() % 3);    // Unknown symbol.
  if (roll < 27) return limit(1, ++issued, side, price, -static_cast<Quantity>(rng() % 2));  // 0 or -1.
  if (roll < 29) return limit(1, ++issued, side, price, 10'000'001);                 // Above the max.
  if (roll < 31) return limit(1, ++issued, side, rng() % 2 == 0 ? 0 : 20'000, quantity);  // Not positive, off band.
  const OrderType type = roll < 40 ? OrderType::Ioc : OrderType::Limit;
  return new_order(0, 1, ++issued, side, type, price, quantity);
}

// Runs `commands` seeded commands through both; returns the rejects per reason, or an empty vector
// (after a failure) at the first command whose reports differ.
std::vector<std::uint64_t> compare_on_stream(std::uint32_t orders_max, int commands, std::uint64_t seed) {
  MatchingEngine core(engine_config(StpMode::Off, orders_max), {bench_instrument()});
  textbook::Book<textbook::Work::Complete> book(bench_instrument(), orders_max);
  std::mt19937_64 rng(seed);
  std::uint64_t issued = 0, fills = 0;
  std::vector<std::uint64_t> rejects(kReasonMax + 1, 0);
  std::vector<Report> core_reports, book_reports;
  for (int step = 0; step < commands; step++) {
    const Command command = hostile_or_valid(rng, issued);
    if (!execute_both(core, book, command, step, core_reports, book_reports, "core:    ", "textbook:")) return {};
    for (const Report& r : core_reports) {
      if (r.kind == ExecKind::Rejected) rejects[static_cast<std::size_t>(r.reason)]++;
      fills += r.trade_id != 0;
    }
  }
  CHECK_EQ(core.stats().resting_orders, static_cast<std::uint64_t>(book.resting_orders()));
  CHECK(fills > static_cast<std::uint64_t>(commands) / 10);
  return rejects;
}

}  // namespace

TEST(bench_textbook_writes_the_core_reports) {
  const int commands = sanitizer_mode() ? 5'000 : 50'000;
  const std::vector<std::uint64_t> rejects = compare_on_stream(kOrdersMaxDefault, commands, 7);
  if (rejects.empty()) return;
  // The stream reaches every check it can with a tick and a lot of 1 (off-tick and off-lot cannot).
  for (const Reason reason : {Reason::UnknownSymbol, Reason::QuantityInvalid, Reason::QuantityAboveMax, Reason::PriceInvalid,
                              Reason::PriceOutOfBand, Reason::DuplicateClientOrderId}) {
    CHECK(rejects[static_cast<std::size_t>(reason)] > 0);
  }
  // A book of 64 orders fills up: ENGINE_FULL for a GTC, while IOCs still trade.
  const std::vector<std::uint64_t> full = compare_on_stream(64, commands / 10, 8);
  if (!full.empty()) CHECK(full[static_cast<std::size_t>(Reason::EngineFull)] > 0);
}

// The floor of bench:book (native/bench/floor_book.hpp) writes the core's reports too, on the kinds
// of command it is built for: valid GTC and IOC limit orders of one owner and cancels by client
// order id, including cancels of unknown, filled and cancelled orders.
TEST(bench_floor_writes_the_core_reports) {
  const int commands = sanitizer_mode() ? 5'000 : 50'000;
  MatchingEngine core(engine_config(StpMode::Off, kOrdersMaxDefault), {bench_instrument()});
  floorbook::Book floor(bench_instrument(), static_cast<std::uint64_t>(commands));
  std::mt19937_64 rng(9);
  std::uint64_t issued = 0, fills = 0, cancelled = 0, unknown = 0;
  std::vector<Report> core_reports, floor_reports;
  for (int step = 0; step < commands; step++) {
    const Side side = rng() % 2 == 0 ? Side::Buy : Side::Sell;
    // Wide enough for levels to empty and come back, and for the best to move over gaps.
    const Price price = 10'000 + static_cast<Price>(rng() % 201) - 100;
    const Quantity quantity = 1 + static_cast<Quantity>(rng() % 300);
    const std::uint64_t roll = rng() % 100;
    const Command command = roll < 20   ? cancel(1, 0, 1 + rng() % (issued + 5))
                            : roll < 30 ? new_order(0, 1, ++issued, side, OrderType::Ioc, price, quantity)
                                        : limit(1, ++issued, side, price, quantity);
    if (!execute_both(core, floor, command, step, core_reports, floor_reports, "core: ", "floor:")) return;
    for (const Report& r : core_reports) {
      fills += r.trade_id != 0;
      cancelled += r.kind == ExecKind::Cancelled;
      unknown += r.kind == ExecKind::CancelRejected;
    }
  }
  CHECK_EQ(core.stats().resting_orders, static_cast<std::uint64_t>(floor.resting_orders()));
  CHECK(fills > static_cast<std::uint64_t>(commands) / 10);
  CHECK(cancelled > 0 && unknown > 0);
}
