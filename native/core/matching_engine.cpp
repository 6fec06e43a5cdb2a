// Commands and matching: docs/engine-semantics.md, section by section. Every business-rule
// violation becomes a report; only broken invariants (programmer errors) assert.
//
// Report order per command is the spec's: ACCEPTED (or REPLACED), then per match the taker's fill
// and the maker's fill (same trade id), self-trade cancels in queue order, and last the remainder's
// EXPIRED. Every report takes the next seq; timestamps stay 0 (the threaded engine sets them).
#include "matching_engine.hpp"

#include <algorithm>
#include <utility>

#include "assert.hpp"
#include "engine_impl.hpp"

namespace lob {

namespace {

Band band_of(const InstrumentConfig& instrument) {
  // reference <= 2^53 and bps <= 1e6: the product needs more than 64 bits.
  const auto half = static_cast<Price>(static_cast<__int128>(instrument.reference_price) *
                                       instrument.band_bps / 10'000);
  return Band{instrument.reference_price - half, instrument.reference_price + half};
}

// A 64-bit division costs tens of cycles; most instruments trade in ticks and lots of 1.
bool is_multiple(std::int64_t value, std::int64_t unit) { return unit == 1 || value % unit == 0; }

std::vector<OrderLimits> limits_of(const std::vector<InstrumentConfig>& instruments) {
  std::vector<OrderLimits> limits;
  limits.reserve(instruments.size());
  for (const InstrumentConfig& instrument : instruments) {
    limits.push_back(OrderLimits{instrument.lot_size, instrument.max_order_quantity, instrument.tick_size,
                                 band_of(instrument)});
  }
  return limits;
}

// The prices each instrument's orders can rest at: its band, on its tick.
std::vector<PriceRange> price_ranges_of(const std::vector<OrderLimits>& limits) {
  std::vector<PriceRange> ranges;
  ranges.reserve(limits.size());
  for (const OrderLimits& limit : limits) ranges.push_back(PriceRange{limit.tick_size, limit.band.low, limit.band.high});
  return ranges;
}

// The reports of an empty `out` get room for this many before it first grows.
constexpr std::size_t kReportsCapacityMin = 64;

// Out of line: under flatten, every push_back inlined the vector's reallocation, a copy per report
// site, whose calls made the handlers keep more values in saved registers and on the stack (bench:book
// stream: 0.8% fewer instructions).
[[gnu::noinline, gnu::cold]] void grow_reports(std::vector<Report>& out) {
  out.reserve(std::max(kReportsCapacityMin, 2 * out.capacity()));
}

// Call before each report's push_back, which then never reallocates and the compiler knows it: on
// the common path push_back's own check is the one above (it folds), and after growing, the assertion
// says there is room. So no reallocation is inlined at the report sites.
void make_room_for_report(std::vector<Report>& out) {
  if (out.size() == out.capacity()) [[unlikely]] {
    grow_reports(out);
    LOB_ASSERT(out.size() != out.capacity(), "no room made for a report");
  }
}

bool is_resting_type(OrderType type) { return type == OrderType::Limit || type == OrderType::PostOnly; }

// Whether a taker may trade with a resting level at `price` (MARKET: at any price).
bool crosses(const Taker& taker, Price price) {
  if (taker.type == OrderType::Market) return true;
  return taker.side == Side::Buy ? price <= taker.price : price >= taker.price;
}

}  // namespace

MatchingEngine::Impl::Impl(const EngineConfig& engine_config, std::vector<InstrumentConfig> list)
    : config(engine_config),
      instruments(std::move(list)),
      instrument_count(instruments.size()),
      limits(limits_of(instruments)),
      books(price_ranges_of(limits), config.orders_max, config.direct_levels_max) {
  LOB_ASSERT(validate_config(config, instruments).empty(), "invalid engine configuration");
}

// ---- Reports ----
//
// Each report is built whole, every field written once, and copied into `out`: value-initialising
// a 120-byte record and then overwriting most of it cost a `rep stos` per report.

void MatchingEngine::Impl::report_taker(std::vector<Report>& out, ExecKind kind, Reason reason,
                                        const Taker& taker, const FillFields& fill) {
  make_room_for_report(out);
  out.push_back(Report{.seq = ++seq_last, .kind = kind, .reason = reason, .side = taker.side,
                       .symbol = taker.symbol, .owner = taker.owner, .order_id = taker.id,
                       .client_order_id = taker.client_order_id, .price = taker.price,
                       .quantity = taker.quantity, .last_quantity = fill.last_quantity,
                       .last_price = fill.last_price, .cum_quantity = taker.cum,
                       .leaves_quantity = taker.leaves, .trade_id = fill.trade_id,
                       .ts_receive_ns = 0, .ts_match_ns = 0, .ts_dispatch_ns = 0});
}

void MatchingEngine::Impl::report_order(std::vector<Report>& out, ExecKind kind, Reason reason,
                                        const Order& order, const Level& level, Quantity cum,
                                        Quantity leaves, const FillFields& fill) {
  make_room_for_report(out);
  out.push_back(Report{.seq = ++seq_last, .kind = kind, .reason = reason, .side = level.side,
                       .symbol = level.symbol, .owner = order.owner, .order_id = order.id,
                       .client_order_id = order.client_order_id, .price = level.price,
                       .quantity = order.quantity, .last_quantity = fill.last_quantity,
                       .last_price = fill.last_price, .cum_quantity = cum,
                       .leaves_quantity = leaves, .trade_id = fill.trade_id, .ts_receive_ns = 0,
                       .ts_match_ns = 0, .ts_dispatch_ns = 0});
}

void MatchingEngine::Impl::report_rejected(std::vector<Report>& out, const Command& command,
                                           Reason reason) {
  make_room_for_report(out);
  out.push_back(Report{.seq = ++seq_last, .kind = ExecKind::Rejected, .reason = reason,
                       .side = command.side, .symbol = command.symbol, .owner = command.owner,
                       .order_id = 0, .client_order_id = command.client_order_id,
                       .price = command.type == OrderType::Market ? 0 : command.price,
                       .quantity = command.quantity, .last_quantity = 0, .last_price = 0,
                       .cum_quantity = 0, .leaves_quantity = 0, .trade_id = 0, .ts_receive_ns = 0,
                       .ts_match_ns = 0, .ts_dispatch_ns = 0});
}

void MatchingEngine::Impl::report_unknown_order(std::vector<Report>& out, const Command& command) {
  make_room_for_report(out);
  out.push_back(Report{.seq = ++seq_last, .kind = ExecKind::CancelRejected,
                       .reason = Reason::UnknownOrder, .side = Side::Buy, .symbol = 0,
                       .owner = command.owner, .order_id = command.order_id,
                       .client_order_id = command.client_order_id, .price = 0, .quantity = 0,
                       .last_quantity = 0, .last_price = 0, .cum_quantity = 0,
                       .leaves_quantity = 0, .trade_id = 0, .ts_receive_ns = 0, .ts_match_ns = 0,
                       .ts_dispatch_ns = 0});
}

// ---- NEW ----

Reason MatchingEngine::Impl::check_new(const Command& command) const {
  if (command.symbol >= instrument_count) return Reason::UnknownSymbol;
  const OrderLimits& limit = limits[command.symbol];
  if (command.quantity <= 0) return Reason::QuantityInvalid;
  if (!is_multiple(command.quantity, limit.lot_size)) return Reason::QuantityNotLotMultiple;
  if (command.quantity > limit.max_order_quantity) return Reason::QuantityAboveMax;
  if (command.type != OrderType::Market) {
    if (command.price <= 0) return Reason::PriceInvalid;
    if (!is_multiple(command.price, limit.tick_size)) return Reason::PriceOffTick;
    if (command.price < limit.band.low || command.price > limit.band.high) return Reason::PriceOutOfBand;
  }
  if (books.find_by_client(command.owner, command.client_order_id) != kSlotNone) {
    return Reason::DuplicateClientOrderId;
  }
  if (is_resting_type(command.type) && books.resting() >= books.orders_max()) {
    return Reason::EngineFull;
  }
  if (command.type == OrderType::PostOnly) {
    const PriceLadder& opposite_side = books.ladder(command.symbol, opposite(command.side));
    if (!opposite_side.empty()) {
      const Price best = opposite_side.best_price();
      const bool would_cross = command.side == Side::Buy ? command.price >= best : command.price <= best;
      if (would_cross) return Reason::PostOnlyWouldCross;
    }
  }
  return Reason::None;
}

// flatten: the matching steps below are separate functions for reading, but called they pass the
// taker through memory and save and restore registers at each step; inlined into the three command
// handlers, the taker stays in registers (bench:book core: +11%, median of 8 paired runs).
[[gnu::flatten, gnu::noinline]] void MatchingEngine::Impl::on_new(const Command& command, std::vector<Report>& out) {
  const Reason reason = check_new(command);
  if (reason != Reason::None) {
    report_rejected(out, command, reason);
    return;
  }
  LOB_ASSERT(command.quantity > 0 && command.quantity <= kOrderQuantityMax, "validated quantity");
  Taker taker{++order_id_last, command.client_order_id, command.owner, command.symbol,
              command.side,    command.type,            0,             command.quantity,
              0,               command.quantity,        kSlotNone,     false};
  if (command.type != OrderType::Market) taker.price = command.price;
  report_taker(out, ExecKind::Accepted, Reason::None, taker);
  if (command.type == OrderType::Fok && fok_fillable(taker) < taker.leaves) {
    taker.leaves = 0;
    report_taker(out, ExecKind::Expired, Reason::FokUnfillable, taker);
    return;
  }
  match(taker, out);
  finish(taker, out);
}

// The quantity matching would fill now, walking the same levels in the same order; it stops as
// soon as the FOK is known to be fillable. STP: cancel-incoming stops at the first same-owner
// order (matching would cancel the FOK there), cancel-resting skips them, off counts them.
Quantity MatchingEngine::Impl::fok_fillable(const Taker& taker) const {
  Quantity fillable = 0;
  books.ladder(taker.symbol, opposite(taker.side)).for_each_level([&](std::uint32_t level_index) {
    const Level& level = books.level(level_index);
    if (!crosses(taker, level.price)) return false;
    if (config.stp == StpMode::Off) {
      fillable += static_cast<Quantity>(level.quantity);
      return fillable < taker.leaves;
    }
    for (std::uint32_t slot = level.head; slot != kSlotNone; slot = books.order(slot).next) {
      const Order& order = books.order(slot);
      if (order.owner == taker.owner) {
        if (config.stp == StpMode::CancelIncoming) return false;
        continue;
      }
      fillable += order.leaves;
      if (fillable >= taker.leaves) return false;
    }
    return true;
  });
  return fillable;
}

void MatchingEngine::Impl::match(Taker& taker, std::vector<Report>& out) {
  PriceLadder& ladder = books.ladder(taker.symbol, opposite(taker.side));
  while (taker.leaves > 0 && !ladder.empty()) {
    const std::uint32_t level_index = ladder.best_level();
    if (!crosses(taker, books.level(level_index).price)) return;
    match_level(taker, level_index, out);
    books.remove_level_if_empty(level_index);
    if (taker.self_trade_cancelled) return;
  }
}

void MatchingEngine::Impl::match_level(Taker& taker, std::uint32_t level_index,
                                       std::vector<Report>& out) {
  std::uint32_t slot = books.level(level_index).head;
  while (slot != kSlotNone && taker.leaves > 0) {
    const Order& maker = books.order(slot);
    const std::uint32_t next = maker.next;  // The maker may leave the queue below.
    if (next != kSlotNone) __builtin_prefetch(&books.order(next), 1);
    // The mode first: with self-trade prevention off (an engine constant) the owners go unread.
    if (config.stp != StpMode::Off && maker.owner == taker.owner) {
      if (config.stp == StpMode::CancelIncoming) {
        taker.leaves = 0;
        taker.self_trade_cancelled = true;
        report_taker(out, ExecKind::Cancelled, Reason::SelfTrade, taker);
        return;
      }
      cancel_resting(slot, Reason::SelfTrade, out);
    } else {
      fill(taker, slot, out);
    }
    slot = next;
  }
}

void MatchingEngine::Impl::fill(Taker& taker, std::uint32_t maker_slot, std::vector<Report>& out) {
  Order& maker = books.order(maker_slot);
  Level& level = books.level(maker.level);
  const Quantity quantity = std::min<Quantity>(taker.leaves, maker.leaves);
  LOB_ASSERT(quantity > 0, "a fill moves a positive quantity");
  LOB_ASSERT(level.quantity >= static_cast<std::uint64_t>(quantity), "level below its order");
  taker.leaves -= quantity;
  taker.cum += quantity;
  maker.leaves -= static_cast<std::uint32_t>(quantity);
  level.quantity -= static_cast<std::uint64_t>(quantity);
  const FillFields trade{quantity, level.price, ++trade_id_last};
  const ExecKind taker_kind = taker.leaves == 0 ? ExecKind::Filled : ExecKind::PartiallyFilled;
  report_taker(out, taker_kind, Reason::None, taker, trade);
  const ExecKind maker_kind = maker.leaves == 0 ? ExecKind::Filled : ExecKind::PartiallyFilled;
  report_order(out, maker_kind, Reason::None, maker, level, maker.quantity - maker.leaves,
               maker.leaves, trade);
  if (maker.leaves == 0) {
    books.unlink(maker_slot);
    books.forget(maker_slot);
  }
}

// What is left of the taker after matching: nothing, a resting remainder, or an EXPIRED one.
void MatchingEngine::Impl::finish(Taker& taker, std::vector<Report>& out) {
  if (taker.self_trade_cancelled || taker.leaves == 0) {
    if (taker.slot != kSlotNone) books.forget(taker.slot);
    return;
  }
  if (!is_resting_type(taker.type)) {
    taker.leaves = 0;
    report_taker(out, ExecKind::Expired, Reason::IocRemainder, taker);
    LOB_ASSERT(taker.slot == kSlotNone, "only NEW orders are IOC or MARKET");
    return;
  }
  std::uint32_t slot = taker.slot;
  if (slot == kSlotNone) slot = books.add_order(taker.id, taker.client_order_id, taker.owner);
  Order& order = books.order(slot);
  LOB_ASSERT(order.id == taker.id && order.level == kSlotNone, "resting the taker's own slot");
  order.quantity = static_cast<std::uint32_t>(taker.quantity);
  order.leaves = static_cast<std::uint32_t>(taker.leaves);
  books.append(slot, taker.symbol, taker.side, taker.price);
}

// Reports and removes a queued order; its level may be left empty for the caller to remove.
void MatchingEngine::Impl::cancel_resting(std::uint32_t slot, Reason reason,
                                          std::vector<Report>& out) {
  const Order& order = books.order(slot);
  report_order(out, ExecKind::Cancelled, reason, order, books.level(order.level),
               order.quantity - order.leaves, 0);
  books.unlink(slot);
  books.forget(slot);
}

// ---- CANCEL, MODIFY, MASS_CANCEL ----

// The live order a CANCEL or MODIFY addresses: by engine id (the owner must match), or by
// (owner, client order id) when the id is 0. kSlotNone when there is none.
std::uint32_t MatchingEngine::Impl::lookup(const Command& command) const {
  if (command.order_id == 0) return books.find_by_client(command.owner, command.client_order_id);
  const std::uint32_t slot = books.find_by_id(command.order_id);
  if (slot == kSlotNone || books.order(slot).owner != command.owner) return kSlotNone;
  return slot;
}

[[gnu::flatten, gnu::noinline]] void MatchingEngine::Impl::on_cancel(const Command& command, std::vector<Report>& out) {
  const std::uint32_t slot = lookup(command);
  if (slot == kSlotNone) {
    report_unknown_order(out, command);
    return;
  }
  books.prefetch_unlink(slot);
  const std::uint32_t level_index = books.order(slot).level;
  cancel_resting(slot, Reason::CancelRequested, out);
  books.remove_level_if_empty(level_index);
}

Reason MatchingEngine::Impl::check_modify(const Command& command, const Order& order,
                                          const Level& level) const {
  const OrderLimits& limit = limits[level.symbol];
  const Quantity cum = order.quantity - order.leaves;
  if (command.quantity <= 0) return Reason::QuantityInvalid;
  if (!is_multiple(command.quantity, limit.lot_size)) return Reason::QuantityNotLotMultiple;
  // Written as a subtraction: cum + quantity could overflow on a hostile quantity.
  if (command.quantity > limit.max_order_quantity - cum) return Reason::QuantityAboveMax;
  if (command.price <= 0) return Reason::PriceInvalid;
  if (!is_multiple(command.price, limit.tick_size)) return Reason::PriceOffTick;
  if (command.price < limit.band.low || command.price > limit.band.high) return Reason::PriceOutOfBand;
  return Reason::None;
}

[[gnu::flatten, gnu::noinline]] void MatchingEngine::Impl::on_modify(const Command& command, std::vector<Report>& out) {
  const std::uint32_t slot = lookup(command);
  if (slot == kSlotNone) {
    report_unknown_order(out, command);
    return;
  }
  Order& order = books.order(slot);
  const std::uint32_t level_index = order.level;
  Level& level = books.level(level_index);
  const Quantity cum = order.quantity - order.leaves;
  const Reason reason = check_modify(command, order, level);
  if (reason != Reason::None) {
    report_order(out, ExecKind::CancelRejected, reason, order, level, cum, order.leaves);
    return;
  }
  LOB_ASSERT(cum + command.quantity <= kOrderQuantityMax, "modified quantity fits 32 bits");
  if (command.price == level.price && command.quantity <= order.leaves) {
    // Same price, leaves not increased: the order keeps its place in the queue.
    level.quantity -= order.leaves - static_cast<std::uint64_t>(command.quantity);
    order.leaves = static_cast<std::uint32_t>(command.quantity);
    order.quantity = static_cast<std::uint32_t>(cum + command.quantity);
    report_order(out, ExecKind::Replaced, Reason::None, order, level, cum, order.leaves);
    return;
  }
  Taker taker{order.id,  order.client_order_id, order.owner, level.symbol,
              level.side, OrderType::Limit,     command.price, cum + command.quantity,
              cum,        command.quantity,     slot,          false};
  report_taker(out, ExecKind::Replaced, Reason::None, taker);
  books.unlink(slot);
  books.remove_level_if_empty(level_index);
  match(taker, out);
  finish(taker, out);
}

// Canonical order: bids best to worst, then asks best to worst, queue order within a level.
// O(orders of the symbol): there is no per-owner list, which would cost memory on every order.
void MatchingEngine::Impl::mass_cancel_book(SymbolIndex symbol, Owner owner,
                                            std::vector<Report>& out) {
  for (const Side side : {Side::Buy, Side::Sell}) {
    bool emptied = false;
    books.ladder(symbol, side).for_each_level([&](std::uint32_t level_index) {
      std::uint32_t slot = books.level(level_index).head;
      while (slot != kSlotNone) {
        const std::uint32_t next = books.order(slot).next;
        if (books.order(slot).owner == owner) cancel_resting(slot, Reason::MassCancel, out);
        slot = next;
      }
      emptied = emptied || books.level(level_index).count == 0;
      return true;
    });
    if (emptied) books.remove_empty_levels(symbol, side);
  }
}

[[gnu::noinline]] void MatchingEngine::Impl::on_mass_cancel(const Command& command, std::vector<Report>& out) {
  if (command.symbol == kSymbolAll) {
    for (SymbolIndex symbol = 0; symbol < instrument_count; symbol++) {
      mass_cancel_book(symbol, command.owner, out);
    }
  } else if (command.symbol < instrument_count) {
    mass_cancel_book(command.symbol, command.owner, out);
  }
}

// ---- Public interface ----

MatchingEngine::MatchingEngine(const EngineConfig& config, std::vector<InstrumentConfig> instruments)
    : impl_(new Impl(config, std::move(instruments))) {}

MatchingEngine::~MatchingEngine() { delete impl_; }

// Each handler is a flattened function of its own (noinline), reached by a tail call: one frame per
// command as before, but a cancel no longer saves and restores every register a NEW needs, and each
// handler's registers are allocated without the others' code around (bench:book stream: 1.2% fewer
// instructions).
void MatchingEngine::execute(const Command& command, std::vector<Report>& out) {
  switch (command.action) {
    case Action::New: return impl_->on_new(command, out);
    case Action::Cancel: return impl_->on_cancel(command, out);
    case Action::Modify: return impl_->on_modify(command, out);
    case Action::MassCancel: return impl_->on_mass_cancel(command, out);
    default: LOB_ASSERT(false, "unknown command action");
  }
}

}  // namespace lob
