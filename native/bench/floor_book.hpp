// The floor of bench:book: the leanest book this benchmark's stream admits, kept beside the core
// and the textbook to say how fast any book writing these reports can run the stream on this
// machine. It answers the question a ratio target raises: how much of a book's time is the book?
//
// It is built for bench/book-stream.ts's stream and nothing else, so it drops everything the
// stream lets a special-purpose book drop:
// - one instrument with a tick and a lot of 1, one owner, no self-trade prevention;
// - no validation beyond keeping its arrays in bounds (the stream has no bad order; a command
//   outside the stream's kinds stops the bench), no engine-id index (the stream cancels by client order id), no capacity limit;
// - prices index the levels directly (a vector over the instrument's band, a tick per entry), client
//   order ids index the orders directly (a vector over every id the stream uses, with a live bit per
//   id so that a cancel of a gone order reads a dense bitmap, as the core's client index does), and
//   orders sit in one flat vector with a free list.
// It writes the core's execution reports, record for record (book_bench.cpp checks its
// report_digest against the core's), into the same lob::Report, consumed by the same loop: the
// report stream is the benchmark's contract, the book behind it is what the floor strips.
//
// Not an engine: it is neither general nor bounded in memory (its arrays grow with the band and the
// stream's ids), and it trusts its input.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "matching_engine.hpp"
#include "protocol.hpp"

namespace floorbook {

using lob::Price;
using lob::Quantity;

class Book {
 public:
  static constexpr std::uint32_t kNone = 0xFFFFFFFFu;
  // The benchmark's one owner (bench/book-stream.ts), named by every report of a resting order.
  static constexpr lob::Owner kOwner = 1;

