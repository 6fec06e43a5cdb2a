// Ranges of address space reserved PROT_NONE for a ReservedArray (reserved_array.hpp), committed
// from their start as the array grows, and kept for the next array of the same size when theirs dies.
//
// Why keep them: a benchmark or a harness makes engine after engine of one configuration. Unmapped
// and mapped again, every page the next engine's pools write faults (about 10 us a fault on this
// project's VMs: bench:book's core ran at 0.81 of its speed), where the heap the old chunked pools
// came from handed its pages back warm. A kept reservation is taken over whole, its committed pages
// resident, their contents stale (the pools write every element before they read it). So, like a
// heap that is not trimmed, dead reservations hold their written pages: at most kReservationsMax of
// them and kKeptCommittedBytesMax of committed pages (a bigger one is unmapped at once).
// MADV_FREE would let the kernel reclaim them meanwhile, but each page then faulted again on its
// next write on these VMs (0.93 of the core's speed against 1.03 without it).
//
// Not asked for: 2 MiB (transparent huge) pages. One fault per 2 MiB instead of 512 is faster in
// total, but each stalled its command for 1-7 ms here (20 such commands while 1,000,000 orders came
// to rest, against 2 over 1 ms with 4 KiB pages, as many as with the old chunked pool): a latency
// harness must not add outliers of its own.
#pragma once

#include <sys/mman.h>

#include <cstddef>
#include <mutex>
#include <new>
#include <vector>

#include "assert.hpp"

namespace lob {

struct AddressReservation {
  char* base = nullptr;
  std::size_t bytes = 0;            // A whole number of pages.
  std::size_t committed_bytes = 0;  // [base, base + committed_bytes) is read-write.
};

class ReservationCache {
 public:
  // Kept reservations at most; releasing one more unmaps the oldest.
  static constexpr std::size_t kReservationsMax = 8;
  // Committed bytes the kept reservations may hold together (the bench's engines: about 12 MiB).
  static constexpr std::size_t kKeptCommittedBytesMax = std::size_t{256} << 20;

  // A kept reservation of exactly `bytes` (the most recently released), or a new one.
  // Throws std::bad_alloc when the address space cannot be had (ulimit -v).
  static AddressReservation take(std::size_t bytes) {
    LOB_ASSERT(bytes > 0, "a reservation holds a page");
    {
      std::lock_guard<std::mutex> lock(mutex());
      std::vector<AddressReservation>& kept = reservations();
      for (std::size_t index = kept.size(); index-- > 0;) {
        if (kept[index].bytes != bytes) continue;
        const AddressReservation reservation = kept[index];
        kept.erase(kept.begin() + static_cast<std::ptrdiff_t>(index));
        return reservation;
      }
    }
    void* base = mmap(nullptr, bytes, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (base == MAP_FAILED) throw std::bad_alloc();
    return AddressReservation{static_cast<char*>(base), bytes, 0};
  }

  static void give(AddressReservation reservation) {
    if (reservation.base == nullptr) return;
    if (reservation.committed_bytes > kKeptCommittedBytesMax) {
      munmap(reservation.base, reservation.bytes);
      return;
    }
    // At most kReservationsMax evicted (the kept ones, all but this one), unmapped outside the lock.
    AddressReservation evicted[kReservationsMax];
    std::size_t evicted_count = 0;
    {
      std::lock_guard<std::mutex> lock(mutex());
      std::vector<AddressReservation>& kept = reservations();
      std::size_t kept_bytes = reservation.committed_bytes;
      for (const AddressReservation& one : kept) kept_bytes += one.committed_bytes;
      while (!kept.empty() && (kept.size() == kReservationsMax || kept_bytes > kKeptCommittedBytesMax)) {
        kept_bytes -= kept.front().committed_bytes;
        evicted[evicted_count++] = kept.front();
        kept.erase(kept.begin());
      }
      LOB_ASSERT(kept.size() < kReservationsMax && kept_bytes <= kKeptCommittedBytesMax, "cache over its limits");
      kept.push_back(reservation);
    }
    for (std::size_t index = 0; index < evicted_count; index++) munmap(evicted[index].base, evicted[index].bytes);
  }

  // What the kept reservations hold, for tests: how many, and their committed bytes together.
  static std::size_t kept_count() {
    std::lock_guard<std::mutex> lock(mutex());
    return reservations().size();
  }
  static std::size_t kept_committed_bytes() {
    std::lock_guard<std::mutex> lock(mutex());
    std::size_t bytes = 0;
    for (const AddressReservation& one : reservations()) bytes += one.committed_bytes;
    return bytes;
  }

 private:
  // One cache per process however many translation units include this header, made on first use
  // and never destroyed: an engine may be destroyed during exit, after the static destructors ran.
  // Its capacity is reserved once, so that give(), called from destructors, never allocates.
  static std::mutex& mutex() {
    static std::mutex* const instance = new std::mutex();
    return *instance;
  }
  static std::vector<AddressReservation>& reservations() {
    static std::vector<AddressReservation>* const instance = [] {
      auto* kept = new std::vector<AddressReservation>();
      kept->reserve(kReservationsMax);
      return kept;
    }();
    return *instance;
  }
};

}  // namespace lob
