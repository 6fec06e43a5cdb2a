// Spin briefly, then sleep: how the shard and dispatcher threads wait for work. The machine this
// runs on is shared (2 cores), so a thread with nothing to do must give its core back; but a futex
// wake costs microseconds, so a thread first spins for a short, bounded time.
//
// Lost wake-ups: the waiter announces `sleeping` with a read-modify-write and then rechecks for
// work; the waker publishes its work and then reads `sleeping` with a read-modify-write too. Two
// RMWs on one atomic are totally ordered and each reads the other's write when it comes second, so
// either the waker sees the flag or the waiter sees the work (no fence needed, which ThreadSanitizer
// could not model). Every sleep is also bounded by kParkTimeoutMax, so even a wake-up lost to a bug
// costs latency, never liveness.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>

#include "cache_line.hpp"

namespace lob {

constexpr std::chrono::milliseconds kParkTimeoutMax{2};

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

inline std::uint64_t steady_now_ns() {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
          .count());
}

class Parker {
 public:
  // Waiter thread: sleeps until unpark() or the timeout, unless `has_work()` turns true after
  // `sleeping` was announced.
  template <class HasWork>
  void park(HasWork&& has_work) {
    std::unique_lock<std::mutex> lock(mutex_);
    sleeping_.value.exchange(1, std::memory_order_acq_rel);
    if (!has_work() && !notified_) cv_.wait_for(lock, kParkTimeoutMax, [&] { return notified_; });
    notified_ = false;
    sleeping_.value.store(0, std::memory_order_relaxed);
  }

  // Any thread, after publishing work: wakes the waiter if it sleeps (cheap when it does not).
  void unpark() {
    if (sleeping_.value.fetch_add(0, std::memory_order_acq_rel) == 0) return;
    std::lock_guard<std::mutex> lock(mutex_);
    notified_ = true;
    cv_.notify_one();
  }

  bool sleeping() const { return sleeping_.value.load(std::memory_order_acquire) != 0; }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  bool notified_ = false;  // Guarded by mutex_.
  CacheLinePadded<std::atomic<std::uint32_t>> sleeping_{0u};
};

}  // namespace lob
