// Unit tests of the matching core: one group per order type, reject reason, STP mode, modify
// rule and mass cancel, each checking the report stream record by record against
// docs/engine-semantics.md. The randomized differential test and the deep-book test live in
// differential_test.cpp and deep_book_test.cpp; main() is at the bottom of this file.
#include <chrono>
#include <cstdio>
#include <cstring>
#include <random>
#include <memory>
#include <string>
#include <vector>

#include "engine_impl.hpp"
#include "matching_engine.hpp"
#include "test_helpers.hpp"
#include "test_runner.hpp"

using namespace lob;
using namespace lob_test;

namespace {

constexpr Side kBuy = Side::Buy;
constexpr Side kSell = Side::Sell;

std::vector<OrderView> snapshot_of(const MatchingEngine& engine, SymbolIndex symbol) {
  std::vector<OrderView> out;
  engine.snapshot(symbol, out);
  return out;
}

std::vector<OrderId> ids_of(const std::vector<OrderView>& orders) {
  std::vector<OrderId> ids;
  for (const OrderView& order : orders) ids.push_back(order.order_id);
  return ids;
}

std::vector<OrderId> ids_of(const std::vector<Report>& reports) {
  std::vector<OrderId> ids;
  for (const Report& report : reports) ids.push_back(report.order_id);
  return ids;
}

std::string show_ids(const std::vector<OrderId>& ids) {
  std::string text;
  for (OrderId id : ids) text += std::to_string(id) + " ";
  return text;
}

}  // namespace

// ---- NEW: resting, rejects ----

TEST(limit_order_rests_with_accepted_report) {
  MatchingEngine engine(engine_config(), standard_instruments());
  const auto reports = run(engine, limit(1, 11, kBuy, 1000, 10));
  CHECK_REPORTS(reports, {{ExecKind::Accepted, Reason::None, 1, 0, 10, 0, 0, 0}});
  CHECK_EQ(reports[0].seq, 1u);
  CHECK_EQ(reports[0].price, 1000);
  CHECK_EQ(reports[0].quantity, 10);
  CHECK_EQ(reports[0].owner, 1u);
  CHECK_EQ(reports[0].client_order_id, 11u);
  CHECK_EQ(reports[0].side, kBuy);
  CHECK_EQ(reports[0].ts_match_ns, 0u);
  const Bbo bbo = engine.bbo(0);
  CHECK_EQ(bbo.bid.price, 1000);
  CHECK_EQ(bbo.bid.quantity, 10);
  CHECK_EQ(bbo.bid.count, 1u);
  CHECK_EQ(bbo.ask.price, 0);
  CHECK_EQ(bbo.ask.count, 0u);
  const EngineStats stats = engine.stats();
  CHECK_EQ(stats.resting_orders, 1u);
  CHECK_EQ(stats.levels, 1u);
  CHECK_EQ(stats.seq, 1u);
  CHECK_EQ(stats.orders, 1u);
}

