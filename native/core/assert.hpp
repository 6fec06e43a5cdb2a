// Always-on assertions for the matching core. A broken invariant in a book means every later report
// is wrong, so the core stops with the file, line and reason instead of running on corrupted state.
// Checks that cost more than O(1) sit behind kVerify (build with -DLOB_VERIFY=1, as the tests do).
#pragma once

#include <cstdio>
#include <cstdlib>

namespace lob {

#if defined(LOB_VERIFY) && LOB_VERIFY
inline constexpr bool kVerify = true;
#else
inline constexpr bool kVerify = false;
#endif

[[noreturn, gnu::cold, gnu::noinline]] inline void assert_fail(const char* file, int line,
                                                              const char* expression,
                                                              const char* message) {
  std::fprintf(stderr, "%s:%d: assertion failed: %s (%s)\n", file, line, expression, message);
  std::fflush(stderr);
  std::abort();
}

}  // namespace lob

#define LOB_ASSERT(condition, message)                                     \
  do {                                                                     \
    if (__builtin_expect(!(condition), 0)) {                               \
      ::lob::assert_fail(__FILE__, __LINE__, #condition, message);         \
    }                                                                      \
  } while (0)

// Index bounds of the hot accessors (an order slot, a level index, a ladder rank, a symbol of a
// book). The indexes come from the book's own links and indexes, whose consistency the paired
// LOB_ASSERTs at each mutation and validate() check; a bounds check on every access cost about 5%
// of the core's instructions in bench:book, so it runs in verify builds (tests, sanitizer builds).
#define LOB_ASSERT_BOUNDS(condition, message)                              \
  do {                                                                     \
    if constexpr (::lob::kVerify) LOB_ASSERT(condition, message);          \
  } while (0)
