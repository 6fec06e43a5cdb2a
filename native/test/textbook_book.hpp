// The textbook baseline the core's performance target is stated against:
// std::map<price, std::list<std::shared_ptr<Order>>> per side plus an unordered_map from order id
// to its queue position. Only LIMIT, IOC and CANCEL, enough for the throughput comparison; the
// reports it emits have the same count and kinds as the core's for that subset.
#pragma once

#include <cstdint>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <unordered_map>
#include <vector>

#include "protocol.hpp"

namespace lob_test {

using namespace lob;

class TextbookBook {
 public:
  void execute(const Command& command, std::vector<Report>& out) {
    if (command.action == Action::Cancel) return on_cancel(command, out);
    auto order = std::make_shared<Order>(Order{++order_id_, command.owner, command.side, command.price,
                                               command.quantity, command.quantity});
    emit(out, ExecKind::Accepted, *order);
    if (order->side == Side::Buy) {
      match(*order, asks_, [](Price ask, Price limit) { return ask <= limit; }, out);
    } else {
      match(*order, bids_, [](Price bid, Price limit) { return bid >= limit; }, out);
    }
    if (order->leaves == 0) return;
    if (command.type == OrderType::Ioc) return emit(out, ExecKind::Expired, *order);
    if (order->side == Side::Buy) {
      rest(order, bids_[order->price]);
    } else {
      rest(order, asks_[order->price]);
    }
  }

 private:
  struct Order {
    OrderId id;
    Owner owner;
    Side side;
    Price price;
    Quantity quantity;
    Quantity leaves;
  };
  using Queue = std::list<std::shared_ptr<Order>>;
  struct Location {
    std::shared_ptr<Order> order;
    Queue::iterator position;
  };

  void emit(std::vector<Report>& out, ExecKind kind, const Order& order) {
    Report report{};
    report.seq = ++seq_;
    report.kind = kind;
    report.order_id = order.id;
    report.owner = order.owner;
    report.side = order.side;
    report.price = order.price;
    report.quantity = order.quantity;
    report.leaves_quantity = order.leaves;
    out.push_back(report);
  }

  void rest(const std::shared_ptr<Order>& order, Queue& queue) {
    queue.push_back(order);
    by_id_[order->id] = Location{order, std::prev(queue.end())};
  }

  template <class Levels, class Crosses>
  void match(Order& taker, Levels& levels, Crosses crosses, std::vector<Report>& out) {
    while (taker.leaves > 0 && !levels.empty() && crosses(levels.begin()->first, taker.price)) {
      Queue& queue = levels.begin()->second;
      while (taker.leaves > 0 && !queue.empty()) {
        Order& maker = *queue.front();
        const Quantity quantity = std::min(taker.leaves, maker.leaves);
        taker.leaves -= quantity;
        maker.leaves -= quantity;
        trade_id_++;
        emit(out, taker.leaves == 0 ? ExecKind::Filled : ExecKind::PartiallyFilled, taker);
        emit(out, maker.leaves == 0 ? ExecKind::Filled : ExecKind::PartiallyFilled, maker);
        if (maker.leaves == 0) {
          by_id_.erase(maker.id);
          queue.pop_front();
        }
      }
      if (queue.empty()) levels.erase(levels.begin());
    }
  }

  void on_cancel(const Command& command, std::vector<Report>& out) {
    const auto it = by_id_.find(command.order_id);
    if (it == by_id_.end() || it->second.order->owner != command.owner) {
      Report report{};
      report.seq = ++seq_;
      report.kind = ExecKind::CancelRejected;
      out.push_back(report);
      return;
    }
    const std::shared_ptr<Order> order = it->second.order;
    emit(out, ExecKind::Cancelled, *order);
    if (order->side == Side::Buy) {
      erase_from(bids_, *order, it->second.position);
    } else {
      erase_from(asks_, *order, it->second.position);
    }
    by_id_.erase(it);
  }

  template <class Levels>
  void erase_from(Levels& levels, const Order& order, Queue::iterator position) {
    const auto level = levels.find(order.price);
    level->second.erase(position);
    if (level->second.empty()) levels.erase(level);
  }

  std::map<Price, Queue, std::greater<Price>> bids_;
  std::map<Price, Queue> asks_;
  std::unordered_map<OrderId, Location> by_id_;
  std::uint64_t seq_ = 0;
  std::uint64_t trade_id_ = 0;
  std::uint64_t order_id_ = 0;
};

}  // namespace lob_test
