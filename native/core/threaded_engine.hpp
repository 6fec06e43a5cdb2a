// The threaded matching engine: the seed's thread model (section 1.2) with bounded queues.
//
//   callers (any thread) --enqueue--> [ingress MPSC per shard] --> shard threads (one
//   MatchingEngine each, single writer) --> [event SPSC per shard] --> dispatcher thread -->
//   subscribers (Sinks: per owner, all reports, or market data), in batches.
//
// Dispatch: the dispatcher's state (routes, batches being built, the consumer side of the event
// queues) belongs to whoever holds dispatch_mutex_. That is the dispatcher thread, or a shard
// thread that finished a pass and found the lock free (help_dispatch): then the shard delivers its
// own reports at once, without waking another thread. On a machine with few cores that hand-off,
// and a third thread competing for a core, are most of the ack latency. A helping shard never
// waits for a subscriber: it helps only when every subscriber has room for the batches one pass can
// flush (so with batches_in_flight_max < kHelpInFlightRoom it never helps while anyone subscribes)
// and the routes are not being changed; otherwise it wakes the dispatcher, which may wait, as
// before. Once it has popped reports it routes them with routes read after the pop, and may then
// wait for an (un)subscribe that is copying the routes (a short critical section).
//
// Ordering invariant: the reports of one shard reach every subscriber in the shard's execution
// order (seq order). Reports of different shards are independent.
// Numbering: order ids, trade ids and seq are per shard, mapped to a global space (threaded_ids.hpp).
// Backpressure: enqueue never blocks; a full ingress queue is BUSY at once. Downstream queues never
// drop: a full event queue pauses its shard, a subscriber at its in-flight limit pauses the
// dispatcher, and the pause propagates back to the ingress queues.
// Close: close() stops accepting; on_closed runs once every accepted command was executed and
// each of its reports was delivered and returned by its subscriber. shutdown_now() (environment
// teardown) stops at once and drops what is undelivered. Both end with every thread joined.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "delivery.hpp"
#include "shard.hpp"
#include "threaded_config.hpp"

namespace lob::threaded {

enum class EnqueueStatus : std::uint8_t { Accepted = 0, Busy = 1, Closed = 2 };

struct ThreadedStats {
  std::vector<ShardStats> shards;
  std::uint64_t reports_delivered, reports_unrouted, batches_delivered, market_data_delivered;
  std::uint64_t handler_errors, batches_in_flight, subscribers;
  std::uint64_t helped_passes;  // Dispatch passes run by shard threads (help_dispatch).
};

// Batches a helping shard's pass may flush per subscriber: one when a batch fills, one at the end.
constexpr std::uint32_t kHelpInFlightRoom = 2;

class ThreadedEngine final : private DispatchHelper {
 public:
  // Precondition: validate_threaded_config(config) == "" (asserted). Starts every thread.
  explicit ThreadedEngine(ThreadedConfig config);
  ~ThreadedEngine();  // shutdown_now()
  ThreadedEngine(const ThreadedEngine&) = delete;
  ThreadedEngine& operator=(const ThreadedEngine&) = delete;

  const ThreadedConfig& config() const { return config_; }
  std::uint32_t shards() const { return config_.shards; }

  // Any thread. `command` is in global terms (threaded_routing.hpp). Never blocks.
  EnqueueStatus enqueue(const Command& command, std::uint64_t ts_receive_ns);
  // Enqueues commands in order and stops at the first BUSY: returns how many were accepted. Sets
  // `closed` (and accepts nothing) when the engine no longer accepts commands.
  std::size_t enqueue_batch(const Command* commands, std::size_t count, std::uint64_t ts_receive_ns, bool& closed);

  void attach_ring(std::uint32_t shard, std::shared_ptr<SharedRing> ring);
  void wake(std::uint32_t shard);

  // Reports of `owners` (or every report when `all`), or market data. Returns the subscription id,
  // or 0 with `error` set (an owner may have one subscriber).
  std::uint64_t subscribe(std::shared_ptr<Sink> sink, StreamKind kind, const std::vector<Owner>& owners, bool all,
                          std::string& error);
  void unsubscribe(std::uint64_t id);

  // Runs `task` on the shard's thread between two commands (inline once the shard has stopped).
  void query(std::uint32_t shard, ShardTask task);
  ThreadedStats stats() const;
  bool accepting() const { return signals_.accepting.load(std::memory_order_acquire); }

  // Any thread, once. `on_closed` runs on the dispatcher thread when all work was delivered.
  void close(std::function<void()> on_closed);
  // After on_closed ran: joins the (finished) threads.
  void join();
  // Stops now, drops undelivered work, joins. Idempotent.
  void shutdown_now();

 private:
  struct Routes {
    std::unordered_map<Owner, std::shared_ptr<SinkSlot>> by_owner;
    std::vector<std::shared_ptr<SinkSlot>> all;
    std::vector<std::shared_ptr<SinkSlot>> market;
    std::vector<std::shared_ptr<SinkSlot>> slots;
  };

  bool push(std::uint32_t shard, const Command& local, std::uint64_t ts_receive_ns);
  EnqueueStatus enqueue_one(const Command& command, std::uint64_t ts_receive_ns);
  void dispatch_loop();
  bool help_dispatch() override;
  bool dispatch_work_waiting() const;
  bool market_data_pending() const;
  // The dispatch functions below run under dispatch_mutex_.
  std::size_t dispatch_pass(bool helping);
  bool refresh_routes(bool may_wait);
  bool room_to_help() const;
  bool nothing_left() const;
  std::size_t dispatch_reports(std::size_t reports_max);
  std::size_t dispatch_market_data(std::size_t pass_updates_max);
  void append(const std::shared_ptr<SinkSlot>& slot, const double* record, std::uint32_t record_slots);
  void flush(const std::shared_ptr<SinkSlot>& slot);
  void flush_all(const Routes& routes);
  bool finished_closing();
  void end_streams();
  void publish_routes(std::shared_ptr<Routes> routes);

  const ThreadedConfig config_;
  EngineSignals signals_;
  std::vector<std::unique_ptr<Shard>> shards_;
  std::thread dispatcher_;
  std::shared_ptr<DeliveryCounters> counters_ = std::make_shared<DeliveryCounters>();

  mutable std::mutex routes_mutex_;
  std::shared_ptr<const Routes> routes_;           // Guarded by routes_mutex_.
  std::atomic<std::uint64_t> routes_version_{0};
  std::uint64_t next_subscription_id_ = 1;         // Guarded by routes_mutex_.

  std::mutex close_mutex_;
  std::function<void()> on_closed_;                // Guarded by close_mutex_.
  bool close_requested_ = false;                   // Guarded by close_mutex_.
  std::mutex join_mutex_;

  std::atomic<std::uint64_t> reports_delivered_{0}, reports_unrouted_{0}, batches_delivered_{0};
  std::atomic<std::uint64_t> market_data_delivered_{0}, helped_passes_{0};
  std::mutex dispatch_mutex_;
  std::shared_ptr<const Routes> dispatch_routes_;  // Guarded by dispatch_mutex_ (a copy of routes_).
  std::uint64_t dispatch_routes_version_ = ~std::uint64_t{0};  // Guarded by dispatch_mutex_.
  bool helping_ = false;                           // Guarded by dispatch_mutex_: a shard's pass.
  std::vector<BboUpdate> bbo_scratch_;             // Guarded by dispatch_mutex_.
  std::vector<Report> report_scratch_;             // Guarded by dispatch_mutex_.
};

}  // namespace lob::threaded
