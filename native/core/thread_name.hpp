// Names the calling thread, so that top -H, perf and gdb show which engine thread is which
// ("lob-shard-3", "lob-dispatch"). Linux limits a name to 15 characters; longer ones are cut.
#pragma once

#include <string>

#if defined(__linux__)
#include <pthread.h>
#endif

namespace lob::threaded {

constexpr std::size_t kThreadNameLengthMax = 15;

inline void name_this_thread(const std::string& name) {
#if defined(__linux__)
  pthread_setname_np(pthread_self(), name.substr(0, kThreadNameLengthMax).c_str());
#else
  (void)name;
#endif
}

}  // namespace lob::threaded