  // `client_order_id_max`: the largest client order id the stream uses.
  Book(const lob::InstrumentConfig& instrument, std::uint64_t client_order_id_max) {
    if (instrument.tick_size != 1 || instrument.lot_size != 1) stop("the floor book handles a tick and a lot of 1 only");
    const auto half = static_cast<Price>(static_cast<__int128>(instrument.reference_price) * instrument.band_bps / 10'000);
    low_ = instrument.reference_price - half;
    const auto prices = static_cast<std::size_t>(2 * half + 1);
    for (std::vector<Level>& side : levels_) side.assign(prices, Level{0, kNone, kNone, 0});
    best_[kBid] = -1;
    best_[kAsk] = static_cast<std::int64_t>(prices);
    by_client_.assign(client_order_id_max + 1, kNone);
    live_.assign(client_order_id_max / 64 + 1, 0);
  }

  void execute(const lob::Command& command, std::vector<lob::Report>& out) {
    if (command.action == lob::Action::Cancel && command.owner == kOwner && command.order_id == 0) {
      cancel(command, out);
    } else if (command.action == lob::Action::New && command.symbol == 0 && command.owner == kOwner &&
               (command.type == lob::OrderType::Limit || command.type == lob::OrderType::Ioc) && command.quantity > 0 &&
               command.price >= low_ && command.price - low_ < static_cast<Price>(levels_[kBid].size()) &&
               command.client_order_id < by_client_.size() && !live(command.client_order_id)) {
      submit(command, out);
    } else {
      stop("a command outside the benchmark stream's kinds");
    }
  }

  std::size_t resting_orders() const { return resting_; }

 private:
  static constexpr int kBid = 0, kAsk = 1;

  struct Order {
    lob::OrderId id;
    std::uint64_t client_order_id;
    std::uint32_t leaves;
    std::uint32_t quantity;
    std::uint32_t prev;
    std::uint32_t next;
    std::uint32_t price_index;
    std::uint32_t side;
  };

  struct Level {
    std::uint64_t quantity;
    std::uint32_t head;
    std::uint32_t tail;
    std::uint32_t count;
  };

  [[noreturn]] static void stop(const char* why) {
    std::fprintf(stderr, "floor book: %s\n", why);
    std::exit(2);
  }

  static int side_of(lob::Side side) { return side == lob::Side::Buy ? kBid : kAsk; }
  static lob::Side side_named(int side) { return side == kBid ? lob::Side::Buy : lob::Side::Sell; }
  Price price_of(std::int64_t index) const { return low_ + index; }

  void report(std::vector<lob::Report>& out, lob::ExecKind kind, lob::Reason reason, lob::Side side, lob::OrderId id,
              std::uint64_t client_order_id, Price price, Quantity quantity, Quantity cum, Quantity leaves,
              Quantity last_quantity = 0, Price last_price = 0, std::uint64_t trade_id = 0) {
    out.push_back(lob::Report{.seq = ++seq_last_, .kind = kind, .reason = reason, .side = side, .symbol = 0,
                              .owner = kOwner, .order_id = id, .client_order_id = client_order_id, .price = price,
                              .quantity = quantity, .last_quantity = last_quantity, .last_price = last_price,
                              .cum_quantity = cum, .leaves_quantity = leaves, .trade_id = trade_id,
                              .ts_receive_ns = 0, .ts_match_ns = 0, .ts_dispatch_ns = 0});
  }

  bool live(std::uint64_t client_order_id) const {
    return client_order_id < by_client_.size() && ((live_[client_order_id >> 6] >> (client_order_id & 63)) & 1) != 0;
  }

  void cancel(const lob::Command& command, std::vector<lob::Report>& out) {
    if (!live(command.client_order_id)) {
      out.push_back(lob::Report{.seq = ++seq_last_, .kind = lob::ExecKind::CancelRejected,
                                .reason = lob::Reason::UnknownOrder, .side = lob::Side::Buy, .symbol = 0,
                                .owner = command.owner, .order_id = command.order_id,
                                .client_order_id = command.client_order_id, .price = 0, .quantity = 0,
                                .last_quantity = 0, .last_price = 0, .cum_quantity = 0, .leaves_quantity = 0,
                                .trade_id = 0, .ts_receive_ns = 0, .ts_match_ns = 0, .ts_dispatch_ns = 0});
      return;
    }
    const std::uint32_t slot = by_client_[command.client_order_id];
    const Order& order = orders_[slot];
    report(out, lob::ExecKind::Cancelled, lob::Reason::CancelRequested, side_named(static_cast<int>(order.side)), order.id,
           order.client_order_id, price_of(order.price_index), order.quantity, order.quantity - order.leaves, 0);
    remove(slot);
  }

  void submit(const lob::Command& command, std::vector<lob::Report>& out) {
    const lob::OrderId id = ++order_id_last_;
    const std::uint32_t quantity = static_cast<std::uint32_t>(command.quantity);
    std::uint32_t leaves = quantity;
    report(out, lob::ExecKind::Accepted, lob::Reason::None, command.side, id, command.client_order_id, command.price,
           quantity, 0, leaves);
    const int side = side_of(command.side);
    const int opposite = 1 - side;
    const std::int64_t limit = command.price - low_;
    while (leaves > 0) {
      const std::int64_t best = best_[opposite];
      const bool crosses = side == kBid ? best <= limit : best >= limit;
      if (!crosses || best < 0 || best >= static_cast<std::int64_t>(levels_[opposite].size())) break;
      Level& level = levels_[opposite][static_cast<std::size_t>(best)];
      for (std::uint32_t slot = level.head; slot != kNone && leaves > 0;) {
        Order& maker = orders_[slot];
        const std::uint32_t next = maker.next;
        if (next != kNone) __builtin_prefetch(&orders_[next], 1);
        const std::uint32_t traded = std::min(leaves, maker.leaves);
        leaves -= traded;
        maker.leaves -= traded;
        level.quantity -= traded;
        const std::uint64_t trade_id = ++trade_id_last_;
        const Price price = price_of(best);
        report(out, leaves == 0 ? lob::ExecKind::Filled : lob::ExecKind::PartiallyFilled, lob::Reason::None, command.side,
               id, command.client_order_id, command.price, quantity, quantity - leaves, leaves, traded, price, trade_id);
        report(out, maker.leaves == 0 ? lob::ExecKind::Filled : lob::ExecKind::PartiallyFilled, lob::Reason::None,
               side_named(opposite), maker.id, maker.client_order_id, price, maker.quantity, maker.quantity - maker.leaves,
               maker.leaves, traded, price, trade_id);
        if (maker.leaves == 0) remove(slot);
        slot = next;
      }
    }
    if (leaves == 0) return;
    if (command.type == lob::OrderType::Ioc) {
      report(out, lob::ExecKind::Expired, lob::Reason::IocRemainder, command.side, id, command.client_order_id,
             command.price, quantity, quantity - leaves, 0);
      return;
    }
    rest(Order{id, command.client_order_id, leaves, quantity, kNone, kNone, static_cast<std::uint32_t>(limit),
               static_cast<std::uint32_t>(side)});
  }

  void rest(const Order& resting) {
    std::uint32_t slot = free_head_;
    if (slot != kNone) {
      free_head_ = orders_[slot].next;
      orders_[slot] = resting;
    } else {
      slot = static_cast<std::uint32_t>(orders_.size());
      orders_.push_back(resting);
    }
    Order& order = orders_[slot];
    Level& level = levels_[order.side][order.price_index];
    order.prev = level.tail;
    if (level.tail == kNone) {
      level.head = slot;
    } else {
      orders_[level.tail].next = slot;
    }
    level.tail = slot;
    level.count++;
    level.quantity += order.leaves;
    const auto price_index = static_cast<std::int64_t>(order.price_index);
    std::int64_t& best = best_[order.side];
    if (order.side == kBid ? price_index > best : price_index < best) best = price_index;
    by_client_[order.client_order_id] = slot;
    live_[order.client_order_id >> 6] |= std::uint64_t{1} << (order.client_order_id & 63);
    resting_++;
  }

  // Unlinks a resting order, frees its slot, and moves the best price past an emptied best level.
  void remove(std::uint32_t slot) {
    Order& order = orders_[slot];
    std::vector<Level>& side = levels_[order.side];
    Level& level = side[order.price_index];
    if (order.prev == kNone) {
      level.head = order.next;
    } else {
      orders_[order.prev].next = order.next;
    }
    if (order.next == kNone) {
      level.tail = order.prev;
    } else {
      orders_[order.next].prev = order.prev;
    }
    level.count--;
    level.quantity -= order.leaves;
    std::int64_t& best = best_[order.side];
    if (level.count == 0 && static_cast<std::int64_t>(order.price_index) == best) {
      const std::int64_t step = order.side == kBid ? -1 : 1;
      const auto size = static_cast<std::int64_t>(side.size());
      do best += step; while (best >= 0 && best < size && side[static_cast<std::size_t>(best)].count == 0);
    }
    live_[order.client_order_id >> 6] &= ~(std::uint64_t{1} << (order.client_order_id & 63));
    order.next = free_head_;
    free_head_ = slot;
    resting_--;
  }

  Price low_ = 0;
  std::vector<Level> levels_[2];   // [side][price - low]
  std::int64_t best_[2] = {0, 0};  // Price index of each side's best level; past the end when empty.
  std::vector<Order> orders_;
  std::uint32_t free_head_ = kNone;
  std::vector<std::uint32_t> by_client_;  // Client order id -> slot, read only where live_ has the bit.
  std::vector<std::uint64_t> live_;
  std::size_t resting_ = 0;
  std::uint64_t seq_last_ = 0;
  std::uint64_t trade_id_last_ = 0;
  lob::OrderId order_id_last_ = 0;
};

}  // namespace floorbook
