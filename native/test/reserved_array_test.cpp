// ReservedArray and the reservation cache behind it (reserved_array.hpp, address_reservation.hpp):
// elements stay where they were put as the array grows, a released reservation is taken over by
// the next array of its size, and the cache stays within its limits.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "address_reservation.hpp"
#include "reserved_array.hpp"
#include "test_runner.hpp"

using namespace lob;

TEST(a_reserved_array_grows_without_moving_its_elements) {
  // 64 MiB of address space: growth passes several commit steps.
  ReservedArray<std::uint64_t> array(std::size_t{8} << 20);
  array[array.extend(1)] = 42;
  const std::uint64_t* const first = &array[0];
  for (std::uint64_t value = 1; value < 3'000'000; value++) array[array.extend(1)] = value * 3;
  CHECK(&array[0] == first);
  CHECK_EQ(array[0], std::uint64_t{42});
  CHECK_EQ(array[2'999'999], std::uint64_t{8'999'997});
  CHECK_EQ(array.size(), std::size_t{3'000'000});
  // The pages that hold elements, not the reservation.
  CHECK_EQ(array.used_bytes(), std::size_t{24'000'000} / 4'096 * 4'096 + 4'096 * (24'000'000 % 4'096 != 0));
  const std::size_t base = array.extend(1'000);
  CHECK_EQ(base, std::size_t{3'000'000});
}

TEST(a_released_reservation_is_taken_over_by_the_next_array_of_its_size) {
  const std::uint64_t* address = nullptr;
  {
    ReservedArray<std::uint64_t> array(12'345);
    array[array.extend(100)] = 7;
    address = &array[0];
  }
  ReservedArray<std::uint64_t> next(12'345);
  next.extend(1);
  CHECK(&next[0] == address);
  // A different size never takes it.
  ReservedArray<std::uint64_t> other(12'345 + 4'096);
  other.extend(1);
  CHECK(&other[0] != address);
}

TEST(the_reservation_cache_keeps_at_most_its_count_and_its_bytes) {
  // More released reservations than the cache keeps, of sizes no other test uses.
  for (std::size_t index = 0; index < ReservationCache::kReservationsMax + 4; index++) {
    ReservedArray<std::uint64_t> array(777'000 + index * 1'024);
    array.extend(10);
  }
  CHECK(ReservationCache::kept_count() <= ReservationCache::kReservationsMax);
  // One with more committed bytes than the whole cache may hold is unmapped, not kept: the bytes
  // are committed (mprotect) but never written, so none of them is ever resident.
  const std::size_t elements = ReservationCache::kKeptCommittedBytesMax / sizeof(std::uint64_t) + 1'000'000;
  {
    ReservedArray<std::uint64_t> big(elements);
    big.extend(elements);
  }
  CHECK(ReservationCache::kept_committed_bytes() <= ReservationCache::kKeptCommittedBytesMax);
  CHECK(ReservationCache::kept_count() <= ReservationCache::kReservationsMax);
}
