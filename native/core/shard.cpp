#include "shard.hpp"

#include <algorithm>

#include "thread_name.hpp"
#include "threaded_records.hpp"
#include "threaded_routing.hpp"

namespace lob::threaded {

namespace {

// The journal reserves this many commands up front and grows (on the shard thread) beyond.
constexpr std::uint64_t kJournalReserveCommands = 1u << 20;

bool same_level(const LevelView& a, const LevelView& b) {
  return a.price == b.price && a.quantity == b.quantity && a.count == b.count;
}

void raise_high_water(std::atomic<std::uint64_t>& high_water, std::uint64_t depth) {
  std::uint64_t seen = high_water.load(std::memory_order_relaxed);
  while (depth > seen && !high_water.compare_exchange_weak(seen, depth, std::memory_order_relaxed)) {
  }
}

// Each shard runs a MatchingEngine of its own: the direct-level budget of the configuration is the
// threaded engine's, shared out evenly, so that more shards do not reserve more memory.
EngineConfig shard_engine_config(const ThreadedConfig& config) {
  EngineConfig engine = config.engine;
  engine.direct_levels_max = config.engine.direct_levels_max / config.shards;
  return engine;
}

}  // namespace

Shard::Shard(std::uint32_t index, const ThreadedConfig& config, EngineSignals& signals)
    : index_(index),
      signals_(signals),
      engine_(shard_engine_config(config), shard_instruments(config, index)),
      ingress_(config.ingress_commands_max),
      events_(config.events_max),
      journal_max_(config.journal_commands_max) {
  const std::size_t symbols = engine_.instrument_count();
  LOB_ASSERT(symbols >= 1, "a shard holds at least one instrument");
  journal_.reserve(std::min(journal_max_, kJournalReserveCommands));
  bbo_seen_.assign(symbols, Bbo{});
  bbo_latest_.assign(symbols, BboUpdate{});
  bbo_pending_flag_.assign(symbols, 0);
  bbo_pending_.reserve(symbols);
  out_.reserve(1024);
}

Shard::~Shard() { LOB_ASSERT(!thread_.joinable(), "a shard thread must be joined before the shard is destroyed"); }

void Shard::start() {
  LOB_ASSERT(!thread_.joinable(), "shard started twice");
  thread_ = std::thread([this] {
    name_this_thread("lob-shard-" + std::to_string(index_));
    run();
  });
}

void Shard::join() {
  if (thread_.joinable()) thread_.join();
}

bool Shard::try_push(const Ingress& ingress) {
  if (!ingress_.try_push(ingress)) return false;
  raise_high_water(ingress_high_water_, ingress_.size_approx());
  parker_.unpark();
  return true;
}

void Shard::attach_ring(std::shared_ptr<SharedRing> ring) {
  {
    std::lock_guard<std::mutex> lock(rings_mutex_);
    rings_added_.push_back(std::move(ring));
  }
  rings_changed_.store(true, std::memory_order_release);
  parker_.unpark();
}

void Shard::query(ShardTask task) {
  std::unique_lock<std::mutex> lock(control_mutex_);
  if (control_closed_) {
    // The thread ended: its last write to the engine happened before it set control_closed_.
    task(ShardContext{index_, engine_, journal_, journal_truncated_});
    return;
  }
  tasks_.push_back(std::move(task));
  tasks_pending_.store(true, std::memory_order_release);
  lock.unlock();
  parker_.unpark();
}

void Shard::run() {
  std::uint64_t idle_since_ns = 0;
  while (!signals_.stop.load(std::memory_order_acquire)) {
    if (rings_changed_.load(std::memory_order_acquire)) adopt_rings();
    bool worked = run_queries();
    const std::uint32_t commands = drain_ingress() + drain_rings();
    if (commands > 0) {
      publish_market_data();
      hand_off_events();
      worked = true;
    }
    if (worked) {
      idle_since_ns = 0;
      continue;
    }
    if (signals_.closing.load(std::memory_order_seq_cst) && drained()) break;
    idle(idle_since_ns);
  }
  finish();
}

// Spins for spin_ns after the last work, then parks (bounded by kParkTimeoutMax).
void Shard::idle(std::uint64_t& idle_since_ns) {
  const std::uint64_t now = steady_now_ns();
  if (idle_since_ns == 0) idle_since_ns = now;
  if (now - idle_since_ns < signals_.spin_ns) {
    cpu_relax();
    return;
  }
  for (auto& ring : rings_) ring->set_sleeping(true);
  parker_.park([this] { return has_input(); });
  for (auto& ring : rings_) ring->set_sleeping(false);
}

bool Shard::has_input() {
  if (ingress_.ready() || tasks_pending_.load(std::memory_order_acquire)) return true;
  if (rings_changed_.load(std::memory_order_acquire)) return true;
  if (signals_.stop.load(std::memory_order_acquire) || signals_.closing.load(std::memory_order_acquire)) return true;
  for (auto& ring : rings_) {
    if (ring->has_records()) return true;
  }
  return false;
}

// Closing: nothing more can arrive once no producer is inside enqueue (they check `accepting`
// after announcing themselves), and everything that arrived was executed.
bool Shard::drained() {
  if (signals_.producers_active.load(std::memory_order_seq_cst) != 0) return false;
  if (ingress_.ready() || ingress_.size_approx() != 0) return false;
  for (auto& ring : rings_) {
    if (ring->has_records()) return false;
  }
  return !rings_changed_.load(std::memory_order_acquire);
}

void Shard::finish() {
  for (auto& ring : rings_) ring->set_closed();
  std::unique_lock<std::mutex> lock(control_mutex_);
  control_closed_ = true;
  for (ShardTask& task : tasks_) task(ShardContext{index_, engine_, journal_, journal_truncated_});
  tasks_.clear();
  lock.unlock();
  done_.store(true, std::memory_order_release);
  signals_.dispatcher->unpark();
}

void Shard::adopt_rings() {
  std::lock_guard<std::mutex> lock(rings_mutex_);
  rings_changed_.store(false, std::memory_order_relaxed);
  for (auto& ring : rings_added_) rings_.push_back(std::move(ring));
  rings_added_.clear();
}

bool Shard::run_queries() {
  if (!tasks_pending_.load(std::memory_order_acquire)) return false;
  std::vector<ShardTask> tasks;
  {
    std::lock_guard<std::mutex> lock(control_mutex_);
    tasks.swap(tasks_);
    tasks_pending_.store(false, std::memory_order_relaxed);
  }
  for (ShardTask& task : tasks) task(ShardContext{index_, engine_, journal_, journal_truncated_});
  return !tasks.empty();
}

std::uint32_t Shard::drain_ingress() {
  std::uint32_t count = 0;
  Ingress ingress;
  while (count < kShardPassCommandsMax && ingress_.try_pop(ingress)) {
    execute(ingress.command, ingress.ts_receive_ns);
    count++;
  }
  return count;
}

// Ring records are in global terms, like every JS command; the writer routed them to this shard.
// A record that fails validation, or that belongs to another shard, is dropped and counted.
std::uint32_t Shard::drain_rings() {
  std::uint32_t total = 0;
  const std::uint32_t shards = static_cast<std::uint32_t>(signals_.shards);
  for (auto& ring : rings_) {
    const bool was_broken = ring->broken();
    const std::uint64_t ts_receive_ns = steady_now_ns();
    total += ring->consume(kShardPassCommandsMax, [&](const double* record) {
      Command global{}, local{};
      const FieldError error = decode_command_slots(record, global);
      const std::uint32_t shard = error.field == nullptr ? route_command(global, shards, local) : index_;
      if (error.field != nullptr || (shard != index_ && shard != kRouteAllShards)) {
        ring_records_invalid_.fetch_add(1, std::memory_order_relaxed);
        return;
      }
      ring_records_.fetch_add(1, std::memory_order_relaxed);
      execute(local, ts_receive_ns);
    });
    if (!was_broken && ring->broken()) rings_broken_.fetch_add(1, std::memory_order_relaxed);
  }
  return total;
}

void Shard::execute(const Command& command, std::uint64_t ts_receive_ns) {
  if (journal_max_ > 0) {
    if (journal_.size() < journal_max_) {
      journal_.push_back(command);
      journal_size_.store(journal_.size(), std::memory_order_relaxed);
    } else if (!journal_truncated_) {
      journal_truncated_ = true;
      journal_truncated_flag_.store(true, std::memory_order_relaxed);
    }
  }
  out_.clear();
  const std::uint64_t ts_match_ns = steady_now_ns();
  engine_.execute(command, out_);
  for (Report& report : out_) {
    report.ts_receive_ns = ts_receive_ns;
    report.ts_match_ns = ts_match_ns;
    push_event(report);
  }
  commands_.fetch_add(1, std::memory_order_relaxed);
  reports_.fetch_add(out_.size(), std::memory_order_relaxed);
  // The dispatcher is not woken per command: hand_off_events() does it once per pass.
  if (!out_.empty()) raise_high_water(events_high_water_, events_.size_approx());
  if (signals_.market_data.load(std::memory_order_relaxed)) note_market_data();
}

// The event queue is full: wake the dispatcher and wait for room. Waiting (not dropping) is what
// keeps every accepted command's reports; the ingress queue absorbs the pause and then says BUSY.
void Shard::push_event(const Report& report) {
  while (!events_.try_push(report)) {
    if (signals_.stop.load(std::memory_order_acquire)) return;
    signals_.dispatcher->unpark();
    parker_.park([this] {
      return events_.size_approx() < events_.capacity() || signals_.stop.load(std::memory_order_acquire);
    });
  }
}

void Shard::note_market_data() {
  std::uint32_t last = 0xFFFFFFFFu;
  for (const Report& report : out_) {
    const std::uint32_t symbol = report.symbol;
    if (symbol == last || symbol >= bbo_seen_.size()) continue;
    last = symbol;
    const Bbo bbo = engine_.bbo(symbol);
    Bbo& seen = bbo_seen_[symbol];
    if (same_level(bbo.bid, seen.bid) && same_level(bbo.ask, seen.ask)) continue;
    seen = bbo;
    if (std::find(bbo_changed_.begin(), bbo_changed_.end(), symbol) == bbo_changed_.end()) bbo_changed_.push_back(symbol);
  }
}

void Shard::publish_market_data() {
  if (bbo_changed_.empty()) return;
  const std::uint64_t seq = engine_.stats().seq;
  const std::uint64_t now = steady_now_ns();
  {
    std::lock_guard<std::mutex> lock(market_mutex_);
    for (std::uint32_t symbol : bbo_changed_) {
      bbo_latest_[symbol] = BboUpdate{symbol, bbo_seen_[symbol], seq, now};
      if (!bbo_pending_flag_[symbol]) {
        bbo_pending_flag_[symbol] = 1;
        bbo_pending_.push_back(symbol);
      }
    }
    market_pending_.store(true, std::memory_order_release);
  }
  bbo_changed_.clear();
}

// After a pass: dispatch on this thread if the dispatcher is free (one hand-off and one thread
// fewer on the report's path, which is most of the ack latency on a machine with few cores),
// otherwise wake the dispatcher.
void Shard::hand_off_events() {
  if (signals_.helper != nullptr && signals_.helper->help_dispatch()) return;
  signals_.dispatcher->unpark();
}

// Takes the oldest `updates_max` pending symbols; the rest stay pending (and stay conflated).
void Shard::take_market_data(std::vector<BboUpdate>& out, std::size_t updates_max) {
  std::lock_guard<std::mutex> lock(market_mutex_);
  const std::size_t taken = std::min(updates_max, bbo_pending_.size());
  for (std::size_t i = 0; i < taken; i++) {
    const std::uint32_t symbol = bbo_pending_[i];
    out.push_back(bbo_latest_[symbol]);
    bbo_pending_flag_[symbol] = 0;
  }
  bbo_pending_.erase(bbo_pending_.begin(), bbo_pending_.begin() + static_cast<std::ptrdiff_t>(taken));
  market_pending_.store(!bbo_pending_.empty(), std::memory_order_release);
}

ShardStats Shard::stats() const {
  ShardStats stats{};
  stats.ingress_depth = ingress_.size_approx();
  stats.ingress_high_water = ingress_high_water_.load(std::memory_order_relaxed);
  stats.events_depth = events_.size_approx();
  stats.events_high_water = events_high_water_.load(std::memory_order_relaxed);
  stats.commands = commands_.load(std::memory_order_relaxed);
  stats.reports = reports_.load(std::memory_order_relaxed);
  stats.busy = busy_.load(std::memory_order_relaxed);
  stats.journal_commands = journal_size_.load(std::memory_order_relaxed);
  stats.journal_truncated = journal_truncated_flag_.load(std::memory_order_relaxed);
  stats.ring_records = ring_records_.load(std::memory_order_relaxed);
  stats.ring_records_invalid = ring_records_invalid_.load(std::memory_order_relaxed);
  stats.rings_broken = rings_broken_.load(std::memory_order_relaxed);
  return stats;
}

}  // namespace lob::threaded
