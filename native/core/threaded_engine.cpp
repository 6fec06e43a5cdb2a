#include "threaded_engine.hpp"

#include <algorithm>

#include "thread_name.hpp"
#include "threaded_ids.hpp"
#include "threaded_records.hpp"
#include "threaded_routing.hpp"

namespace lob::threaded {

namespace {

// Reports the dispatcher takes from one shard per pass before it looks at the next shard.
constexpr std::size_t kDispatchPassReportsMax = 4096;
constexpr std::size_t kUnlimited = ~std::size_t{0};

// The report of a shard in global terms: ids, trade ids and seq through the shard map, the symbol
// back to its global index. An UNKNOWN_ORDER reject names no symbol (0), as in the inline engine.
void globalize(Report& report, std::uint32_t shard, std::uint32_t shards) {
  report.seq = global_id(report.seq, shard, shards);
  report.order_id = global_id(report.order_id, shard, shards);
  report.trade_id = global_id(report.trade_id, shard, shards);
  const bool names_no_symbol = report.kind == ExecKind::CancelRejected && report.reason == Reason::UnknownOrder;
  if (!names_no_symbol) report.symbol = global_symbol(report.symbol, shard, shards);
}

}  // namespace

ThreadedEngine::ThreadedEngine(ThreadedConfig config) : config_(std::move(config)) {
  LOB_ASSERT(validate_threaded_config(config_).empty(), "threaded config must be validated first");
  signals_.spin_ns = config_.spin_ns;
  signals_.shards = config_.shards;
  routes_ = std::make_shared<Routes>();
  dispatch_routes_ = routes_;
  report_scratch_.reserve(kDispatchPassReportsMax);
  signals_.helper = this;
  for (std::uint32_t shard = 0; shard < config_.shards; shard++) {
    shards_.push_back(std::make_unique<Shard>(shard, config_, signals_));
  }
  for (auto& shard : shards_) shard->start();
  dispatcher_ = std::thread([this] {
    name_this_thread("lob-dispatch");
    dispatch_loop();
  });
}

ThreadedEngine::~ThreadedEngine() { shutdown_now(); }

bool ThreadedEngine::push(std::uint32_t shard, const Command& local, std::uint64_t ts_receive_ns) {
  LOB_ASSERT(shard < shards_.size(), "push: shard out of range");
  if (shards_[shard]->try_push(Ingress{local, ts_receive_ns})) return true;
  shards_[shard]->note_busy();
  return false;
}

// A mass cancel of every symbol goes to every shard. If some shard is full it is BUSY although the
// other shards accepted it; a mass cancel is idempotent, so the caller simply sends it again.
EnqueueStatus ThreadedEngine::enqueue_one(const Command& command, std::uint64_t ts_receive_ns) {
  Command local{};
  const std::uint32_t shard = route_command(command, config_.shards, local);
  if (shard != kRouteAllShards) return push(shard, local, ts_receive_ns) ? EnqueueStatus::Accepted : EnqueueStatus::Busy;
  bool all = true;
  for (std::uint32_t each = 0; each < config_.shards; each++) all = push(each, local, ts_receive_ns) && all;
  return all ? EnqueueStatus::Accepted : EnqueueStatus::Busy;
}

// A producer announces itself before it checks `accepting`, so a closing shard that sees no
// producer knows that no command can still arrive (shard.cpp, drained()).
EnqueueStatus ThreadedEngine::enqueue(const Command& command, std::uint64_t ts_receive_ns) {
  bool closed = false;
  const std::size_t accepted = enqueue_batch(&command, 1, ts_receive_ns, closed);
  if (closed) return EnqueueStatus::Closed;
  return accepted == 1 ? EnqueueStatus::Accepted : EnqueueStatus::Busy;
}

std::size_t ThreadedEngine::enqueue_batch(const Command* commands, std::size_t count, std::uint64_t ts_receive_ns,
                                          bool& closed) {
  signals_.producers_active.fetch_add(1, std::memory_order_seq_cst);
  closed = !signals_.accepting.load(std::memory_order_seq_cst);
  std::size_t accepted = 0;
  if (!closed) {
    while (accepted < count && enqueue_one(commands[accepted], ts_receive_ns) == EnqueueStatus::Accepted) accepted++;
  }
  signals_.producers_active.fetch_sub(1, std::memory_order_seq_cst);
  return accepted;
}

void ThreadedEngine::attach_ring(std::uint32_t shard, std::shared_ptr<SharedRing> ring) {
  LOB_ASSERT(shard < shards_.size(), "attach_ring: shard out of range");
  shards_[shard]->attach_ring(std::move(ring));
}

void ThreadedEngine::wake(std::uint32_t shard) {
  LOB_ASSERT(shard < shards_.size(), "wake: shard out of range");
  shards_[shard]->wake();
}

std::uint64_t ThreadedEngine::subscribe(std::shared_ptr<Sink> sink, StreamKind kind, const std::vector<Owner>& owners,
                                        bool all, std::string& error) {
  std::lock_guard<std::mutex> lock(routes_mutex_);
  if (signals_.closing.load(std::memory_order_acquire)) {
    error = "the engine is closed";
    return 0;
  }
  auto routes = std::make_shared<Routes>(*routes_);
  for (Owner owner : owners) {
    if (kind == StreamKind::Reports && routes->by_owner.count(owner) != 0) {
      error = "owners: owner " + std::to_string(owner) + " already has a subscriber";
      return 0;
    }
  }
  const std::uint64_t id = next_subscription_id_++;
  auto slot = std::make_shared<SinkSlot>(id, kind, std::move(sink), signals_.dispatcher, counters_,
                                         config_.batches_in_flight_max);
  if (kind == StreamKind::MarketData) {
    routes->market.push_back(slot);
  } else if (all) {
    routes->all.push_back(slot);
  } else {
    for (Owner owner : owners) routes->by_owner[owner] = slot;
  }
  routes->slots.push_back(slot);
  signals_.market_data.store(!routes->market.empty(), std::memory_order_release);
  routes_ = std::move(routes);
  routes_version_.fetch_add(1, std::memory_order_release);
  return id;
}

void ThreadedEngine::unsubscribe(std::uint64_t id) {
  std::lock_guard<std::mutex> lock(routes_mutex_);
  auto routes = std::make_shared<Routes>();
  for (const auto& slot : routes_->slots) {
    if (slot->id() == id) continue;
    routes->slots.push_back(slot);
    if (slot->kind() == StreamKind::MarketData) routes->market.push_back(slot);
  }
  for (const auto& [owner, slot] : routes_->by_owner) {
    if (slot->id() != id) routes->by_owner.emplace(owner, slot);
  }
  for (const auto& slot : routes_->all) {
    if (slot->id() != id) routes->all.push_back(slot);
  }
  signals_.market_data.store(!routes->market.empty(), std::memory_order_release);
  routes_ = std::move(routes);
  routes_version_.fetch_add(1, std::memory_order_release);
}

void ThreadedEngine::query(std::uint32_t shard, ShardTask task) {
  LOB_ASSERT(shard < shards_.size(), "query: shard out of range");
  shards_[shard]->query(std::move(task));
}

ThreadedStats ThreadedEngine::stats() const {
  ThreadedStats stats{};
  for (const auto& shard : shards_) stats.shards.push_back(shard->stats());
  stats.reports_delivered = reports_delivered_.load(std::memory_order_relaxed);
  stats.reports_unrouted = reports_unrouted_.load(std::memory_order_relaxed);
  stats.batches_delivered = batches_delivered_.load(std::memory_order_relaxed);
  stats.market_data_delivered = market_data_delivered_.load(std::memory_order_relaxed);
  stats.handler_errors = counters_->handler_errors.load(std::memory_order_relaxed);
  stats.batches_in_flight = counters_->in_flight.load(std::memory_order_relaxed);
  stats.helped_passes = helped_passes_.load(std::memory_order_relaxed);
  std::lock_guard<std::mutex> lock(routes_mutex_);
  stats.subscribers = routes_->slots.size();
  return stats;
}

void ThreadedEngine::close(std::function<void()> on_closed) {
  {
    std::lock_guard<std::mutex> lock(close_mutex_);
    LOB_ASSERT(!close_requested_, "close requested twice");
    close_requested_ = true;
    on_closed_ = std::move(on_closed);
  }
  signals_.accepting.store(false, std::memory_order_seq_cst);
  signals_.closing.store(true, std::memory_order_seq_cst);
  for (auto& shard : shards_) shard->wake();
  signals_.dispatcher->unpark();
}

void ThreadedEngine::join() {
  std::lock_guard<std::mutex> lock(join_mutex_);
  for (auto& shard : shards_) shard->join();
  if (dispatcher_.joinable()) dispatcher_.join();
}

void ThreadedEngine::shutdown_now() {
  signals_.accepting.store(false, std::memory_order_seq_cst);
  signals_.closing.store(true, std::memory_order_seq_cst);
  signals_.stop.store(true, std::memory_order_seq_cst);
  for (auto& shard : shards_) shard->wake();
  signals_.dispatcher->unpark();
  join();
}

// ---- dispatcher thread ----

void ThreadedEngine::dispatch_loop() {
  // When shards can dispatch their own reports, the dispatcher is woken for what they leave behind
  // and must not spin: a spinning dispatcher takes the core a shard needs, and its passes take the
  // lock the shards would have dispatched under.
  const std::uint64_t spin_ns = config_.batches_in_flight_max >= kHelpInFlightRoom ? 0 : signals_.spin_ns;
  std::uint64_t idle_since_ns = 0;
  while (!signals_.stop.load(std::memory_order_acquire)) {
    {
      std::lock_guard<std::mutex> lock(dispatch_mutex_);
      if (dispatch_pass(false) > 0) {
        idle_since_ns = 0;
        continue;
      }
      if (signals_.closing.load(std::memory_order_seq_cst) && finished_closing()) {
        end_streams();
        std::function<void()> on_closed;
        {
          std::lock_guard<std::mutex> close_lock(close_mutex_);
          on_closed.swap(on_closed_);
        }
        if (on_closed) on_closed();
        return;
      }
    }
    const std::uint64_t now = steady_now_ns();
    if (idle_since_ns == 0) idle_since_ns = now;
    if (now - idle_since_ns < spin_ns) {
      while (!dispatch_work_waiting() && steady_now_ns() - idle_since_ns < spin_ns) cpu_relax();
      continue;
    }
    signals_.dispatcher->park([this] { return dispatch_work_waiting(); });
  }
}

// Any thread, without the dispatch lock. While closing, the end of the last shard is work too
// (Shard::finish() unparks the dispatcher); until then there is nothing to do but wait.
bool ThreadedEngine::dispatch_work_waiting() const {
  if (market_data_pending() || signals_.stop.load(std::memory_order_acquire)) return true;
  bool all_done = true;
  for (const auto& shard : shards_) {
    if (!shard->events_empty()) return true;
    all_done = all_done && shard->done();
  }
  return all_done && signals_.closing.load(std::memory_order_acquire);
}

bool ThreadedEngine::market_data_pending() const {
  for (const auto& shard : shards_) {
    if (shard->has_market_data()) return true;
  }
  return false;
}

// Shard threads. try_lock: a shard never waits for the dispatcher thread, it wakes it instead.
bool ThreadedEngine::help_dispatch() {
  std::unique_lock<std::mutex> lock(dispatch_mutex_, std::try_to_lock);
  if (!lock.owns_lock()) return false;
  if (!refresh_routes(false) || !room_to_help()) return false;
  helping_ = true;
  dispatch_pass(true);
  helping_ = false;
  helped_passes_.fetch_add(1, std::memory_order_relaxed);
  return nothing_left();
}

// One pass of the dispatcher's work: reports and market data into batches, and every batch out.
// Returns how many records it moved.
std::size_t ThreadedEngine::dispatch_pass(bool helping) {
  if (!helping) refresh_routes(true);  // help_dispatch() refreshed them before it checked for room.
  // A helper moves at most one batch's worth of reports and one of market data, so it flushes at
  // most kHelpInFlightRoom batches to each subscriber (room_to_help() checked there is room for
  // them); what it leaves stays pending for the next pass.
  const std::size_t pass_max = helping ? config_.batch_reports_max : kUnlimited;
  std::size_t moved = dispatch_reports(pass_max);
  // Also when nobody subscribes any more: a shard may have published just before the last market
  // data subscriber left, and pending data left there would keep the dispatcher from parking.
  if (signals_.market_data.load(std::memory_order_acquire) || market_data_pending()) {
    moved += dispatch_market_data(pass_max);
  }
  // Both may have taken newer routes: read them only now. A subscriber that left in the meantime
  // is not in them, and what was built for it is not delivered.
  flush_all(*dispatch_routes_);
  return moved;
}

// False when the routes changed and `may_wait` is false while (un)subscribe holds their lock: a
// helping shard about to start a pass then leaves it to the dispatcher rather than wait. After a
// pop, everyone waits (dispatch_reports).
bool ThreadedEngine::refresh_routes(bool may_wait) {
  if (routes_version_.load(std::memory_order_acquire) == dispatch_routes_version_) return true;
  std::unique_lock<std::mutex> lock(routes_mutex_, std::defer_lock);
  if (may_wait) {
    lock.lock();
  } else if (!lock.try_lock()) {
    return false;
  }
  dispatch_routes_ = routes_;
  dispatch_routes_version_ = routes_version_.load(std::memory_order_relaxed);
  return true;
}

bool ThreadedEngine::room_to_help() const {
  for (const auto& slot : dispatch_routes_->slots) {
    if (slot->in_flight() + kHelpInFlightRoom > config_.batches_in_flight_max) return false;
  }
  return true;
}

// Nothing waits in an event queue or a batch, so the dispatcher thread has nothing to do.
bool ThreadedEngine::nothing_left() const {
  for (const auto& shard : shards_) {
    if (!shard->events_empty() || shard->has_market_data()) return false;
  }
  for (const auto& slot : dispatch_routes_->slots) {
    if (slot->has_building()) return false;
  }
  return true;
}

// Every shard stopped after executing all it accepted, every report left the event queues, and
// every lent batch came back (its JS handler ran).
bool ThreadedEngine::finished_closing() {
  for (auto& shard : shards_) {
    if (!shard->done() || !shard->events_empty() || shard->has_market_data()) return false;
  }
  if (counters_->in_flight.load(std::memory_order_acquire) == 0) return true;
  signals_.dispatcher->park([this] { return counters_->in_flight.load(std::memory_order_acquire) == 0; });
  return false;
}

// Pops a run of reports from each shard first and stamps the run after the pops, so that the
// dispatch time of a report is never earlier than its match time.
std::size_t ThreadedEngine::dispatch_reports(std::size_t pass_reports_max) {
  std::size_t moved = 0;
  double record[report_slot::count];
  for (auto& shard : shards_) {
    report_scratch_.clear();
    Report report;
    while (report_scratch_.size() < kDispatchPassReportsMax && moved + report_scratch_.size() < pass_reports_max &&
           shard->pop_event(report)) {
      report_scratch_.push_back(report);
    }
    if (report_scratch_.empty()) continue;
    shard->events_consumed();
    // The routes are read after the pops, never before: a subscription made before a command was
    // submitted happens-before its reports reach the event queue (subscribe, submit, match, push
    // are ordered), so routes read now hold it. Routes read at the start of a long pass could miss
    // a subscriber that arrived meanwhile, and its first reports went to nobody but 'all'. Waits for
    // (un)subscribe's short copy of the routes if one holds their lock.
    refresh_routes(true);
    const Routes& routes = *dispatch_routes_;
    const std::uint64_t ts_dispatch_ns = steady_now_ns();
    for (Report& each : report_scratch_) {
      if (signals_.stop.load(std::memory_order_relaxed)) return moved;  // shutdown_now(): drop the rest.
      globalize(each, shard->index(), config_.shards);
      each.ts_dispatch_ns = ts_dispatch_ns;
      encode_report_slots(each, record);
      bool routed = false;
      if (!routes.by_owner.empty()) {
        const auto found = routes.by_owner.find(each.owner);
        if (found != routes.by_owner.end()) {
          append(found->second, record, report_slot::count);
          routed = true;
        }
      }
      for (const auto& slot : routes.all) {
        append(slot, record, report_slot::count);
        routed = true;
      }
      (routed ? reports_delivered_ : reports_unrouted_).fetch_add(1, std::memory_order_relaxed);
    }
    moved += report_scratch_.size();
  }
  return moved;
}

// Conflated: a shard keeps only the latest BBO per symbol until the dispatcher takes it.
std::size_t ThreadedEngine::dispatch_market_data(std::size_t pass_updates_max) {
  bbo_scratch_.clear();
  std::size_t moved = 0;
  double record[bbo_slot::count];
  for (auto& shard : shards_) {
    bbo_scratch_.clear();
    shard->take_market_data(bbo_scratch_, pass_updates_max - moved);
    if (bbo_scratch_.empty()) continue;
    refresh_routes(true);  // After the take, as dispatch_reports does after its pops.
    const Routes& routes = *dispatch_routes_;
    for (const BboUpdate& update : bbo_scratch_) {
      record[bbo_slot::symbol] = global_symbol(update.local_symbol, shard->index(), config_.shards);
      record[bbo_slot::bid_price] = static_cast<double>(update.bbo.bid.price);
      record[bbo_slot::bid_quantity] = static_cast<double>(update.bbo.bid.quantity);
      record[bbo_slot::bid_count] = update.bbo.bid.count;
      record[bbo_slot::ask_price] = static_cast<double>(update.bbo.ask.price);
      record[bbo_slot::ask_quantity] = static_cast<double>(update.bbo.ask.quantity);
      record[bbo_slot::ask_count] = update.bbo.ask.count;
      record[bbo_slot::seq] = static_cast<double>(global_id(update.seq, shard->index(), config_.shards));
      record[bbo_slot::ts_match_ns] = static_cast<double>(update.ts_match_ns);
      for (const auto& slot : routes.market) append(slot, record, bbo_slot::count);
      if (!routes.market.empty()) market_data_delivered_.fetch_add(1, std::memory_order_relaxed);
    }
    moved += bbo_scratch_.size();
  }
  return moved;
}

void ThreadedEngine::append(const std::shared_ptr<SinkSlot>& slot, const double* record, std::uint32_t record_slots) {
  DeliveryBatch& batch = slot->building(record_slots);
  LOB_ASSERT(batch.record_slots == record_slots, "a slot carries one record kind");
  if (batch.count >= config_.batch_reports_max) {
    // flush() gave up on a full batch because shutdown_now() stopped the engine while the subscriber
    // held batches_in_flight_max batches: drop the record (shutdown_now drops undelivered work).
    // Writing it would overrun the batch, whose size is capped at batch_reports_max records.
    LOB_ASSERT(signals_.stop.load(std::memory_order_acquire), "append: a full batch was not flushed");
    return;
  }
  const std::size_t needed = static_cast<std::size_t>(batch.count + 1) * record_slots;
  if (batch.slots.size() < needed) {
    batch.slots.resize(std::min<std::size_t>(std::max<std::size_t>(needed * 2, 64 * record_slots),
                                             static_cast<std::size_t>(config_.batch_reports_max) * record_slots));
  }
  std::copy(record, record + record_slots, batch.slots.data() + static_cast<std::size_t>(batch.count) * record_slots);
  batch.count++;
  if (batch.count >= config_.batch_reports_max) flush(slot);
}

// Waits while the subscriber holds batches_in_flight_max batches (bounded memory, nothing dropped).
void ThreadedEngine::flush(const std::shared_ptr<SinkSlot>& slot) {
  LOB_ASSERT(!helping_ || slot->in_flight() < config_.batches_in_flight_max, "a helping shard never waits");
  while (slot->in_flight() >= config_.batches_in_flight_max) {
    if (signals_.stop.load(std::memory_order_acquire)) return;
    signals_.dispatcher->park([&] {
      return slot->in_flight() < config_.batches_in_flight_max || signals_.stop.load(std::memory_order_acquire);
    });
  }
  batches_delivered_.fetch_add(1, std::memory_order_relaxed);
  slot->flush(slot);
}

// Subscribe refuses once `closing` is set, so the routes read here hold every subscriber.
void ThreadedEngine::end_streams() {
  std::shared_ptr<const Routes> routes;
  {
    std::lock_guard<std::mutex> lock(routes_mutex_);
    routes = routes_;
  }
  for (const auto& slot : routes->slots) slot->end_stream();
}

void ThreadedEngine::flush_all(const Routes& routes) {
  for (const auto& slot : routes.slots) {
    if (slot->has_building()) flush(slot);
  }
}

}  // namespace lob::threaded
