// The seed's textbook order book, kept as the benchmark's comparator for the core in native/core.
//
// One symbol, price-time priority: a std::map of price levels per side (bids with std::greater<>,
// so begin() is the best price on both sides), each level a std::list of shared_ptr<Order>, and an
// unordered_map from order id to the order and its list iterator for O(1) cancel. It is the honest
// textbook: no deliberate waste, and no tuning (no reserve, no pools) that the seed did not have.
//
// The order id is the client order id (the benchmark has one owner), so a cancel addressed by
// (owner, clientOrderId) is one hash lookup here as in the core.
//
// Book<Work::Complete>, the comparator of native_vs_textbook, does for each command of the
// benchmark's stream (GTC and IOC limit orders, cancels; one owner, one symbol) what the core does:
// - validates a new order as the core does (check_new: symbol, quantity and lot, price, tick and
//   band, no live order with its id, and room for a GTC in the book), and rejects it with the
//   core's REJECTED report;
// - writes an execution report for every state change, in lob::Report, appended to the caller's
//   vector. The seed's matching thread does this work too ("generates Trade objects ... places
//   execution reports (fills, partial fills, cancellations, acks) onto an outgoing event queue");
//   the EXPIRED of an IOC remainder and the CANCEL_REJECTED of a cancel that finds nothing are the
//   core's, written here so that the two report streams are identical, which book_bench.cpp checks
//   (report_digest). Engine order ids, trade ids and sequence numbers are numbered as the core
//   numbers them.
// Left out of the seed's design: its per-book std::shared_mutex (a cost of letting market-data
// readers into the book, which the core avoids by having one writer per book), its request and
// event queues, and string ids.
//
// Book<Work::Structures> is the data structures alone: no validation, no reports; it counts
// trades and filled quantity itself (the comparator before it did the core's work, printed beside
// it).
#pragma once

#include <algorithm>
#include <cassert>
#include <cstdint>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <type_traits>
#include <unordered_map>
#include <vector>

#include "matching_engine.hpp"
#include "protocol.hpp"

namespace textbook {

using lob::Price;
using lob::Quantity;
using OrderId = std::uint64_t;

enum class Work { Complete, Structures };

struct Order {
  OrderId id;
  lob::Side side;
  Price price;
  Quantity quantity;
  Quantity leaves;
};

// Reports name the engine order id; a book that writes none does not store it.
struct ReportedOrder : Order {
  lob::OrderId engine_id;
};

template <Work kWork>
class Book {
 public:
  static constexpr bool kReports = kWork == Work::Complete;
  // The benchmark's one owner (bench/book-stream.ts). Reports name it, and a rejected order or a
  // cancel names order id 0, where the core copies both from the command: equal for this stream,
  // whose cancels address orders by client order id.
  static constexpr lob::Owner kOwner = 1;

