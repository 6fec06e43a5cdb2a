// One shard of the threaded engine: a matching thread that owns one MatchingEngine (the shard's
// instruments) and is its only writer, so matching takes no lock on any book.
//
// Inputs, all drained by the shard thread between whole commands:
// - the ingress queue (bounded MPSC: JS calls from any thread push here; full -> BUSY at the call),
// - the shared-memory rings attached to this shard (zero-copy path from worker threads),
// - queries (snapshots, hashes, journal exports) that must see the book between two commands:
//   a query is never interleaved with a half-applied command (the race of the seed's section 7).
// Output: the event queue (bounded SPSC to the dispatcher). When it is full the shard waits for the
// dispatcher instead of dropping a report; the ingress queue then fills and callers get BUSY.
//
// Journal: every command, in the order this shard executed it, in local terms (local symbol and
// ids), exactly what its MatchingEngine saw; replaying it through a fresh MatchingEngine with
// shard_instruments() reproduces the shard's reports and books.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "matching_engine.hpp"
#include "mpsc_queue.hpp"
#include "parker.hpp"
#include "shared_ring.hpp"
#include "spsc_ring.hpp"
#include "threaded_config.hpp"

namespace lob::threaded {

// Commands a shard executes per pass over one input before it looks at the others (fairness
// between the ingress queue and the rings, and a bound on query latency).
constexpr std::uint32_t kShardPassCommandsMax = 256;

struct Ingress {
  Command command;  // Local terms (local symbol and order id).
  std::uint64_t ts_receive_ns;
};

// The dispatcher's work, offered to shard threads (threaded_engine.hpp, "Dispatch").
class DispatchHelper {
 public:
  virtual ~DispatchHelper() = default;
  // A shard thread with nothing left to match: runs one dispatch pass if no other thread is
  // dispatching and no subscriber would make the pass wait. Never blocks. True when the pass left
  // nothing behind for the dispatcher thread (so it need not be woken).
  virtual bool help_dispatch() = 0;
};

// Engine-wide flags every shard and the dispatcher read.
struct EngineSignals {
  std::atomic<bool> accepting{true};
  std::atomic<bool> closing{false};
  std::atomic<bool> stop{false};  // Shutdown now: drop undelivered work.
  std::atomic<std::int64_t> producers_active{0};
  std::atomic<bool> market_data{false};
  std::shared_ptr<Parker> dispatcher = std::make_shared<Parker>();
  DispatchHelper* helper = nullptr;  // Set before any thread starts.
  std::uint32_t spin_ns = 0;
  std::uint32_t shards = 1;
};

struct ShardContext {
  std::uint32_t shard;
  const MatchingEngine& engine;
  const std::vector<Command>& journal;
  bool journal_truncated;
};
using ShardTask = std::function<void(const ShardContext&)>;

struct ShardStats {
  std::uint64_t ingress_depth, ingress_high_water, events_depth, events_high_water;
  std::uint64_t commands, reports, busy, journal_commands, ring_records, ring_records_invalid, rings_broken;
  bool journal_truncated;
};

struct BboUpdate {
  std::uint32_t local_symbol;
  Bbo bbo;
  std::uint64_t seq;  // Local seq of the last report that changed it.
  std::uint64_t ts_match_ns;
};

class Shard {
 public:
  Shard(std::uint32_t index, const ThreadedConfig& config, EngineSignals& signals);
  ~Shard();
  Shard(const Shard&) = delete;
  Shard& operator=(const Shard&) = delete;

  void start();
  void join();
  std::uint32_t index() const { return index_; }

  // Any thread. False when the ingress queue is full (the caller reports BUSY).
  bool try_push(const Ingress& ingress);
  void note_busy() { busy_.fetch_add(1, std::memory_order_relaxed); }
  void attach_ring(std::shared_ptr<SharedRing> ring);
  void wake() { parker_.unpark(); }
  void query(ShardTask task);

  // The dispatching thread (the dispatcher, or a shard helping it, under the dispatch lock).
  bool pop_event(Report& out) { return events_.try_pop(out); }
  bool events_empty() const { return events_.size_approx() == 0; }
  void events_consumed() { parker_.unpark(); }
  void take_market_data(std::vector<BboUpdate>& out, std::size_t updates_max);
  bool has_market_data() const { return market_pending_.load(std::memory_order_acquire); }
  bool done() const { return done_.load(std::memory_order_acquire); }

  ShardStats stats() const;

 private:
  void run();
  std::uint32_t drain_ingress();
  std::uint32_t drain_rings();
  bool run_queries();
  void adopt_rings();
  void execute(const Command& command, std::uint64_t ts_receive_ns);
  void push_event(const Report& report);
  void note_market_data();
  void publish_market_data();
  void hand_off_events();
  bool has_input();
  bool drained();
  void idle(std::uint64_t& idle_since_ns);
  void finish();

  const std::uint32_t index_;
  EngineSignals& signals_;
  MatchingEngine engine_;
  MpscQueue<Ingress> ingress_;
  SpscRing<Report> events_;
  Parker parker_;
  std::thread thread_;
  std::vector<Report> out_;  // Shard thread: reports of the current command.

  const std::uint64_t journal_max_;
  std::vector<Command> journal_;  // Shard thread (queries read it on the shard thread).
  bool journal_truncated_ = false;

  std::mutex control_mutex_;
  std::vector<ShardTask> tasks_;  // Guarded by control_mutex_.
  bool control_closed_ = false;   // Guarded by control_mutex_: the thread ended; queries run inline.
  std::atomic<bool> tasks_pending_{false};

  std::mutex rings_mutex_;
  std::vector<std::shared_ptr<SharedRing>> rings_added_;  // Guarded by rings_mutex_.
  std::atomic<bool> rings_changed_{false};
  std::vector<std::shared_ptr<SharedRing>> rings_;  // Shard thread.

  // Market data: last BBO per local symbol seen by the shard thread, and the latest published BBO
  // per symbol waiting for the dispatcher (conflated: a newer one overwrites it).
  std::vector<Bbo> bbo_seen_;                  // Shard thread.
  std::vector<std::uint32_t> bbo_changed_;     // Shard thread: symbols changed since the last publish.
  std::mutex market_mutex_;
  std::vector<BboUpdate> bbo_latest_;          // Guarded by market_mutex_, indexed by local symbol.
  std::vector<std::uint8_t> bbo_pending_flag_; // Guarded by market_mutex_.
  std::vector<std::uint32_t> bbo_pending_;     // Guarded by market_mutex_.
  std::atomic<bool> market_pending_{false};    // !bbo_pending_.empty(), readable without the lock.

  std::atomic<bool> done_{false};
  std::atomic<std::uint64_t> ingress_high_water_{0}, events_high_water_{0};
  std::atomic<std::uint64_t> commands_{0}, reports_{0}, busy_{0}, journal_size_{0};
  std::atomic<std::uint64_t> ring_records_{0}, ring_records_invalid_{0}, rings_broken_{0};
  std::atomic<bool> journal_truncated_flag_{false};
};

// The most memory one shard's queues and journal can hold: the ingress queue (written whole at
// construction), the event ring and a full journal. The addon checks shards times this against the
// machine's memory before creating an engine: a queue the machine cannot back would end in an
// out-of-memory abort or kill, not in an error the caller can read.
inline std::uint64_t shard_queue_bytes_max(const ThreadedConfig& config) {
  return std::uint64_t{config.ingress_commands_max} * MpscQueue<Ingress>::cell_bytes() +
         std::uint64_t{config.events_max} * sizeof(Report) + config.journal_commands_max * sizeof(Command);
}

}  // namespace lob::threaded