TEST(new_order_rejects_in_validation_order) {
  MatchingEngine engine(engine_config(), standard_instruments());
  struct Case {
    Command command;
    Reason reason;
  };
  const std::vector<Case> cases = {
      {new_order(3, 1, 1, kBuy, OrderType::Limit, 0, 0), Reason::UnknownSymbol},
      {new_order(kSymbolAll, 1, 1, kBuy, OrderType::Limit, 1000, 1), Reason::UnknownSymbol},
      {new_order(0, 1, 1, kBuy, OrderType::Limit, -1, 0), Reason::QuantityInvalid},
      {new_order(0, 1, 1, kBuy, OrderType::Limit, 1000, -5), Reason::QuantityInvalid},
      {new_order(1, 1, 1, kBuy, OrderType::Limit, 3, 15), Reason::QuantityNotLotMultiple},
      {new_order(1, 1, 1, kBuy, OrderType::Limit, 3, 10'010), Reason::QuantityAboveMax},
      {new_order(0, 1, 1, kBuy, OrderType::Limit, 1000, 1'001), Reason::QuantityAboveMax},
      {new_order(0, 1, 1, kBuy, OrderType::Ioc, 0, 5), Reason::PriceInvalid},
      {new_order(0, 1, 1, kBuy, OrderType::Fok, -10, 5), Reason::PriceInvalid},
      {new_order(1, 1, 1, kBuy, OrderType::Limit, 10'002, 10), Reason::PriceOffTick},
      {new_order(0, 1, 1, kBuy, OrderType::PostOnly, 949, 5), Reason::PriceOutOfBand},
      {new_order(0, 1, 1, kSell, OrderType::Limit, 1051, 5), Reason::PriceOutOfBand},
      {new_order(0, 1, 1, kSell, OrderType::Market, 0, 0), Reason::QuantityInvalid},
  };
  for (const Case& item : cases) {
    const auto reports = run(engine, item.command);
    CHECK_REPORTS(reports, {{ExecKind::Rejected, item.reason, 0, 0, 0, 0, 0, 0}});
    if (reports.size() != 1) continue;
    const Command& command = item.command;
    CHECK_EQ(reports[0].symbol, command.symbol);
    CHECK_EQ(reports[0].owner, command.owner);
    CHECK_EQ(reports[0].client_order_id, command.client_order_id);
    CHECK_EQ(reports[0].side, command.side);
    CHECK_EQ(reports[0].price, command.type == OrderType::Market ? 0 : command.price);
    CHECK_EQ(reports[0].quantity, command.quantity);
  }
  // Band edges are inside the band; rejects consumed no order id.
  CHECK_REPORTS(run(engine, limit(1, 1, kBuy, 950, 5)), {{ExecKind::Accepted, Reason::None, 1}});
  CHECK_REPORTS(run(engine, limit(1, 2, kSell, 1050, 5)), {{ExecKind::Accepted, Reason::None, 2}});
  CHECK_EQ(engine.stats().seq, cases.size() + 2);
}

TEST(duplicate_client_order_id_only_among_live_orders) {
  MatchingEngine engine(engine_config(), standard_instruments());
  run(engine, limit(1, 7, kBuy, 1000, 5));
  // Any type is checked, even one that would never rest; another owner may reuse the id.
  CHECK_REPORTS(run(engine, new_order(0, 1, 7, kSell, OrderType::Ioc, 1000, 5)),
                {{ExecKind::Rejected, Reason::DuplicateClientOrderId, 0}});
  CHECK_REPORTS(run(engine, new_order(2, 1, 7, kBuy, OrderType::Limit, 10'000, 10)),
                {{ExecKind::Rejected, Reason::DuplicateClientOrderId, 0}});
  CHECK_REPORTS(run(engine, limit(2, 7, kBuy, 999, 5)), {{ExecKind::Accepted, Reason::None, 2}});
  // Once the order is gone its client order id is free again.
  run(engine, cancel(1, 1));
  CHECK_REPORTS(run(engine, limit(1, 7, kBuy, 998, 5)), {{ExecKind::Accepted, Reason::None, 3}});
  // IOC orders never rest, so an IOC's client order id can repeat.
  run(engine, new_order(0, 3, 9, kBuy, OrderType::Ioc, 1000, 1));
  CHECK_REPORTS(run(engine, new_order(0, 3, 9, kBuy, OrderType::Ioc, 1000, 1)),
                {{ExecKind::Accepted, Reason::None, 5}, {ExecKind::Expired, Reason::IocRemainder, 5}});
}

TEST(engine_full_rejects_only_orders_that_could_rest) {
  MatchingEngine engine(engine_config(StpMode::Off, 2), standard_instruments());
  run(engine, limit(1, 1, kBuy, 1000, 5));
  run(engine, limit(1, 2, kSell, 1010, 5));
  // Full: LIMIT and POST_ONLY are rejected even if they would fill entirely.
  CHECK_REPORTS(run(engine, limit(2, 1, kSell, 1000, 5)), {{ExecKind::Rejected, Reason::EngineFull, 0}});
  CHECK_REPORTS(run(engine, new_order(0, 2, 1, kBuy, OrderType::PostOnly, 1011, 5)),
                {{ExecKind::Rejected, Reason::EngineFull, 0}});
  // The duplicate check comes first.
  CHECK_REPORTS(run(engine, limit(1, 1, kBuy, 1000, 5)),
                {{ExecKind::Rejected, Reason::DuplicateClientOrderId, 0}});
  // IOC, FOK and MARKET still trade.
  CHECK_REPORTS(run(engine, new_order(0, 2, 1, kSell, OrderType::Ioc, 1000, 2)),
                {{ExecKind::Accepted, Reason::None, 3},
                 {ExecKind::Filled, Reason::None, 3, 2, 0, 2, 1000, 1},
                 {ExecKind::PartiallyFilled, Reason::None, 1, 2, 3, 2, 1000, 1}});
  CHECK_EQ(engine.stats().resting_orders, 2u);
  run(engine, cancel(1, 2));
  CHECK_REPORTS(run(engine, limit(2, 1, kSell, 1005, 5)), {{ExecKind::Accepted, Reason::None, 4}});
}

TEST(post_only_rejects_when_it_would_cross) {
  MatchingEngine engine(engine_config(), standard_instruments());
  run(engine, limit(1, 1, kSell, 1000, 5));
  run(engine, limit(1, 2, kBuy, 990, 5));
  CHECK_REPORTS(run(engine, new_order(0, 2, 1, kBuy, OrderType::PostOnly, 1000, 5)),
                {{ExecKind::Rejected, Reason::PostOnlyWouldCross, 0, 0, 0}});
  CHECK_REPORTS(run(engine, new_order(0, 2, 2, kSell, OrderType::PostOnly, 990, 5)),
                {{ExecKind::Rejected, Reason::PostOnlyWouldCross, 0, 0, 0}});
  CHECK_REPORTS(run(engine, new_order(0, 2, 3, kBuy, OrderType::PostOnly, 999, 5)),
                {{ExecKind::Accepted, Reason::None, 3, 0, 5}});
  CHECK_REPORTS(run(engine, new_order(0, 2, 4, kSell, OrderType::PostOnly, 1000, 5)),
                {{ExecKind::Accepted, Reason::None, 4, 0, 5}});
  CHECK_EQ(engine.bbo(0).bid.price, 999);
  CHECK_EQ(engine.bbo(0).ask.quantity, 10);
  // An empty opposite side never crosses.
  CHECK_REPORTS(run(engine, new_order(1, 2, 5, kBuy, OrderType::PostOnly, 10'100, 10)),
                {{ExecKind::Accepted, Reason::None, 5}});
}

// ---- NEW: matching ----

TEST(limit_order_sweeps_levels_taker_report_first) {
  MatchingEngine engine(engine_config(), standard_instruments());
  run(engine, limit(1, 1, kSell, 1000, 5));
  run(engine, limit(2, 1, kSell, 1001, 5));
  const auto reports = run(engine, limit(3, 1, kBuy, 1001, 7));
  CHECK_REPORTS(reports, {{ExecKind::Accepted, Reason::None, 3, 0, 7, 0, 0, 0},
                          {ExecKind::PartiallyFilled, Reason::None, 3, 5, 2, 5, 1000, 1},
                          {ExecKind::Filled, Reason::None, 1, 5, 0, 5, 1000, 1},
                          {ExecKind::Filled, Reason::None, 3, 7, 0, 2, 1001, 2},
                          {ExecKind::PartiallyFilled, Reason::None, 2, 2, 3, 2, 1001, 2}});
  if (reports.size() == 5) {
    CHECK_EQ(reports[1].price, 1001);  // The taker's own limit.
    CHECK_EQ(reports[1].quantity, 7);
    CHECK_EQ(reports[2].price, 1000);
    CHECK_EQ(reports[2].owner, 1u);
    CHECK_EQ(reports[4].seq, 7u);
  }
  CHECK_EQ(engine.stats().trades, 2u);
  CHECK_EQ(engine.bbo(0).ask.price, 1001);
  CHECK_EQ(engine.bbo(0).ask.quantity, 3);
  CHECK_EQ(engine.bbo(0).bid.count, 0u);
}

TEST(limit_remainder_rests_after_partial_fill_and_time_priority_holds) {
  MatchingEngine engine(engine_config(), standard_instruments());
  run(engine, limit(1, 1, kBuy, 1000, 3));
  run(engine, limit(2, 1, kBuy, 1000, 3));
  const auto reports = run(engine, limit(3, 1, kSell, 999, 8));
  CHECK_REPORTS(reports, {{ExecKind::Accepted, Reason::None, 3},
                          {ExecKind::PartiallyFilled, Reason::None, 3, 3, 5, 3, 1000, 1},
                          {ExecKind::Filled, Reason::None, 1, 3, 0, 3, 1000, 1},
                          {ExecKind::PartiallyFilled, Reason::None, 3, 6, 2, 3, 1000, 2},
                          {ExecKind::Filled, Reason::None, 2, 3, 0, 3, 1000, 2}});
  CHECK_EQ(engine.bbo(0).ask.price, 999);
  CHECK_EQ(engine.bbo(0).ask.quantity, 2);
  const auto book = snapshot_of(engine, 0);
  CHECK_EQ(book.size(), 1u);
  if (book.size() == 1) {
    CHECK_EQ(book[0].quantity, 8);
    CHECK_EQ(book[0].leaves, 2);
  }
}

TEST(ioc_remainder_expires) {
  MatchingEngine engine(engine_config(), standard_instruments());
  run(engine, limit(1, 1, kBuy, 1000, 4));
  CHECK_REPORTS(run(engine, new_order(0, 2, 1, kSell, OrderType::Ioc, 999, 10)),
                {{ExecKind::Accepted, Reason::None, 2, 0, 10},
                 {ExecKind::PartiallyFilled, Reason::None, 2, 4, 6, 4, 1000, 1},
                 {ExecKind::Filled, Reason::None, 1, 4, 0, 4, 1000, 1},
                 {ExecKind::Expired, Reason::IocRemainder, 2, 4, 0, 0, 0, 0}});
  CHECK_REPORTS(run(engine, new_order(0, 2, 2, kSell, OrderType::Ioc, 999, 10)),
                {{ExecKind::Accepted, Reason::None, 3}, {ExecKind::Expired, Reason::IocRemainder, 3, 0, 0}});
  CHECK_EQ(engine.stats().resting_orders, 0u);
}

TEST(market_order_reports_price_zero_and_expires_remainder) {
  MatchingEngine engine(engine_config(), standard_instruments());
  run(engine, limit(1, 1, kSell, 1040, 3));
  run(engine, limit(1, 2, kSell, 960, 2));
  const auto reports = run(engine, new_order(0, 2, 1, kBuy, OrderType::Market, 12'345, 10));
  CHECK_REPORTS(reports, {{ExecKind::Accepted, Reason::None, 3, 0, 10},
                          {ExecKind::PartiallyFilled, Reason::None, 3, 2, 8, 2, 960, 1},
                          {ExecKind::Filled, Reason::None, 2, 2, 0, 2, 960, 1},
                          {ExecKind::PartiallyFilled, Reason::None, 3, 5, 5, 3, 1040, 2},
                          {ExecKind::Filled, Reason::None, 1, 3, 0, 3, 1040, 2},
                          {ExecKind::Expired, Reason::IocRemainder, 3, 5, 0}});
  for (const Report& report : reports) {
    if (report.order_id == 3) CHECK_EQ(report.price, 0);
  }
  CHECK_REPORTS(run(engine, new_order(0, 2, 1, kSell, OrderType::Market, -7, 10)),
                {{ExecKind::Accepted, Reason::None, 4}, {ExecKind::Expired, Reason::IocRemainder, 4, 0, 0}});
}

TEST(fok_fills_entirely_or_leaves_no_trace) {
  MatchingEngine engine(engine_config(), standard_instruments());
  run(engine, limit(1, 1, kSell, 1000, 3));
  run(engine, limit(2, 1, kSell, 1001, 4));
  const std::uint64_t hash = engine.state_hash();
  CHECK_REPORTS(run(engine, new_order(0, 3, 1, kBuy, OrderType::Fok, 1001, 8)),
                {{ExecKind::Accepted, Reason::None, 3, 0, 8},
                 {ExecKind::Expired, Reason::FokUnfillable, 3, 0, 0, 0, 0, 0}});
  CHECK_REPORTS(run(engine, new_order(0, 3, 2, kBuy, OrderType::Fok, 1000, 4)),
                {{ExecKind::Accepted, Reason::None, 4}, {ExecKind::Expired, Reason::FokUnfillable, 4, 0, 0}});
  CHECK_EQ(engine.state_hash(), hash);
  CHECK_EQ(engine.stats().trades, 0u);
  CHECK_REPORTS(run(engine, new_order(0, 3, 3, kBuy, OrderType::Fok, 1001, 7)),
                {{ExecKind::Accepted, Reason::None, 5},
                 {ExecKind::PartiallyFilled, Reason::None, 5, 3, 4, 3, 1000, 1},
                 {ExecKind::Filled, Reason::None, 1, 3, 0, 3, 1000, 1},
                 {ExecKind::Filled, Reason::None, 5, 7, 0, 4, 1001, 2},
                 {ExecKind::Filled, Reason::None, 2, 4, 0, 4, 1001, 2}});
  CHECK_EQ(engine.stats().resting_orders, 0u);
  CHECK_EQ(engine.stats().levels, 0u);
}

// ---- Self-trade prevention ----

TEST(stp_cancel_incoming_cancels_the_taker_at_its_first_own_order) {
  MatchingEngine engine(engine_config(StpMode::CancelIncoming), standard_instruments());
  run(engine, limit(2, 1, kSell, 1000, 3));  // id 1
  run(engine, limit(1, 1, kSell, 1000, 3));  // id 2, own
  run(engine, limit(2, 2, kSell, 1001, 5));  // id 3
  CHECK_REPORTS(run(engine, limit(1, 2, kBuy, 1001, 10)),
                {{ExecKind::Accepted, Reason::None, 4, 0, 10},
                 {ExecKind::PartiallyFilled, Reason::None, 4, 3, 7, 3, 1000, 1},
                 {ExecKind::Filled, Reason::None, 1, 3, 0, 3, 1000, 1},
                 {ExecKind::Cancelled, Reason::SelfTrade, 4, 3, 0, 0, 0, 0}});
  CHECK_EQ(ids_of(snapshot_of(engine, 0)), (std::vector<OrderId>{2, 3}));
  // FOK feasibility stops at the first own order: nothing is fillable before it.
  CHECK_REPORTS(run(engine, new_order(0, 1, 3, kBuy, OrderType::Fok, 1001, 3)),
                {{ExecKind::Accepted, Reason::None, 5}, {ExecKind::Expired, Reason::FokUnfillable, 5, 0, 0}});
  // Another owner trades normally.
  CHECK_REPORTS(run(engine, new_order(0, 3, 1, kBuy, OrderType::Fok, 1000, 3)),
                {{ExecKind::Accepted, Reason::None, 6},
                 {ExecKind::Filled, Reason::None, 6, 3, 0, 3, 1000, 2},
                 {ExecKind::Filled, Reason::None, 2, 3, 0, 3, 1000, 2}});
}

TEST(stp_cancel_resting_cancels_own_makers_and_goes_on) {
  MatchingEngine engine(engine_config(StpMode::CancelResting), standard_instruments());
  run(engine, limit(2, 1, kSell, 1000, 3));  // id 1
  run(engine, limit(1, 1, kSell, 1000, 3));  // id 2, own
  run(engine, limit(2, 2, kSell, 1001, 5));  // id 3
  run(engine, limit(1, 3, kSell, 1002, 1));  // id 4, own, beyond the limit
  const auto reports = run(engine, limit(1, 2, kBuy, 1001, 10));
  CHECK_REPORTS(reports, {{ExecKind::Accepted, Reason::None, 5, 0, 10},
                          {ExecKind::PartiallyFilled, Reason::None, 5, 3, 7, 3, 1000, 1},
                          {ExecKind::Filled, Reason::None, 1, 3, 0, 3, 1000, 1},
                          {ExecKind::Cancelled, Reason::SelfTrade, 2, 0, 0, 0, 0, 0},
                          {ExecKind::PartiallyFilled, Reason::None, 5, 8, 2, 5, 1001, 2},
                          {ExecKind::Filled, Reason::None, 3, 5, 0, 5, 1001, 2}});
  if (reports.size() == 6) {
    CHECK_EQ(reports[3].price, 1000);
    CHECK_EQ(reports[3].quantity, 3);
    CHECK_EQ(reports[3].owner, 1u);
  }
  const Bbo bbo = engine.bbo(0);
  CHECK_EQ(bbo.bid.price, 1001);
  CHECK_EQ(bbo.bid.quantity, 2);
  CHECK_EQ(bbo.ask.price, 1002);
  // FOK feasibility skips own orders (and they are not cancelled when the FOK is infeasible).
  run(engine, limit(2, 3, kSell, 1003, 2));  // id 6
  CHECK_REPORTS(run(engine, new_order(0, 1, 4, kBuy, OrderType::Fok, 1003, 3)),
                {{ExecKind::Accepted, Reason::None, 7}, {ExecKind::Expired, Reason::FokUnfillable, 7, 0, 0}});
  CHECK_EQ(engine.stats().resting_orders, 3u);
  CHECK_REPORTS(run(engine, new_order(0, 1, 4, kBuy, OrderType::Fok, 1003, 2)),
                {{ExecKind::Accepted, Reason::None, 8},
                 {ExecKind::Cancelled, Reason::SelfTrade, 4, 0, 0},
                 {ExecKind::Filled, Reason::None, 8, 2, 0, 2, 1003, 3},
                 {ExecKind::Filled, Reason::None, 6, 2, 0, 2, 1003, 3}});
}

TEST(stp_off_lets_an_owner_trade_with_itself) {
  MatchingEngine engine(engine_config(StpMode::Off), standard_instruments());
  run(engine, limit(1, 1, kSell, 1000, 3));
  CHECK_REPORTS(run(engine, limit(1, 2, kBuy, 1000, 3)),
                {{ExecKind::Accepted, Reason::None, 2},
                 {ExecKind::Filled, Reason::None, 2, 3, 0, 3, 1000, 1},
                 {ExecKind::Filled, Reason::None, 1, 3, 0, 3, 1000, 1}});
}

// ---- CANCEL ----

TEST(cancel_by_id_and_by_client_order_id) {
  MatchingEngine engine(engine_config(), standard_instruments());
  run(engine, limit(1, 11, kBuy, 1000, 10));  // id 1
  run(engine, limit(1, 12, kBuy, 999, 10));   // id 2
  run(engine, limit(2, 1, kSell, 1000, 4));   // fills 4 of id 1
  const auto cancelled = run(engine, cancel(1, 1));
  CHECK_REPORTS(cancelled, {{ExecKind::Cancelled, Reason::CancelRequested, 1, 4, 0, 0, 0, 0}});
  if (cancelled.size() == 1) {
    CHECK_EQ(cancelled[0].quantity, 10);
    CHECK_EQ(cancelled[0].price, 1000);
    CHECK_EQ(cancelled[0].client_order_id, 11u);
    CHECK_EQ(cancelled[0].symbol, 0u);
  }
  CHECK_REPORTS(run(engine, cancel(1, 0, 12)), {{ExecKind::Cancelled, Reason::CancelRequested, 2, 0, 0}});
  CHECK_EQ(engine.stats().resting_orders, 0u);
  CHECK_EQ(engine.stats().levels, 0u);
}

TEST(cancel_of_unknown_order_carries_the_command_fields) {
  MatchingEngine engine(engine_config(), standard_instruments());
  run(engine, limit(1, 11, kSell, 1010, 10, 1 - 1));  // id 1
  run(engine, new_order(1, 1, 12, kSell, OrderType::Limit, 10'050, 10));  // id 2, symbol 1
  // Wrong owner, unknown id, unknown client order id, and an already cancelled order.
  for (const Command& command : {cancel(2, 1, 99), cancel(1, 77, 5), cancel(2, 0, 11)}) {
    const auto reports = run(engine, command);
    CHECK_REPORTS(reports, {{ExecKind::CancelRejected, Reason::UnknownOrder,
                             static_cast<std::int64_t>(command.order_id), 0, 0, 0, 0, 0}});
    if (reports.size() != 1) continue;
    CHECK_EQ(reports[0].owner, command.owner);
    CHECK_EQ(reports[0].client_order_id, command.client_order_id);
    CHECK_EQ(reports[0].symbol, 0u);
    CHECK_EQ(reports[0].side, kBuy);
    CHECK_EQ(reports[0].price, 0);
    CHECK_EQ(reports[0].quantity, 0);
  }
  run(engine, cancel(1, 2));
  CHECK_REPORTS(run(engine, cancel(1, 2)), {{ExecKind::CancelRejected, Reason::UnknownOrder, 2}});
  CHECK_EQ(engine.stats().resting_orders, 1u);
}

// ---- MODIFY ----

TEST(modify_keeps_priority_only_for_same_price_and_no_larger_leaves) {
  MatchingEngine engine(engine_config(), standard_instruments());
  run(engine, limit(1, 1, kBuy, 1000, 10));  // id 1
  run(engine, limit(2, 1, kBuy, 1000, 10));  // id 2
  const auto smaller = run(engine, modify(1, 1, 1000, 5));
  CHECK_REPORTS(smaller, {{ExecKind::Replaced, Reason::None, 1, 0, 5, 0, 0, 0}});
  if (smaller.size() == 1) {
    CHECK_EQ(smaller[0].price, 1000);
    CHECK_EQ(smaller[0].quantity, 5);
  }
  CHECK_EQ(ids_of(snapshot_of(engine, 0)), (std::vector<OrderId>{1, 2}));
  CHECK_EQ(engine.bbo(0).bid.quantity, 15);
  // Same leaves: still in place.
  CHECK_REPORTS(run(engine, modify(1, 1, 1000, 5)), {{ExecKind::Replaced, Reason::None, 1, 0, 5}});
  CHECK_EQ(ids_of(snapshot_of(engine, 0)), (std::vector<OrderId>{1, 2}));
  // Larger leaves: back of the queue.
  CHECK_REPORTS(run(engine, modify(1, 1, 1000, 6)), {{ExecKind::Replaced, Reason::None, 1, 0, 6}});
  CHECK_EQ(ids_of(snapshot_of(engine, 0)), (std::vector<OrderId>{2, 1}));
  CHECK_EQ(engine.bbo(0).bid.quantity, 16);
  // New price: a new level; the order is addressed by client order id here.
  CHECK_REPORTS(run(engine, modify(2, 0, 999, 10, 1)), {{ExecKind::Replaced, Reason::None, 2, 0, 10}});
  std::vector<LevelView> bids, asks;
  engine.depth(0, 10, bids, asks);
  CHECK_EQ(bids.size(), 2u);
  CHECK_EQ(asks.size(), 0u);
  if (bids.size() == 2) {
    CHECK_EQ(bids[0].price, 1000);
    CHECK_EQ(bids[1].price, 999);
    CHECK_EQ(bids[1].count, 1u);
  }
}

TEST(modify_rematches_as_limit_and_rests_the_remainder) {
  MatchingEngine engine(engine_config(), standard_instruments());
  run(engine, limit(1, 1, kBuy, 1000, 10));                                 // id 1
  run(engine, new_order(0, 3, 1, kSell, OrderType::PostOnly, 1001, 4));     // id 2
  const auto reports = run(engine, modify(1, 1, 1001, 6));
  CHECK_REPORTS(reports, {{ExecKind::Replaced, Reason::None, 1, 0, 6},
                          {ExecKind::PartiallyFilled, Reason::None, 1, 4, 2, 4, 1001, 1},
                          {ExecKind::Filled, Reason::None, 2, 4, 0, 4, 1001, 1}});
  if (reports.size() == 3) {
    CHECK_EQ(reports[0].price, 1001);
    CHECK_EQ(reports[0].quantity, 6);
    CHECK_EQ(reports[1].quantity, 6);
  }
  const auto book = snapshot_of(engine, 0);
  CHECK_EQ(book.size(), 1u);
  if (book.size() == 1) {
    CHECK_EQ(book[0].price, 1001);
    CHECK_EQ(book[0].quantity, 6);
    CHECK_EQ(book[0].leaves, 2);
  }
  // cum 4 + 997 > 1000: rejected with the live order's fields.
  const auto rejected = run(engine, modify(1, 1, 1001, 997));
  CHECK_REPORTS(rejected, {{ExecKind::CancelRejected, Reason::QuantityAboveMax, 1, 4, 2, 0, 0, 0}});
  if (rejected.size() == 1) {
    CHECK_EQ(rejected[0].price, 1001);
    CHECK_EQ(rejected[0].quantity, 6);
    CHECK_EQ(rejected[0].side, kBuy);
    CHECK_EQ(rejected[0].client_order_id, 1u);
  }
  CHECK_REPORTS(run(engine, modify(1, 1, 1001, 996)), {{ExecKind::Replaced, Reason::None, 1, 4, 996}});
  CHECK_EQ(snapshot_of(engine, 0)[0].quantity, 1000);
}

TEST(modify_validation_order_and_unknown_orders) {
  MatchingEngine engine(engine_config(), standard_instruments());
  run(engine, new_order(1, 1, 1, kSell, OrderType::Limit, 10'050, 20));  // id 1, symbol 1
  struct Case {
    Price price;
    Quantity quantity;
    Reason reason;
  };
  for (const Case& item : {Case{-1, 0, Reason::QuantityInvalid}, Case{-1, -10, Reason::QuantityInvalid},
                           Case{-1, 15, Reason::QuantityNotLotMultiple},
                           Case{-1, 10'010, Reason::QuantityAboveMax}, Case{0, 10, Reason::PriceInvalid},
                           Case{10'051, 10, Reason::PriceOffTick}, Case{10'105, 10, Reason::PriceOutOfBand}}) {
    CHECK_REPORTS(run(engine, modify(1, 1, item.price, item.quantity)),
                  {{ExecKind::CancelRejected, item.reason, 1, 0, 20}});
  }
  CHECK_REPORTS(run(engine, modify(2, 1, 10'050, 10)), {{ExecKind::CancelRejected, Reason::UnknownOrder, 1}});
  CHECK_REPORTS(run(engine, modify(1, 0, 10'050, 10, 2)), {{ExecKind::CancelRejected, Reason::UnknownOrder, 0}});
  CHECK_EQ(engine.stats().seq, 10u);
}

TEST(modify_with_stp_cancel_incoming_removes_the_order) {
  MatchingEngine engine(engine_config(StpMode::CancelIncoming), standard_instruments());
  run(engine, limit(1, 1, kSell, 1001, 5));  // id 1
  run(engine, limit(1, 2, kBuy, 1000, 5));   // id 2
  CHECK_REPORTS(run(engine, modify(1, 2, 1001, 5)),
                {{ExecKind::Replaced, Reason::None, 2, 0, 5}, {ExecKind::Cancelled, Reason::SelfTrade, 2, 0, 0}});
  CHECK_EQ(engine.stats().resting_orders, 1u);
  CHECK_EQ(engine.bbo(0).bid.count, 0u);
  CHECK_REPORTS(run(engine, cancel(1, 2)), {{ExecKind::CancelRejected, Reason::UnknownOrder, 2}});
  // Its client order id is free again.
  CHECK_REPORTS(run(engine, limit(1, 2, kBuy, 1000, 5)), {{ExecKind::Accepted, Reason::None, 3}});
}

// ---- MASS_CANCEL ----

TEST(mass_cancel_reports_in_canonical_order) {
  MatchingEngine engine(engine_config(), standard_instruments());
  run(engine, limit(1, 1, kBuy, 999, 1));                                  // id 1
  run(engine, limit(2, 1, kBuy, 1000, 1));                                 // id 2
  run(engine, limit(1, 2, kBuy, 1000, 1));                                 // id 3
  run(engine, limit(1, 3, kSell, 1002, 1));                                // id 4
  run(engine, limit(1, 4, kSell, 1001, 1));                                // id 5
  run(engine, limit(2, 2, kSell, 1001, 1));                                // id 6
  run(engine, limit(1, 5, kSell, 1001, 1));                                // id 7
  run(engine, new_order(1, 1, 6, kBuy, OrderType::Limit, 10'000, 10));    // id 8
  run(engine, limit(1, 7, kBuy, 1000, 1));                                 // id 9
  CHECK_EQ(run(engine, mass_cancel(3, kSymbolAll)).size(), 0u);
  CHECK_EQ(run(engine, mass_cancel(1, 77)).size(), 0u);
  const auto reports = run(engine, mass_cancel(1, kSymbolAll));
  CHECK_EQ(show_ids(ids_of(reports)), show_ids({3, 9, 1, 5, 7, 4, 8}));
  for (const Report& report : reports) {
    CHECK_EQ(report.kind, ExecKind::Cancelled);
    CHECK_EQ(report.reason, Reason::MassCancel);
    CHECK_EQ(report.leaves_quantity, 0);
  }
  CHECK_EQ(ids_of(snapshot_of(engine, 0)), (std::vector<OrderId>{2, 6}));
  CHECK_EQ(engine.stats().levels, 2u);
  run(engine, limit(2, 3, kSell, 1003, 1));  // id 10
  CHECK_EQ(show_ids(ids_of(run(engine, mass_cancel(2, 0)))), show_ids({2, 6, 10}));
  CHECK_EQ(engine.stats().levels, 0u);
}

// ---- Counters, configuration ----

TEST(seq_trade_and_order_ids_have_no_gaps) {
  MatchingEngine engine(engine_config(), standard_instruments());
  std::uint64_t seq = 0, trade = 0;
  for (int round = 0; round < 200; round++) {
    const Side side = round % 3 == 0 ? kSell : kBuy;
    const auto reports = run(engine, limit(1 + round % 2, round, side, 995 + round % 10, 1 + round % 4));
    for (const Report& report : reports) {
      CHECK_EQ(report.seq, ++seq);
      if (report.trade_id != 0 && report.trade_id != trade) CHECK_EQ(report.trade_id, ++trade);
    }
  }
  CHECK_EQ(engine.stats().seq, seq);
  CHECK_EQ(engine.stats().trades, trade);
  CHECK_EQ(engine.stats().orders, 200u);
}

TEST(validate_config_names_fields_in_js_spelling) {
  auto instruments = standard_instruments();
  CHECK_EQ(validate_config(engine_config(), instruments), std::string(""));
  auto bad = instruments;
  bad[1].lot_size = 0;
  CHECK_EQ(validate_config(engine_config(), bad),
           std::string("instruments[1].lotSize: must be an integer in [1, 4294967295], got 0"));
  bad = instruments;
  bad[0].max_order_quantity = 1001;
  bad[0].lot_size = 10;
  CHECK_EQ(validate_config(engine_config(), bad),
           std::string("instruments[0].maxOrderQuantity: must be a multiple of lotSize (10), got 1001"));
  bad = instruments;
  bad[2].symbol = "AAA";
  CHECK_EQ(validate_config(engine_config(), bad),
           std::string("instruments[2].symbol: duplicates instruments[0].symbol \"AAA\""));
  bad = instruments;
  bad[2].symbol = "";
  CHECK_EQ(validate_config(engine_config(), bad).rfind("instruments[2].symbol: must be 1 to 16", 0), 0u);
  bad[2].symbol = std::string(17, 'X');
  CHECK(!validate_config(engine_config(), bad).empty());
  bad[2].symbol = std::string(16, 'X');
  CHECK_EQ(validate_config(engine_config(), bad), std::string(""));
  bad = instruments;
  bad[1].band_bps = 1'000'001;
  CHECK_EQ(validate_config(engine_config(), bad),
           std::string("instruments[1].bandBps: must be an integer in [1, 1000000], got 1000001"));
  bad = instruments;
  bad[0].tick_size = 5;
  bad[0].reference_price = 10'002;
  bad[0].band_bps = 1;
  CHECK_EQ(validate_config(engine_config(), bad),
           std::string("instruments[0].bandBps: the band [10001, 10003] around referencePrice 10002 must hold a multiple of tickSize 5 in [1, 9007199254740991], got bandBps 1"));
  bad[0].band_bps = 5;  // [9997, 10007] holds 10000 and 10005.
  CHECK_EQ(validate_config(engine_config(), bad), std::string(""));
  bad = instruments;
  bad[0].reference_price = 0;
  CHECK_EQ(validate_config(engine_config(), bad).rfind("instruments[0].referencePrice:", 0), 0u);
  bad = instruments;
  bad[0].tick_size = -1;
  CHECK_EQ(validate_config(engine_config(), bad).rfind("instruments[0].tickSize:", 0), 0u);
  CHECK_EQ(validate_config(engine_config(StpMode::Off, 0), instruments),
           std::string("ordersMax: must be an integer in [1, 1073741824], got 0"));
  CHECK_EQ(validate_config(engine_config(), {}).rfind("instruments: must hold 1 to 65536", 0), 0u);
  EngineConfig weird = engine_config();
  weird.stp = static_cast<StpMode>(9);
  CHECK_EQ(validate_config(weird, instruments).rfind("stp:", 0), 0u);
  EngineConfig greedy = engine_config();
  greedy.direct_levels_max = kDirectLevelsMaxLimit + 1;
  CHECK_EQ(validate_config(greedy, instruments),
           std::string("directLevelsMax: must be an integer in [0, 16777216], got 16777217"));
}

TEST(band_arithmetic_does_not_overflow_on_large_reference_prices) {
  std::vector<InstrumentConfig> instruments = {
      InstrumentConfig{"BIG", 1, 1, 100, kSafeIntegerMax, kBandBpsMax}};
  MatchingEngine engine(engine_config(), instruments);
  CHECK_REPORTS(run(engine, limit(1, 1, kSell, kSafeIntegerMax * 50, 1, 0)), {{ExecKind::Accepted, Reason::None, 1}});
  CHECK_REPORTS(run(engine, limit(1, 2, kSell, kSafeIntegerMax * 102, 1, 0)),
                {{ExecKind::Rejected, Reason::PriceOutOfBand, 0}});
}

// ---- validate() sees corruption ----
//
// validate() is the harness's periodic invariant check, and it checks the indexes by counting
// rather than by walking every entry; each case here corrupts one field of a valid book and
// expects the violation to be named.

// MatchingEngineTestAccess must be in lob, where the friend declaration names it.
namespace lob {
struct MatchingEngineTestAccess {
  static OrderBooks& books(MatchingEngine& engine) { return engine.impl_->books; }
};
}  // namespace lob

namespace {

// Owner 1 rests client ids 1..3, owner 2 rests 1; owner 1's first order is then cancelled, so the
// pool holds one free slot between live ones.
MatchingEngine& corruptible_book(std::unique_ptr<MatchingEngine>& holder) {
  holder = std::make_unique<MatchingEngine>(engine_config(), standard_instruments());
  run(*holder, limit(1, 1, kBuy, 990, 10));
  run(*holder, limit(1, 2, kBuy, 991, 10));
  run(*holder, limit(1, 3, kBuy, 991, 5));
  run(*holder, limit(2, 1, kSell, 1010, 10));
  run(*holder, cancel(1, 1));
  return *holder;
}

// The slot of the live order with engine id `id`, or of the free slot when id is 0.
std::uint32_t slot_of(OrderBooks& books, OrderId id) {
  for (std::uint32_t slot = 0; slot < books.pool().slots_used(); slot++) {
    if (books.order(slot).id == id) return slot;
  }
  return kSlotNone;
}

void check_violation(MatchingEngine& engine, const char* expected) {
  const std::string violation = engine.validate();
  if (violation.find(expected) == std::string::npos) {
    fail(__FILE__, __LINE__, "validate() gave '" + violation + "', expected it to mention '" + expected + "'");
  }
}

}  // namespace

TEST(validate_sees_a_free_slot_that_kept_its_id) {
  std::unique_ptr<MatchingEngine> holder;
  MatchingEngine& engine = corruptible_book(holder);
  OrderBooks& books = MatchingEngineTestAccess::books(engine);
  const std::uint32_t free_slot = slot_of(books, 0);
  CHECK(free_slot != kSlotNone);
  // Its stale index entries would read as live again: find_by_id(1) names a free slot.
  books.order(free_slot).id = 1;
  CHECK_EQ(books.find_by_id(1), free_slot);
  check_violation(engine, "neither queued nor free");
}

TEST(validate_sees_an_order_its_client_index_cannot_find) {
  std::unique_ptr<MatchingEngine> holder;
  MatchingEngine& engine = corruptible_book(holder);
  OrderBooks& books = MatchingEngineTestAccess::books(engine);
  books.order(slot_of(books, 2)).client_order_id = 77;
  check_violation(engine, "order 2 not indexed by (owner, clientOrderId)");
}

TEST(validate_sees_an_order_id_never_issued) {
  std::unique_ptr<MatchingEngine> holder;
  MatchingEngine& engine = corruptible_book(holder);
  OrderBooks& books = MatchingEngineTestAccess::books(engine);
  books.order(slot_of(books, 3)).id = 1'000;
  check_violation(engine, "never issued");
}

TEST(validate_sees_level_totals_that_disagree_with_the_queue) {
  std::unique_ptr<MatchingEngine> holder;
  MatchingEngine& engine = corruptible_book(holder);
  OrderBooks& books = MatchingEngineTestAccess::books(engine);
  Order& order = books.order(slot_of(books, 3));
  order.leaves -= 1;
  check_violation(engine, "!= sum of leaves");
  order.leaves += 1;
  CHECK_EQ(engine.validate(), std::string{});
  books.level(order.level).count += 1;
  check_violation(engine, "!= queue length");
}

TEST(validate_sees_a_broken_queue_link) {
  std::unique_ptr<MatchingEngine> holder;
  MatchingEngine& engine = corruptible_book(holder);
  OrderBooks& books = MatchingEngineTestAccess::books(engine);
  // Orders 2 and 3 share the 991 level: 3's prev is 2.
  books.order(slot_of(books, 3)).prev = kSlotNone;
  check_violation(engine, "broken prev link");
}

// The corruptible book's ladders are direct (standard_instruments() has narrow bands): a live level
// switched idle, a level of the wrong kind, and an idle level switched live behind the ladder's back.
TEST(validate_sees_a_direct_ladder_out_of_step_with_its_levels) {
  std::unique_ptr<MatchingEngine> holder;
  MatchingEngine& engine = corruptible_book(holder);
  OrderBooks& books = MatchingEngineTestAccess::books(engine);
  CHECK(books.ladder(0, kBuy).direct());
  Level& level = books.level(books.order(slot_of(books, 3)).level);
  level.live = false;
  check_violation(engine, "ladder holds a free level");
  level.live = true;
  CHECK_EQ(engine.validate(), std::string{});
  level.direct = false;
  check_violation(engine, "a direct level in a sorted ladder");
  level.direct = true;
  // The level of 995, idle: live but in no ladder.
  books.level(books.ladder(0, kBuy).direct_level(995)).live = true;
  check_violation(engine, "a live direct level outside its ladder");
}

// An engine of many narrow-band instruments makes a direct ladder of each: the level pool grows by
// committing more of its reservation, so no level moves (no copy of every level, no pause), the
// pool's pages follow the levels it holds, and every book stays valid.
TEST(many_direct_ladders_never_move_a_level) {
  constexpr SymbolIndex kInstruments = 2'000;
  constexpr std::size_t kTicksPerBand = 101;
  std::vector<InstrumentConfig> instruments;
  for (SymbolIndex symbol = 0; symbol < kInstruments; symbol++) {
    instruments.push_back(InstrumentConfig{"S" + std::to_string(symbol), 1, 1, 1'000, 1'000, 500});  // 101 ticks.
  }
  MatchingEngine engine(engine_config(), instruments);
  const OrderBooks& books = MatchingEngineTestAccess::books(engine);
  run(engine, limit(1, 1, kBuy, 990, 1, 0));
  const Level* const first = &books.level(books.ladder(0, kBuy).direct_level(990));
  for (SymbolIndex symbol = 0; symbol < kInstruments; symbol++) {
    if (symbol > 0) run(engine, limit(1, 2 * symbol + 1, kBuy, 990, 1, symbol));
    run(engine, limit(1, 2 * symbol + 2, kSell, 1'010, 1, symbol));
    CHECK(books.ladder(symbol, kBuy).direct() && books.ladder(symbol, kSell).direct());
  }
  CHECK(&books.level(books.ladder(0, kBuy).direct_level(990)) == first);
  CHECK(first->live && first->price == 990 && first->count == 1);
  CHECK_EQ(books.level_pool().size(), 2 * kInstruments * kTicksPerBand);
  CHECK(books.level_pool().memory_bytes() < books.level_pool().size() * sizeof(Level) + 4096);
  CHECK_EQ(engine.stats().levels, std::uint64_t{2} * kInstruments);
  CHECK_EQ(engine.validate(), std::string{});
}

// An engine's pools take over the address space of the last engine of the same configuration
// (address_reservation.hpp), with that engine's orders and levels still in it. Nothing of them may
// show: the same commands on the reused pools give the same reports and state, and every book
// stays valid. A mix of direct and sorted ladders (a budget of 200 levels), cancels and modifies.
TEST(a_reused_reservation_leaves_no_trace_of_the_last_engine) {
  EngineConfig config = engine_config(StpMode::CancelResting, 4'096);
  config.direct_levels_max = 200;
  std::mt19937_64 rng(12345);
  const auto next = [&rng](std::uint64_t bound) { return rng() % bound; };
  std::vector<Command> script;
  for (std::uint64_t index = 1; index <= 3'000; index++) {
    const SymbolIndex symbol = static_cast<SymbolIndex>(next(3));
    const Price center = symbol == 0 ? 1'000 : symbol == 1 ? 10'000 : 100;
    const Price step = symbol == 1 ? 5 : 1;
    const Price price = center + step * (static_cast<Price>(next(41)) - 20);
    const Quantity quantity = symbol == 1 ? 10 * static_cast<Quantity>(1 + next(5)) : static_cast<Quantity>(1 + next(50));
    const Owner owner = static_cast<Owner>(1 + next(3));
    switch (next(6)) {
      case 0: script.push_back(cancel(owner, 0, 1 + next(index))); break;
      case 1: script.push_back(modify(owner, 1 + next(index), price, quantity)); break;
      default: script.push_back(limit(owner, index, next(2) == 0 ? kBuy : kSell, price, quantity, symbol));
    }
  }
  std::vector<Report> first_reports;
  std::uint64_t first_hash = 0;
  const Order* first_pool = nullptr;
  {
    MatchingEngine engine(config, standard_instruments());
    for (const Command& command : script) {
      const std::vector<Report> reports = run(engine, command);
      first_reports.insert(first_reports.end(), reports.begin(), reports.end());
    }
    first_hash = engine.state_hash();
    // More resting orders, so that the next engine's pages hold live-looking orders and levels.
    for (std::uint64_t id = 10'000; id < 10'500; id++) run(engine, limit(9, id, kBuy, 951 + static_cast<Price>(id % 40), 1));
    first_pool = &MatchingEngineTestAccess::books(engine).pool().at(0);
  }
  MatchingEngine engine(config, standard_instruments());
  std::vector<Report> second_reports;
  for (const Command& command : script) {
    const std::vector<Report> reports = run(engine, command);
    second_reports.insert(second_reports.end(), reports.begin(), reports.end());
  }
  CHECK(&MatchingEngineTestAccess::books(engine).pool().at(0) == first_pool);  // The pages were reused.
  CHECK(first_reports.size() > 3'000);
  CHECK(same_reports(second_reports, first_reports));
  CHECK_EQ(engine.state_hash(), first_hash);
}

// ---- main ----

int main(int argc, char** argv) {
  for (int index = 1; index < argc; index++) {
    if (std::strcmp(argv[index], "--sanitizer") == 0) sanitizer_mode() = true;
  }
  const char* only = std::getenv("LOB_TEST_ONLY");
  int passed = 0, failed = 0;
  for (const TestCase& test : registry()) {
    if (only != nullptr && std::strstr(test.name, only) == nullptr) continue;
    failures_in_test() = 0;
    const auto start = std::chrono::steady_clock::now();
    test.body();
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("%s %s (%.2f s)\n", failures_in_test() == 0 ? "ok  " : "FAIL", test.name, seconds);
    std::fflush(stdout);
    (failures_in_test() == 0 ? passed : failed)++;
  }
  std::printf("%d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
