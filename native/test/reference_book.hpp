// A naive reference engine written straight from docs/engine-semantics.md, for the differential
// test: std::map levels of std::list queues, std::map indexes, no pools, no cleverness. It shares
// nothing with the core but protocol.hpp, the public types and the FNV-1a definition.
#pragma once

#include <cstdint>
#include <list>
#include <map>
#include <utility>
#include <vector>

#include "hash.hpp"
#include "matching_engine.hpp"
#include "protocol.hpp"

namespace lob_test {

using namespace lob;

class ReferenceEngine {
 public:
  struct Order {
    OrderId id;
    Owner owner;
    std::uint64_t client_order_id;
    SymbolIndex symbol;
    Side side;
    Price price;
    Quantity quantity;
    Quantity leaves;
  };
  struct PriceOrder {
    bool descending;
    bool operator()(Price a, Price b) const { return descending ? a > b : a < b; }
  };
  using Queue = std::list<OrderId>;
  using BookSide = std::map<Price, Queue, PriceOrder>;  // begin() is the best level.
  struct Book {
    BookSide bids{PriceOrder{true}};
    BookSide asks{PriceOrder{false}};
  };

  ReferenceEngine(const EngineConfig& config, std::vector<InstrumentConfig> instruments)
      : config_(config), instruments_(std::move(instruments)), books_(instruments_.size()) {}

  void execute(const Command& command, std::vector<Report>& out) {
    out_ = &out;
    switch (command.action) {
      case Action::New: on_new(command); break;
      case Action::Cancel: on_cancel(command); break;
      case Action::Modify: on_modify(command); break;
      case Action::MassCancel: on_mass_cancel(command); break;
    }
  }

  const std::map<OrderId, Order>& live() const { return live_; }
  std::uint64_t seq() const { return seq_; }
  std::uint64_t trades() const { return trade_; }
  std::uint64_t orders() const { return order_id_; }

  std::vector<OrderView> snapshot(SymbolIndex symbol) const {
    std::vector<OrderView> out;
    for (const BookSide* side : {&books_[symbol].bids, &books_[symbol].asks}) {
      for (const auto& [price, queue] : *side) {
        for (OrderId id : queue) {
          const Order& order = live_.at(id);
          out.push_back(OrderView{order.side, price, id, order.owner, order.client_order_id, order.quantity, order.leaves});
        }
      }
    }
    return out;
  }

  std::vector<LevelView> levels(SymbolIndex symbol, Side side) const {
    std::vector<LevelView> out;
    for (const auto& [price, queue] : side_of(symbol, side)) {
      Quantity quantity = 0;
      for (OrderId id : queue) quantity += live_.at(id).leaves;
      out.push_back(LevelView{price, quantity, static_cast<std::uint32_t>(queue.size())});
    }
    return out;
  }

  std::uint64_t state_hash() const {
    Fnv1a64 hash;
    for (SymbolIndex symbol = 0; symbol < books_.size(); symbol++) {
      for (const Side side : {Side::Buy, Side::Sell}) {
        for (const auto& [price, queue] : side_of(symbol, side)) {
          hash.add_u64(symbol);
          hash.add_u64(static_cast<std::uint64_t>(side));
          hash.add_u64(static_cast<std::uint64_t>(price));
          for (OrderId id : queue) {
            const Order& order = live_.at(id);
            for (std::uint64_t value : {order.id, std::uint64_t{order.owner}, order.client_order_id,
                                        static_cast<std::uint64_t>(order.quantity), static_cast<std::uint64_t>(order.leaves)}) {
              hash.add_u64(value);
            }
          }
        }
      }
    }
    return hash.value();
  }

 private:
  // The incoming order while it matches.
  struct Working {
    OrderId id;
    std::uint64_t client_order_id;
    Owner owner;
    SymbolIndex symbol;
    Side side;
    OrderType type;
    Price price;
    Quantity quantity;
    Quantity cum;
    Quantity leaves;
  };

