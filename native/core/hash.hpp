// Hash functions of the core: a 64-bit mixer for the open-addressing order indexes and FNV-1a 64
// for state_hash(). The mixer must spread sequential engine ids and small client order ids over
// every bit, because the index takes the low bits as the home position.
#pragma once

#include <cstdint>

namespace lob {

// The splitmix64 finalizer: a bijection on 64 bits with full avalanche.
inline std::uint64_t mix64(std::uint64_t x) {
  x ^= x >> 30;
  x *= 0xBF58476D1CE4E5B9ull;
  x ^= x >> 27;
  x *= 0x94D049BB133111EBull;
  x ^= x >> 31;
  return x;
}

// FNV-1a 64 over the little-endian bytes of each value, so the TypeScript reference can compute
// the same hash without depending on the host's byte order.
class Fnv1a64 {
 public:
  static constexpr std::uint64_t kOffsetBasis = 14695981039346656037ull;
  static constexpr std::uint64_t kPrime = 1099511628211ull;

  void add_u64(std::uint64_t value) {
    for (int byte = 0; byte < 8; byte++) {
      state_ ^= (value >> (8 * byte)) & 0xFFu;
      state_ *= kPrime;
    }
  }
  std::uint64_t value() const { return state_; }

 private:
  std::uint64_t state_ = kOffsetBasis;
};

}  // namespace lob
