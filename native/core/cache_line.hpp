// Cache-line separation for values written by different threads: without it, a producer's store
// to its index invalidates the line the consumer is reading (false sharing), which costs more than
// the queue operation itself.
#pragma once

#include <cstddef>

namespace lob {

constexpr std::size_t kCacheLineBytes = 64;

template <class T>
struct alignas(kCacheLineBytes) CacheLinePadded {
  T value;
  CacheLinePadded() = default;
  template <class U>
  explicit CacheLinePadded(U&& initial) : value(static_cast<U&&>(initial)) {}
};

}  // namespace lob
