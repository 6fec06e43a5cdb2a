// An array whose address range is reserved once, for the most elements it may ever hold, and
// committed as it grows (TigerBeetle's habit: size everything for its limit up front).
//
// Why not a vector: growing a vector copies every element. For the level pool that was a pause of
// 356 ms (the first orders of 20,000 narrow-band instruments) on the command whose ladder needed
// room, and every Level& went stale. Why not chunks (what the order pool had): a chunk directory
// puts a dependent load in front of every access, and the matching loop makes several per command.
// Here an element's address is base + index, it never moves, and growing is one mprotect() of the
// next run of pages: no copy, references stay valid, and what growth still costs is a 4 KiB page's
// first write (address_reservation.hpp says why not 2 MiB pages, and how a reservation is reused).
//
// Memory: the reservation is address space only (PROT_NONE). Committed pages cost no RAM until an
// element on them is first written, so the resident size follows the elements actually used, as with
// the chunks before; under strict overcommit (vm.overcommit_memory=2) they count against the commit
// limit, hence commits that double only up to kCommitStepBytesMax at a time.
#pragma once

#include <sys/mman.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <new>
#include <type_traits>

#include "address_reservation.hpp"
#include "assert.hpp"

namespace lob {

template <class T>
class ReservedArray {
  // Elements are created by writing to their pages and never destroyed: only types for which that
  // is a valid object (no constructor or destructor work) may live here.
  static_assert(std::is_trivially_copyable_v<T> && std::is_trivially_destructible_v<T>,
                "a reserved array holds plain records");

 public:
  // Commits double from kCommitBytesMin, by at most kCommitStepBytesMax: few mprotect() calls.
  static constexpr std::size_t kCommitBytesMin = std::size_t{1} << 21;       // 2 MiB
  static constexpr std::size_t kCommitStepBytesMax = std::size_t{1} << 26;  // 64 MiB
  static constexpr std::size_t kPageBytes = 4096;

  explicit ReservedArray(std::size_t capacity_max) : capacity_max_(capacity_max) {
    LOB_ASSERT(capacity_max <= SIZE_MAX / sizeof(T) - kPageBytes, "reservation overflows the address space");
    const std::size_t bytes = round_to_page(capacity_max * sizeof(T));
    if (bytes == 0) return;
    reservation_ = ReservationCache::take(bytes);
  }

  ~ReservedArray() { ReservationCache::give(reservation_); }

  // Elements live at fixed addresses: the array is neither copied nor moved.
  ReservedArray(const ReservedArray&) = delete;
  ReservedArray& operator=(const ReservedArray&) = delete;

  T& operator[](std::size_t index) {
    LOB_ASSERT_BOUNDS(index < size_, "reserved array index out of range");
    return data()[index];
  }
  const T& operator[](std::size_t index) const {
    LOB_ASSERT_BOUNDS(index < size_, "reserved array index out of range");
    return data()[index];
  }

  // The address of element `index`, for a prefetch: no bounds check, nothing is read.
  const T* address(std::size_t index) const { return data() + index; }

  // Appends `count` elements and returns the index of the first. Their contents are unspecified
  // (zero on fresh pages, stale on the pages of a reused reservation): the caller writes them.
  std::size_t extend(std::size_t count) {
    LOB_ASSERT(count <= capacity_max_ - size_, "reserved array beyond its capacity");
    const std::size_t first = size_;
    const std::size_t needed_bytes = (size_ + count) * sizeof(T);
    if (needed_bytes > reservation_.committed_bytes) commit(needed_bytes);
    size_ += count;
    return first;
  }

  std::size_t size() const { return size_; }
  std::size_t capacity_max() const { return capacity_max_; }
  // The bytes of the pages that hold elements: what the array can have made resident.
  std::size_t used_bytes() const { return round_to_page(size_ * sizeof(T)); }

 private:
  T* data() const { return reinterpret_cast<T*>(reservation_.base); }
  static std::size_t round_to_page(std::size_t bytes) { return (bytes + kPageBytes - 1) / kPageBytes * kPageBytes; }

  // Out of line: the append paths stay small, and this runs once per commit step.
  [[gnu::noinline]] void commit(std::size_t needed_bytes) {
    const std::size_t committed = reservation_.committed_bytes;
    const std::size_t step = std::min(committed, kCommitStepBytesMax);
    const std::size_t target =
        std::min(reservation_.bytes, round_to_page(std::max({needed_bytes, committed + step, kCommitBytesMin})));
    LOB_ASSERT(target >= needed_bytes && target > committed, "commit short of the need");
    if (mprotect(reservation_.base + committed, target - committed, PROT_READ | PROT_WRITE) != 0) throw std::bad_alloc();
    reservation_.committed_bytes = target;
  }

  AddressReservation reservation_;
  std::size_t size_ = 0;
  std::size_t capacity_max_;
};

}  // namespace lob
