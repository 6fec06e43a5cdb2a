// The seed's textbook order book, kept as the benchmark's comparator for the core in native/core.
//
// One symbol, price-time priority: a std::map of price levels per side (bids with std::greater<>,
// so begin() is the best price on both sides), each level a std::list of shared_ptr<Order>, and an
// unordered_map from order id to the order and its list iterator for O(1) cancel. It is the honest
// textbook: no deliberate waste, and no tuning (no reserve, no pools) that the seed did not have.
//
// The order id is the client order id (the benchmark has one owner), so a cancel addressed by
// (owner, clientOrderId) is one hash lookup here as in the core. It counts trades and filled
// quantity instead of emitting reports; validation is left out (the benchmark stream is valid).
#pragma once

#include <algorithm>
#include <cassert>
#include <cstdint>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <unordered_map>

#include "protocol.hpp"

namespace textbook {

using lob::Price;
using lob::Quantity;
using OrderId = std::uint64_t;

struct Order {
  OrderId id;
  lob::Side side;
  Price price;
  Quantity quantity;
  Quantity leaves;
};

using Queue = std::list<std::shared_ptr<Order>>;

class Book {
 public:
  std::uint64_t trades = 0;
  std::uint64_t filled_quantity = 0;

  // Limit (GTC) rests its remainder; IOC drops it.
  void submit(OrderId id, lob::Side side, bool rest_remainder, Price price, Quantity quantity) {
    auto order = std::make_shared<Order>(Order{id, side, price, quantity, quantity});
    if (side == lob::Side::Buy) {
      match(asks_, *order, [](Price ask, Price limit) { return ask <= limit; });
    } else {
      match(bids_, *order, [](Price bid, Price limit) { return bid >= limit; });
    }
    if (order->leaves == 0 || !rest_remainder) return;
    Queue& queue = side == lob::Side::Buy ? bids_[price] : asks_[price];
    queue.push_back(order);
    index_.emplace(id, Entry{order, std::prev(queue.end())});
  }

  // Returns false when the order is not resting (unknown, filled or already cancelled).
  bool cancel(OrderId id) {
    auto found = index_.find(id);
    if (found == index_.end()) return false;
    const Order& order = *found->second.order;
    if (order.side == lob::Side::Buy) {
      remove(bids_, order.price, found->second.position);
    } else {
      remove(asks_, order.price, found->second.position);
    }
    index_.erase(found);
    return true;
  }

  std::size_t resting_orders() const { return index_.size(); }

 private:
  struct Entry {
    std::shared_ptr<Order> order;
    Queue::iterator position;
  };

  template <typename Side, typename Crosses>
  void match(Side& opposite, Order& taker, Crosses crosses) {
    while (taker.leaves > 0 && !opposite.empty() && crosses(opposite.begin()->first, taker.price)) {
      Queue& queue = opposite.begin()->second;
      Order& maker = *queue.front();
      const Quantity fill = std::min(taker.leaves, maker.leaves);
      taker.leaves -= fill;
      maker.leaves -= fill;
      trades++;
      filled_quantity += static_cast<std::uint64_t>(fill);
      if (maker.leaves == 0) {
        index_.erase(maker.id);
        queue.pop_front();
        if (queue.empty()) opposite.erase(opposite.begin());
      }
    }
  }

  template <typename Side>
  static void remove(Side& side, Price price, Queue::iterator position) {
    auto level = side.find(price);
    assert(level != side.end());
    level->second.erase(position);
    if (level->second.empty()) side.erase(level);
  }

  std::map<Price, Queue, std::greater<>> bids_;
  std::map<Price, Queue> asks_;
  std::unordered_map<OrderId, Entry> index_;
};

}  // namespace textbook
