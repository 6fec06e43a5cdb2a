// Delivery of report and market-data batches from the dispatching thread (the dispatcher, or a
// shard helping it, under the engine's dispatch lock: threaded_engine.hpp) to subscribers.
//
// A subscriber is a Sink (the addon's is a ThreadSafeFunction into one JS environment; the C++
// tests use plain callbacks). Its SinkSlot is the dispatcher's bookkeeping for it: a pool of
// reusable batches and a bound on batches in flight (handed to the sink and not yet returned).
// When a slot is at kBatchesInFlight the dispatcher waits: a slow subscriber slows delivery, it
// never makes a queue grow without bound, and no report is dropped.
//
// A batch is lent to the sink as a BatchLease; destroying the lease (on any thread, after the JS
// handler ran or when a ThreadSafeFunction is torn down) returns the batch to the pool and wakes
// the dispatcher.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "assert.hpp"
#include "parker.hpp"
#include "protocol.hpp"

namespace lob::threaded {

enum class StreamKind : std::uint8_t { Reports = 1, MarketData = 2 };

struct DeliveryBatch {
  std::vector<double> slots;
  std::uint32_t count = 0;         // Records.
  std::uint32_t record_slots = 0;  // Float64 slots per record.
};

class SinkSlot;

class BatchLease {
 public:
  BatchLease() = default;
  BatchLease(std::shared_ptr<SinkSlot> slot, DeliveryBatch* batch) : slot_(std::move(slot)), batch_(batch) {}
  BatchLease(BatchLease&& other) noexcept : slot_(std::move(other.slot_)), batch_(other.batch_) { other.batch_ = nullptr; }
  BatchLease& operator=(BatchLease&&) = delete;
  BatchLease(const BatchLease&) = delete;
  ~BatchLease();

  const DeliveryBatch& batch() const { return *batch_; }
  // The subscriber's handler threw: counted in the engine's stats (handler_errors).
  void note_handler_error() const;

 private:
  std::shared_ptr<SinkSlot> slot_;
  DeliveryBatch* batch_ = nullptr;
};

class Sink {
 public:
  virtual ~Sink() = default;
  // The dispatching thread. Must not block; owns the lease from here on.
  virtual void deliver(BatchLease lease) = 0;
  // The dispatching thread, after the last delivery of a closed engine: the stream ended.
  virtual void end() {}
};

// Counters shared by every slot of one engine (the dispatcher waits on them at close).
struct DeliveryCounters {
  std::atomic<std::uint64_t> in_flight{0};
  std::atomic<std::uint64_t> handler_errors{0};
};

class SinkSlot {
 public:
  SinkSlot(std::uint64_t id, StreamKind kind, std::shared_ptr<Sink> sink, std::shared_ptr<Parker> dispatcher,
           std::shared_ptr<DeliveryCounters> counters, std::uint32_t in_flight_max)
      : id_(id),
        kind_(kind),
        sink_(std::move(sink)),
        dispatcher_(std::move(dispatcher)),
        counters_(std::move(counters)),
        in_flight_max_(in_flight_max) {}

  ~SinkSlot() {
    for (DeliveryBatch* batch : free_) delete batch;
    delete building_;
  }

  std::uint64_t id() const { return id_; }
  StreamKind kind() const { return kind_; }
  std::uint32_t in_flight() const { return in_flight_.load(std::memory_order_acquire); }

  // The dispatching thread: the batch being filled (taken from the pool on first use).
  DeliveryBatch& building(std::uint32_t record_slots) {
    if (building_ == nullptr) {
      std::lock_guard<std::mutex> lock(mutex_);
      if (free_.empty()) {
        building_ = new DeliveryBatch();
      } else {
        building_ = free_.back();
        free_.pop_back();
      }
      building_->count = 0;
      building_->record_slots = record_slots;
    }
    return *building_;
  }

  bool has_building() const { return building_ != nullptr && building_->count > 0; }

  // The dispatching thread: hands the batch being built to the sink.
  void flush(const std::shared_ptr<SinkSlot>& self) {
    LOB_ASSERT(self.get() == this, "flush: self must be this slot");
    LOB_ASSERT(building_ != nullptr && building_->count > 0, "flush: nothing to deliver");
    DeliveryBatch* batch = building_;
    building_ = nullptr;
    in_flight_.fetch_add(1, std::memory_order_acq_rel);
    counters_->in_flight.fetch_add(1, std::memory_order_acq_rel);
    sink_->deliver(BatchLease(self, batch));
  }

  // Any thread: a lent batch came back.
  void recycle(DeliveryBatch* batch) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      free_.push_back(batch);
    }
    LOB_ASSERT(in_flight_.load(std::memory_order_relaxed) > 0, "recycle: no batch in flight");
    const std::uint32_t slot_was = in_flight_.fetch_sub(1, std::memory_order_acq_rel);
    const std::uint64_t engine_was = counters_->in_flight.fetch_sub(1, std::memory_order_acq_rel);
    // The dispatcher waits on batches coming back only when this slot was full (flush) or for the
    // last one (close). Waking it for every batch would cost a thread wake-up per batch while the
    // shards dispatch themselves.
    if (slot_was >= in_flight_max_ || engine_was == 1) dispatcher_->unpark();
  }

  void note_handler_error() { counters_->handler_errors.fetch_add(1, std::memory_order_relaxed); }
  void end_stream() { sink_->end(); }

 private:
  const std::uint64_t id_;
  const StreamKind kind_;
  std::shared_ptr<Sink> sink_;
  std::shared_ptr<Parker> dispatcher_;
  std::shared_ptr<DeliveryCounters> counters_;
  const std::uint32_t in_flight_max_;
  std::atomic<std::uint32_t> in_flight_{0};
  DeliveryBatch* building_ = nullptr;  // The dispatching thread only.
  std::mutex mutex_;                   // Guards free_.
  std::vector<DeliveryBatch*> free_;
};

inline void BatchLease::note_handler_error() const { slot_->note_handler_error(); }

inline BatchLease::~BatchLease() {
  if (batch_ != nullptr) slot_->recycle(batch_);
}

}  // namespace lob::threaded
