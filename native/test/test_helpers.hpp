// Command builders, a standard instrument set and report checks shared by the core tests.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "matching_engine.hpp"
#include "protocol.hpp"
#include "test_runner.hpp"

namespace lob_test {

using namespace lob;

// Set by main() from --sanitizer: the randomized and deep tests run smaller under sanitizers.
inline bool& sanitizer_mode() {
  static bool enabled = false;
  return enabled;
}

// Symbol 0: tick 1, lot 1, max 1,000, band [950, 1050]. Symbol 1: tick 5, lot 10, max 10,000,
// band [9,900, 10,100]. Symbol 2: tick 1, lot 1, max 2^32 - 1, band [-9,900, 10,100].
inline std::vector<InstrumentConfig> standard_instruments() {
  return {
      InstrumentConfig{"AAA", 1, 1, 1'000, 1'000, 500},
      InstrumentConfig{"BBB", 5, 10, 10'000, 10'000, 100},
      InstrumentConfig{"CCC", 1, 1, kOrderQuantityMax, 100, 1'000'000},
  };
}

inline EngineConfig engine_config(StpMode stp = StpMode::Off, std::uint32_t orders_max = 1u << 16) {
  EngineConfig config;
  config.stp = stp;
  config.orders_max = orders_max;
  return config;
}

inline Command new_order(SymbolIndex symbol, Owner owner, std::uint64_t client_order_id, Side side,
                         OrderType type, Price price, Quantity quantity) {
  return Command{Action::New, side, type, symbol, owner, client_order_id, 0, price, quantity};
}
inline Command limit(Owner owner, std::uint64_t client_order_id, Side side, Price price,
                     Quantity quantity, SymbolIndex symbol = 0) {
  return new_order(symbol, owner, client_order_id, side, OrderType::Limit, price, quantity);
}
inline Command cancel(Owner owner, OrderId order_id, std::uint64_t client_order_id = 0) {
  return Command{Action::Cancel, Side::Buy, OrderType::Limit, 0, owner, client_order_id, order_id, 0, 0};
}
inline Command modify(Owner owner, OrderId order_id, Price price, Quantity quantity,
                      std::uint64_t client_order_id = 0) {
  return Command{Action::Modify, Side::Buy, OrderType::Limit, 0, owner, client_order_id, order_id, price, quantity};
}
inline Command mass_cancel(Owner owner, SymbolIndex symbol) {
  return Command{Action::MassCancel, Side::Buy, OrderType::Limit, symbol, owner, 0, 0, 0, 0};
}

inline std::vector<Report> run(MatchingEngine& engine, const Command& command) {
  std::vector<Report> out;
  engine.execute(command, out);
  const std::string violation = engine.validate();
  if (!violation.empty()) fail(__FILE__, __LINE__, "validate: " + violation);
  return out;
}

// The fields most tests care about; -1 means "don't check".
struct Expect {
  ExecKind kind;
  Reason reason;
  std::int64_t order_id = -1;
  std::int64_t cum = -1;
  std::int64_t leaves = -1;
  std::int64_t last_quantity = -1;
  std::int64_t last_price = -1;
  std::int64_t trade_id = -1;
};

inline void check_report(const Report& report, const Expect& expect, const char* file, int line) {
  auto field = [&](const char* name, std::int64_t got, std::int64_t want) {
    if (want != -1 && got != want) {
      fail(file, line, std::string(name) + ": got " + std::to_string(got) + ", expected " + std::to_string(want) +
                           " (report seq " + std::to_string(report.seq) + ")");
    }
  };
  field("kind", static_cast<int>(report.kind), static_cast<int>(expect.kind));
  field("reason", static_cast<int>(report.reason), static_cast<int>(expect.reason));
  field("order_id", static_cast<std::int64_t>(report.order_id), expect.order_id);
  field("cum", report.cum_quantity, expect.cum);
  field("leaves", report.leaves_quantity, expect.leaves);
  field("last_quantity", report.last_quantity, expect.last_quantity);
  field("last_price", report.last_price, expect.last_price);
  field("trade_id", static_cast<std::int64_t>(report.trade_id), expect.trade_id);
}

inline void check_reports(const std::vector<Report>& reports, const std::vector<Expect>& expects,
                          const char* file, int line) {
  if (reports.size() != expects.size()) {
    fail(file, line, "report count: got " + std::to_string(reports.size()) + ", expected " +
                         std::to_string(expects.size()));
    return;
  }
  for (std::size_t index = 0; index < reports.size(); index++) check_report(reports[index], expects[index], file, line);
}

// One report on one line, for a failure message.
inline std::string describe(const Report& r) {
  char text[400];
  std::snprintf(text, sizeof text,
                "seq=%llu kind=%d reason=%d id=%llu owner=%u coid=%llu sym=%u side=%d price=%lld qty=%lld last=%lld@%lld "
                "cum=%lld leaves=%lld trade=%llu",
                (unsigned long long)r.seq, (int)r.kind, (int)r.reason, (unsigned long long)r.order_id, r.owner,
                (unsigned long long)r.client_order_id, r.symbol, (int)r.side, (long long)r.price, (long long)r.quantity,
                (long long)r.last_quantity, (long long)r.last_price, (long long)r.cum_quantity, (long long)r.leaves_quantity,
                (unsigned long long)r.trade_id);
  return text;
}

// Every field equal, and no timestamps (the inline engine sets none).
inline bool same(const Report& a, const Report& b) {
  return a.seq == b.seq && a.kind == b.kind && a.reason == b.reason && a.side == b.side && a.symbol == b.symbol &&
         a.owner == b.owner && a.order_id == b.order_id && a.client_order_id == b.client_order_id && a.price == b.price &&
         a.quantity == b.quantity && a.last_quantity == b.last_quantity && a.last_price == b.last_price &&
         a.cum_quantity == b.cum_quantity && a.leaves_quantity == b.leaves_quantity && a.trade_id == b.trade_id &&
         a.ts_receive_ns == 0 && a.ts_match_ns == 0 && a.ts_dispatch_ns == 0;
}

inline bool same(const OrderView& a, const OrderView& b) {
  return a.side == b.side && a.price == b.price && a.order_id == b.order_id && a.owner == b.owner &&
         a.client_order_id == b.client_order_id && a.quantity == b.quantity && a.leaves == b.leaves;
}

// Two report streams equal record for record.
inline bool same_reports(const std::vector<Report>& a, const std::vector<Report>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t index = 0; index < a.size(); index++) {
    if (!same(a[index], b[index])) return false;
  }
  return true;
}

// For a failure message: one line per report, each after `label`.
inline void print_reports(const char* label, const std::vector<Report>& reports) {
  for (const Report& r : reports) std::fprintf(stderr, "    %s %s\n", label, describe(r).c_str());
}

// Runs command `step` through two books (anything with execute(command, out)), each into its own
// cleared vector; true when they wrote the same reports, otherwise fails the test, naming the step
// and printing both.
template <class BookA, class BookB>
bool execute_both(BookA& a, BookB& b, const Command& command, int step, std::vector<Report>& a_reports,
                  std::vector<Report>& b_reports, const char* a_label, const char* b_label) {
  a_reports.clear();
  b_reports.clear();
  a.execute(command, a_reports);
  b.execute(command, b_reports);
  if (same_reports(a_reports, b_reports)) return true;
  fail(__FILE__, __LINE__, "reports differ at command " + std::to_string(step) + " (action " +
                               std::to_string(static_cast<int>(command.action)) + ")");
  print_reports(a_label, a_reports);
  print_reports(b_label, b_reports);
  return false;
}

#define CHECK_REPORTS(reports, ...) ::lob_test::check_reports((reports), __VA_ARGS__, __FILE__, __LINE__)

}  // namespace lob_test
