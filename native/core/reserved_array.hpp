// An array whose address range is reserved once, for the most elements it may ever hold, and
// committed as it grows (TigerBeetle's habit: size everything for its limit up front).
//
// Why not a vector: growing a vector copies every element. For the level pool that was a pause of
// 356 ms (the first orders of 20,000 narrow-band instruments) on the command whose ladder needed
// room, and every Level& went stale. Why not chunks (what the order pool had): a chunk directory
// puts a dependent load in front of every access, and the matching loop makes several per command.
// Here an element's address is base + index, it never moves, and growing is one mprotect() of the
// next run of pages: no copy, references stay valid, and the only cost of growth left is a page's
// first touch (a 2 MiB page: 3-7 ms on this project's VMs, once per 52,428 orders).
//
// Memory: the reservation is address space only (PROT_NONE, no commit charge). Committed pages
// count against the commit limit but cost no RAM until an element on them is first written, so the
// resident size follows the elements actually used, as with the chunks before.
#pragma once

#include <sys/mman.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <new>
#include <type_traits>

#include "assert.hpp"

namespace lob {

template <class T>
class ReservedArray {
  // Elements are created by writing to zeroed pages and never destroyed: only types for which that
  // is a valid object (no constructor or destructor work) may live here.
  static_assert(std::is_trivially_copyable_v<T> && std::is_trivially_destructible_v<T>,
                "a reserved array holds plain records");

 public:
  // Commits grow geometrically from this step, so a large array makes few mprotect() calls.
  static constexpr std::size_t kCommitBytesMin = std::size_t{1} << 21;  // 2 MiB
  static constexpr std::size_t kPageBytes = 4096;
  static constexpr std::size_t kHugePageBytes = std::size_t{1} << 21;

  explicit ReservedArray(std::size_t capacity_max)
      : capacity_max_(capacity_max), reserved_bytes_(round_to_page(capacity_max * sizeof(T))) {
    LOB_ASSERT(capacity_max <= SIZE_MAX / sizeof(T), "reservation overflows the address space");
    if (reserved_bytes_ == 0) return;
    // Aligned to a huge page, so that the kernel can back the array with 2 MiB pages: one fault and
    // one TLB entry per 2 MiB instead of 512 of each, in a pool the matching loop reads at random.
    mapped_bytes_ = reserved_bytes_ + kHugePageBytes;
    void* mapping = mmap(nullptr, mapped_bytes_, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (mapping == MAP_FAILED) throw std::bad_alloc();
    mapping_ = static_cast<char*>(mapping);
    const std::uintptr_t aligned = (reinterpret_cast<std::uintptr_t>(mapping_) + kHugePageBytes - 1) & ~(kHugePageBytes - 1);
    data_ = reinterpret_cast<T*>(aligned);
    madvise(data_, reserved_bytes_, MADV_HUGEPAGE);  // Advice only: without it, 4 KiB pages.
  }

  ~ReservedArray() {
    if (mapping_ != nullptr) munmap(mapping_, mapped_bytes_);
  }

  // Elements live at fixed addresses: the array is neither copied nor moved.
  ReservedArray(const ReservedArray&) = delete;
  ReservedArray& operator=(const ReservedArray&) = delete;

  T& operator[](std::size_t index) {
    LOB_ASSERT_BOUNDS(index < size_, "reserved array index out of range");
    return data_[index];
  }
  const T& operator[](std::size_t index) const {
    LOB_ASSERT_BOUNDS(index < size_, "reserved array index out of range");
    return data_[index];
  }

  // The address of element `index`, for a prefetch: no bounds check, nothing is read.
  const T* address(std::size_t index) const { return data_ + index; }

  // Appends `count` elements, each zero (fresh pages) or as the caller last wrote it: the array
  // never shrinks, so nothing past size() was ever given out. Returns the index of the first.
  std::size_t extend(std::size_t count) {
    LOB_ASSERT(count <= capacity_max_ - size_, "reserved array beyond its capacity");
    const std::size_t first = size_;
    const std::size_t needed_bytes = (size_ + count) * sizeof(T);
    if (needed_bytes > committed_bytes_) commit(needed_bytes);
    size_ += count;
    return first;
  }

  std::size_t size() const { return size_; }
  std::size_t capacity_max() const { return capacity_max_; }
  // The bytes of the pages that hold elements: what the array can have made resident.
  std::size_t used_bytes() const { return round_to_page(size_ * sizeof(T)); }

 private:
  static std::size_t round_to_page(std::size_t bytes) { return (bytes + kPageBytes - 1) / kPageBytes * kPageBytes; }

  // Out of line: the append paths stay small, and this runs once per doubling.
  [[gnu::noinline]] void commit(std::size_t needed_bytes) {
    const std::size_t target = std::min(
        reserved_bytes_, round_to_page(std::max({needed_bytes, 2 * committed_bytes_, kCommitBytesMin})));
    LOB_ASSERT(target >= needed_bytes && target > committed_bytes_, "commit short of the need");
    char* const from = reinterpret_cast<char*>(data_) + committed_bytes_;
    if (mprotect(from, target - committed_bytes_, PROT_READ | PROT_WRITE) != 0) throw std::bad_alloc();
    committed_bytes_ = target;
  }

  char* mapping_ = nullptr;
  std::size_t mapped_bytes_ = 0;
  T* data_ = nullptr;
  std::size_t size_ = 0;
  std::size_t committed_bytes_ = 0;
  std::size_t capacity_max_;
  std::size_t reserved_bytes_;
};

}  // namespace lob
