// Configuration of the threaded engine: the inline engine's configuration plus the thread and
// queue limits. Every limit is named, has a unit, and is validated once (validate_threaded_config)
// before any thread starts; queues are allocated from these limits up front.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "matching_engine.hpp"

namespace lob::threaded {

constexpr std::uint32_t kShardsMax = 64;
constexpr std::uint32_t kIngressCommandsMaxDefault = 1u << 16;  // Commands per shard queue.
constexpr std::uint32_t kEventsMaxDefault = 1u << 16;           // Reports per shard event queue.
constexpr std::uint32_t kQueueCapacityMin = 2, kQueueCapacityMax = 1u << 24;
constexpr std::uint32_t kBatchReportsMaxDefault = 4096;         // Records per delivery to JS.
constexpr std::uint32_t kBatchReportsMaxLimit = 1u << 16;
constexpr std::uint32_t kBatchesInFlightMaxDefault = 4;          // Per subscriber.
constexpr std::uint32_t kBatchesInFlightMaxLimit = 1024;
constexpr std::uint64_t kJournalCommandsMaxDefault = 0;          // 0: no journal.
constexpr std::uint64_t kJournalCommandsMaxLimit = std::uint64_t{1} << 32;
constexpr std::uint32_t kSpinNsDefault = 50'000;                 // Busy-wait before parking.
constexpr std::uint32_t kSpinNsMax = 10'000'000;

struct ThreadedConfig {
  EngineConfig engine;
  std::vector<InstrumentConfig> instruments;
  std::uint32_t shards = 1;
  std::uint32_t ingress_commands_max = kIngressCommandsMaxDefault;
  std::uint32_t events_max = kEventsMaxDefault;
  std::uint32_t batch_reports_max = kBatchReportsMaxDefault;
  std::uint32_t batches_in_flight_max = kBatchesInFlightMaxDefault;
  std::uint64_t journal_commands_max = kJournalCommandsMaxDefault;
  std::uint32_t spin_ns = kSpinNsDefault;
};

// "" when valid, otherwise a message naming the field and its allowed range.
std::string validate_threaded_config(const ThreadedConfig& config);

// The instruments of one shard, in local index order (global symbol = local * shards + shard).
std::vector<InstrumentConfig> shard_instruments(const ThreadedConfig& config, std::uint32_t shard);

}  // namespace lob::threaded