  // The book's one instrument (symbol 0); orders_max as the core's EngineConfig (ENGINE_FULL).
  explicit Book(const lob::InstrumentConfig& instrument, std::uint32_t orders_max = lob::kOrdersMaxDefault)
      : instrument_(instrument), orders_max_(orders_max) {
    // As the core's band_of: reference <= 2^53 and bps <= 1e6 need more than 64 bits.
    const auto half = static_cast<Price>(static_cast<__int128>(instrument.reference_price) * instrument.band_bps / 10'000);
    band_low_ = instrument.reference_price - half;
    band_high_ = instrument.reference_price + half;
  }

  // Structures only: Complete's consumer counts them from its reports, as the core's does.
  std::uint64_t trades = 0;
  std::uint64_t filled_quantity = 0;

  // A command of the benchmark's kinds: CANCEL by client order id, or NEW (LIMIT rests, IOC not).
  void execute(const lob::Command& command, std::vector<lob::Report>& out) {
    if (command.action == lob::Action::Cancel) {
      cancel(command.client_order_id, out);
    } else {
      submit(command.symbol, command.client_order_id, command.side, command.type == lob::OrderType::Limit,
             command.price, command.quantity, out);
    }
  }

  // Limit (GTC) rests its remainder; IOC drops it (with an EXPIRED report).
  void submit(lob::SymbolIndex symbol, OrderId id, lob::Side side, bool rest_remainder, Price price,
              Quantity quantity, std::vector<lob::Report>& out) {
    if constexpr (kReports) {
      const lob::Reason reason = check_new(symbol, id, rest_remainder, price, quantity);
      if (reason != lob::Reason::None) {
        out.push_back(lob::Report{.seq = ++seq_last_, .kind = lob::ExecKind::Rejected, .reason = reason,
                                  .side = side, .symbol = symbol, .owner = kOwner, .order_id = 0,
                                  .client_order_id = id, .price = price, .quantity = quantity,
                                  .last_quantity = 0, .last_price = 0, .cum_quantity = 0,
                                  .leaves_quantity = 0, .trade_id = 0, .ts_receive_ns = 0, .ts_match_ns = 0,
                                  .ts_dispatch_ns = 0});
        return;
      }
    }
    auto order = std::make_shared<BookOrder>(make_order(id, side, price, quantity));
    report(out, lob::ExecKind::Accepted, lob::Reason::None, *order, 0);
    if (side == lob::Side::Buy) {
      match(asks_, *order, [](Price ask, Price limit) { return ask <= limit; }, out);
    } else {
      match(bids_, *order, [](Price bid, Price limit) { return bid >= limit; }, out);
    }
    if (order->leaves == 0) return;
    if (!rest_remainder) {
      const Quantity cum = order->quantity - order->leaves;
      order->leaves = 0;
      report(out, lob::ExecKind::Expired, lob::Reason::IocRemainder, *order, cum);
      return;
    }
    Queue& queue = side == lob::Side::Buy ? bids_[price] : asks_[price];
    queue.push_back(order);
    index_.emplace(id, Entry{order, std::prev(queue.end())});
  }

  // A cancel of an order that is not resting (unknown, filled or already cancelled) is reported
  // CANCEL_REJECTED.
  void cancel(OrderId id, std::vector<lob::Report>& out) {
    auto found = index_.find(id);
    if (found == index_.end()) {
      if constexpr (kReports) {
        out.push_back(lob::Report{.seq = ++seq_last_, .kind = lob::ExecKind::CancelRejected,
                                  .reason = lob::Reason::UnknownOrder, .side = lob::Side::Buy, .symbol = 0,
                                  .owner = kOwner, .order_id = 0, .client_order_id = id, .price = 0,
                                  .quantity = 0, .last_quantity = 0, .last_price = 0, .cum_quantity = 0,
                                  .leaves_quantity = 0, .trade_id = 0, .ts_receive_ns = 0, .ts_match_ns = 0,
                                  .ts_dispatch_ns = 0});
      }
      return;
    }
    BookOrder& order = *found->second.order;
    const Quantity cum = order.quantity - order.leaves;
    order.leaves = 0;
    report(out, lob::ExecKind::Cancelled, lob::Reason::CancelRequested, order, cum);
    if (order.side == lob::Side::Buy) {
      remove(bids_, order.price, found->second.position);
    } else {
      remove(asks_, order.price, found->second.position);
    }
    index_.erase(found);
  }

  std::size_t resting_orders() const { return index_.size(); }

 private:
  using BookOrder = std::conditional_t<kReports, ReportedOrder, Order>;
  using Queue = std::list<std::shared_ptr<BookOrder>>;

  struct Entry {
    std::shared_ptr<BookOrder> order;
    typename Queue::iterator position;
  };

  // The core's checks of a limit order, in its order (matching_engine.cpp, check_new), with its
  // shortcut for a tick or lot of 1; the duplicate check is a lookup in the index.
  lob::Reason check_new(lob::SymbolIndex symbol, OrderId id, bool rests, Price price, Quantity quantity) const {
    const auto is_multiple = [](std::int64_t value, std::int64_t unit) { return unit == 1 || value % unit == 0; };
    if (symbol != 0) return lob::Reason::UnknownSymbol;
    if (quantity <= 0) return lob::Reason::QuantityInvalid;
    if (!is_multiple(quantity, instrument_.lot_size)) return lob::Reason::QuantityNotLotMultiple;
    if (quantity > instrument_.max_order_quantity) return lob::Reason::QuantityAboveMax;
    if (price <= 0) return lob::Reason::PriceInvalid;
    if (!is_multiple(price, instrument_.tick_size)) return lob::Reason::PriceOffTick;
    if (price < band_low_ || price > band_high_) return lob::Reason::PriceOutOfBand;
    if (index_.find(id) != index_.end()) return lob::Reason::DuplicateClientOrderId;
    if (rests && index_.size() >= orders_max_) return lob::Reason::EngineFull;
    return lob::Reason::None;
  }

  BookOrder make_order(OrderId id, lob::Side side, Price price, Quantity quantity) {
    const Order order{id, side, price, quantity, quantity};
    if constexpr (kReports) {
      return ReportedOrder{order, ++order_id_last_};
    } else {
      return order;
    }
  }

  // The order's report after a change. `cum` is passed, not derived: a cancel or an expiry zeroes
  // the leaves first. The fill fields are those of a fill only.
  void report(std::vector<lob::Report>& out, lob::ExecKind kind, lob::Reason reason, const BookOrder& order,
              Quantity cum, Quantity last_quantity = 0, Price last_price = 0, std::uint64_t trade_id = 0) {
    if constexpr (kReports) {
      out.push_back(lob::Report{.seq = ++seq_last_, .kind = kind, .reason = reason, .side = order.side,
                                .symbol = 0, .owner = kOwner, .order_id = order.engine_id,
                                .client_order_id = order.id, .price = order.price, .quantity = order.quantity,
                                .last_quantity = last_quantity, .last_price = last_price, .cum_quantity = cum,
                                .leaves_quantity = order.leaves, .trade_id = trade_id, .ts_receive_ns = 0,
                                .ts_match_ns = 0, .ts_dispatch_ns = 0});
    }
  }

  template <typename Side, typename Crosses>
  void match(Side& opposite, BookOrder& taker, Crosses crosses, std::vector<lob::Report>& out) {
    while (taker.leaves > 0 && !opposite.empty() && crosses(opposite.begin()->first, taker.price)) {
      Queue& queue = opposite.begin()->second;
      BookOrder& maker = *queue.front();
      const Quantity fill = std::min(taker.leaves, maker.leaves);
      taker.leaves -= fill;
      maker.leaves -= fill;
      if constexpr (kReports) {
        const std::uint64_t trade_id = ++trade_id_last_;
        for (const BookOrder* side : {&taker, &maker}) {
          const lob::ExecKind kind = side->leaves == 0 ? lob::ExecKind::Filled : lob::ExecKind::PartiallyFilled;
          report(out, kind, lob::Reason::None, *side, side->quantity - side->leaves, fill, maker.price, trade_id);
        }
      } else {
        trades++;
        filled_quantity += static_cast<std::uint64_t>(fill);
      }
      if (maker.leaves == 0) {
        index_.erase(maker.id);
        queue.pop_front();
        if (queue.empty()) opposite.erase(opposite.begin());
      }
    }
  }

  template <typename Side>
  static void remove(Side& side, Price price, typename Queue::iterator position) {
    auto level = side.find(price);
    assert(level != side.end());
    level->second.erase(position);
    if (level->second.empty()) side.erase(level);
  }

  lob::InstrumentConfig instrument_;
  std::uint32_t orders_max_;
  Price band_low_;
  Price band_high_;
  std::map<Price, Queue, std::greater<>> bids_;
  std::map<Price, Queue> asks_;
  std::unordered_map<OrderId, Entry> index_;
  std::uint64_t seq_last_ = 0;       // Reports only, as the two below.
  std::uint64_t trade_id_last_ = 0;
  lob::OrderId order_id_last_ = 0;
};

}  // namespace textbook