  BookSide& side_of(SymbolIndex symbol, Side side) { return side == Side::Buy ? books_[symbol].bids : books_[symbol].asks; }
  const BookSide& side_of(SymbolIndex symbol, Side side) const {
    return side == Side::Buy ? books_[symbol].bids : books_[symbol].asks;
  }

  Report& emit(ExecKind kind, Reason reason) {
    Report report{};
    report.seq = ++seq_;
    report.kind = kind;
    report.reason = reason;
    out_->push_back(report);
    return out_->back();
  }
  void emit_working(ExecKind kind, Reason reason, const Working& w, Quantity last = 0, Price last_price = 0,
                    std::uint64_t trade = 0) {
    Report& r = emit(kind, reason);
    r.order_id = w.id;
    r.owner = w.owner;
    r.client_order_id = w.client_order_id;
    r.symbol = w.symbol;
    r.side = w.side;
    r.price = w.type == OrderType::Market ? 0 : w.price;
    r.quantity = w.quantity;
    r.cum_quantity = w.cum;
    r.leaves_quantity = w.leaves;
    r.last_quantity = last;
    r.last_price = last_price;
    r.trade_id = trade;
  }
  void emit_order(ExecKind kind, Reason reason, const Order& o, Quantity leaves, Quantity last = 0,
                  Price last_price = 0, std::uint64_t trade = 0) {
    Report& r = emit(kind, reason);
    r.order_id = o.id;
    r.owner = o.owner;
    r.client_order_id = o.client_order_id;
    r.symbol = o.symbol;
    r.side = o.side;
    r.price = o.price;
    r.quantity = o.quantity;
    r.cum_quantity = o.quantity - o.leaves;
    r.leaves_quantity = leaves;
    r.last_quantity = last;
    r.last_price = last_price;
    r.trade_id = trade;
  }

  bool in_band(SymbolIndex symbol, Price price) const {
    const InstrumentConfig& instrument = instruments_[symbol];
    const __int128 half = static_cast<__int128>(instrument.reference_price) * instrument.band_bps / 10000;
    return price >= instrument.reference_price - half && price <= instrument.reference_price + half;
  }

  Reason new_reject(const Command& c) const {
    if (c.symbol >= instruments_.size()) return Reason::UnknownSymbol;
    const InstrumentConfig& instrument = instruments_[c.symbol];
    if (c.quantity <= 0) return Reason::QuantityInvalid;
    if (c.quantity % instrument.lot_size != 0) return Reason::QuantityNotLotMultiple;
    if (c.quantity > instrument.max_order_quantity) return Reason::QuantityAboveMax;
    if (c.type != OrderType::Market) {
      if (c.price <= 0) return Reason::PriceInvalid;
      if (c.price % instrument.tick_size != 0) return Reason::PriceOffTick;
      if (!in_band(c.symbol, c.price)) return Reason::PriceOutOfBand;
    }
    if (by_client_.count({c.owner, c.client_order_id}) != 0) return Reason::DuplicateClientOrderId;
    const bool can_rest = c.type == OrderType::Limit || c.type == OrderType::PostOnly;
    if (can_rest && live_.size() >= config_.orders_max) return Reason::EngineFull;
    if (c.type == OrderType::PostOnly) {
      const BookSide& opposite = side_of(c.symbol, c.side == Side::Buy ? Side::Sell : Side::Buy);
      if (!opposite.empty()) {
        const Price best = opposite.begin()->first;
        if (c.side == Side::Buy ? c.price >= best : c.price <= best) return Reason::PostOnlyWouldCross;
      }
    }
    return Reason::None;
  }

  bool crosses(const Working& w, Price resting) const {
    if (w.type == OrderType::Market) return true;
    return w.side == Side::Buy ? resting <= w.price : resting >= w.price;
  }

