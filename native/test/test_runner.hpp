// A tiny self-contained test runner (no framework is available offline): TEST registers a
// function, CHECK / CHECK_EQ record failures with file:line and keep going, and main() prints the
// closing line "N passed, N failed" that CI reads.
#pragma once

#include <cstdio>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

namespace lob_test {

struct TestCase {
  const char* name;
  std::function<void()> body;
};

inline std::vector<TestCase>& registry() {
  static std::vector<TestCase> tests;
  return tests;
}

inline int& failures_in_test() {
  static int failures = 0;
  return failures;
}

struct Registrar {
  Registrar(const char* name, std::function<void()> body) { registry().push_back({name, std::move(body)}); }
};

inline void fail(const char* file, int line, const std::string& message) {
  if (failures_in_test() < 20) std::fprintf(stderr, "  FAIL %s:%d: %s\n", file, line, message.c_str());
  failures_in_test()++;
}

template <class T>
std::string show(const T& value) {
  std::ostringstream out;
  if constexpr (std::is_enum_v<T>) {
    out << static_cast<long long>(value);
  } else if constexpr (requires { value.begin(); } && !std::is_convertible_v<T, std::string>) {
    out << "[";
    for (const auto& item : value) out << show(item) << " ";
    out << "]";
  } else if constexpr (std::is_integral_v<T> && sizeof(T) == 1) {
    out << static_cast<int>(value);
  } else {
    out << value;
  }
  return out.str();
}

}  // namespace lob_test

#define LOB_TEST_CONCAT2(a, b) a##b
#define LOB_TEST_CONCAT(a, b) LOB_TEST_CONCAT2(a, b)
#define TEST(name)                                                                      \
  static void name();                                                                   \
  static ::lob_test::Registrar LOB_TEST_CONCAT(registrar_, name)(#name, name);          \
  static void name()

#define CHECK(condition)                                                                \
  do {                                                                                  \
    if (!(condition)) ::lob_test::fail(__FILE__, __LINE__, "CHECK(" #condition ")");    \
  } while (0)

#define CHECK_EQ(actual, expected)                                                      \
  do {                                                                                  \
    const auto lob_actual = (actual);                                                   \
    const auto lob_expected = (expected);                                               \
    if (!(lob_actual == lob_expected)) {                                                \
      ::lob_test::fail(__FILE__, __LINE__,                                              \
                       std::string(#actual " == " #expected ": got ") +                 \
                           ::lob_test::show(lob_actual) + ", expected " +               \
                           ::lob_test::show(lob_expected));                             \
    }                                                                                   \
  } while (0)