  Quantity fok_fillable(const Working& w) const {
    Quantity total = 0;
    for (const auto& [price, queue] : side_of(w.symbol, w.side == Side::Buy ? Side::Sell : Side::Buy)) {
      if (!crosses(w, price)) break;
      for (OrderId id : queue) {
        const Order& o = live_.at(id);
        if (o.owner == w.owner && config_.stp == StpMode::CancelIncoming) return total;
        if (o.owner == w.owner && config_.stp == StpMode::CancelResting) continue;
        total += o.leaves;
      }
    }
    return total;
  }

  void erase_live(OrderId id) {
    const Order& o = live_.at(id);
    by_client_.erase({o.owner, o.client_order_id});
    live_.erase(id);
  }

  // Returns false when the incoming order was cancelled by self-trade prevention.
  bool match(Working& w) {
    BookSide& opposite = side_of(w.symbol, w.side == Side::Buy ? Side::Sell : Side::Buy);
    while (w.leaves > 0 && !opposite.empty() && crosses(w, opposite.begin()->first)) {
      Queue& queue = opposite.begin()->second;
      bool self_cancelled = false;
      while (!queue.empty() && w.leaves > 0) {
        Order& maker = live_.at(queue.front());
        if (maker.owner == w.owner && config_.stp == StpMode::CancelIncoming) {
          w.leaves = 0;
          emit_working(ExecKind::Cancelled, Reason::SelfTrade, w);
          self_cancelled = true;
          break;
        }
        if (maker.owner == w.owner && config_.stp == StpMode::CancelResting) {
          emit_order(ExecKind::Cancelled, Reason::SelfTrade, maker, 0);
          queue.pop_front();
          erase_live(maker.id);
          continue;
        }
        const Quantity q = std::min(w.leaves, maker.leaves);
        w.leaves -= q;
        w.cum += q;
        maker.leaves -= q;
        const std::uint64_t trade = ++trade_;
        emit_working(w.leaves == 0 ? ExecKind::Filled : ExecKind::PartiallyFilled, Reason::None, w, q, maker.price, trade);
        emit_order(maker.leaves == 0 ? ExecKind::Filled : ExecKind::PartiallyFilled, Reason::None, maker, maker.leaves, q,
                   maker.price, trade);
        if (maker.leaves == 0) {
          queue.pop_front();
          erase_live(maker.id);
        }
      }
      if (queue.empty()) opposite.erase(opposite.begin());
      if (self_cancelled) return false;
    }
    return true;
  }

  void rest(const Working& w) {
    live_[w.id] = Order{w.id, w.owner, w.client_order_id, w.symbol, w.side, w.price, w.quantity, w.leaves};
    by_client_[{w.owner, w.client_order_id}] = w.id;
    side_of(w.symbol, w.side)[w.price].push_back(w.id);
  }

  void on_new(const Command& c) {
    const Reason reject = new_reject(c);
    if (reject != Reason::None) {
      Report& r = emit(ExecKind::Rejected, reject);
      r.symbol = c.symbol;
      r.owner = c.owner;
      r.client_order_id = c.client_order_id;
      r.side = c.side;
      r.price = c.type == OrderType::Market ? 0 : c.price;
      r.quantity = c.quantity;
      return;
    }
    Working w{++order_id_, c.client_order_id, c.owner, c.symbol, c.side, c.type, c.price, c.quantity, 0, c.quantity};
    emit_working(ExecKind::Accepted, Reason::None, w);
    if (c.type == OrderType::Fok && fok_fillable(w) < w.quantity) {
      w.leaves = 0;
      emit_working(ExecKind::Expired, Reason::FokUnfillable, w);
      return;
    }
    if (!match(w) || w.leaves == 0) return;
    if (c.type == OrderType::Limit || c.type == OrderType::PostOnly) {
      rest(w);
    } else {
      w.leaves = 0;
      emit_working(ExecKind::Expired, Reason::IocRemainder, w);
    }
  }

  const Order* find(const Command& c) const {
    if (c.order_id != 0) {
      const auto it = live_.find(c.order_id);
      return it != live_.end() && it->second.owner == c.owner ? &it->second : nullptr;
    }
    const auto it = by_client_.find({c.owner, c.client_order_id});
    return it == by_client_.end() ? nullptr : &live_.at(it->second);
  }

  void unknown_order(const Command& c) {
    Report& r = emit(ExecKind::CancelRejected, Reason::UnknownOrder);
    r.owner = c.owner;
    r.order_id = c.order_id;
    r.client_order_id = c.client_order_id;
  }

  void dequeue(const Order& o) {
    BookSide& side = side_of(o.symbol, o.side);
    Queue& queue = side.at(o.price);
    queue.remove(o.id);
    if (queue.empty()) side.erase(o.price);
  }

  void on_cancel(const Command& c) {
    const Order* o = find(c);
    if (o == nullptr) return unknown_order(c);
    emit_order(ExecKind::Cancelled, Reason::CancelRequested, *o, 0);
    dequeue(*o);
    erase_live(o->id);
  }

  Reason modify_reject(const Command& c, const Order& o) const {
    const InstrumentConfig& instrument = instruments_[o.symbol];
    const Quantity cum = o.quantity - o.leaves;
    if (c.quantity <= 0) return Reason::QuantityInvalid;
    if (c.quantity % instrument.lot_size != 0) return Reason::QuantityNotLotMultiple;
    if (static_cast<__int128>(cum) + c.quantity > instrument.max_order_quantity) return Reason::QuantityAboveMax;
    if (c.price <= 0) return Reason::PriceInvalid;
    if (c.price % instrument.tick_size != 0) return Reason::PriceOffTick;
    if (!in_band(o.symbol, c.price)) return Reason::PriceOutOfBand;
    return Reason::None;
  }

  void on_modify(const Command& c) {
    const Order* found = find(c);
    if (found == nullptr) return unknown_order(c);
    Order& o = live_.at(found->id);
    const Reason reject = modify_reject(c, o);
    if (reject != Reason::None) {
      emit_order(ExecKind::CancelRejected, reject, o, o.leaves);
      return;
    }
    const Quantity cum = o.quantity - o.leaves;
    const bool keeps_place = c.price == o.price && c.quantity <= o.leaves;
    if (!keeps_place) dequeue(o);
    o.price = c.price;
    o.quantity = cum + c.quantity;
    o.leaves = c.quantity;
    emit_order(ExecKind::Replaced, Reason::None, o, o.leaves);
    if (keeps_place) return;
    Working w{o.id, o.client_order_id, o.owner, o.symbol, o.side, OrderType::Limit, o.price, o.quantity, cum, o.leaves};
    const bool alive = match(w);
    erase_live(w.id);
    if (alive && w.leaves > 0) rest(w);
  }

  void on_mass_cancel(const Command& c) {
    for (SymbolIndex symbol = 0; symbol < books_.size(); symbol++) {
      if (c.symbol != kSymbolAll && c.symbol != symbol) continue;
      std::vector<OrderId> doomed;
      for (const OrderView& view : snapshot(symbol)) {
        if (view.owner == c.owner) doomed.push_back(view.order_id);
      }
      for (OrderId id : doomed) {
        const Order& o = live_.at(id);
        emit_order(ExecKind::Cancelled, Reason::MassCancel, o, 0);
        dequeue(o);
        erase_live(id);
      }
    }
  }

  EngineConfig config_;
  std::vector<InstrumentConfig> instruments_;
  std::vector<Book> books_;
  std::map<OrderId, Order> live_;
  std::map<std::pair<Owner, std::uint64_t>, OrderId> by_client_;
  std::vector<Report>* out_ = nullptr;
  std::uint64_t seq_ = 0;
  std::uint64_t trade_ = 0;
  std::uint64_t order_id_ = 0;
};

}  // namespace lob_test
