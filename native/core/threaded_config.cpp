#include "threaded_config.hpp"

#include <string>

namespace lob::threaded {

namespace {

bool power_of_two(std::uint64_t value) { return value != 0 && (value & (value - 1)) == 0; }

std::string check_queue(const char* field, std::uint32_t value) {
  if (value < kQueueCapacityMin || value > kQueueCapacityMax || !power_of_two(value)) {
    return std::string(field) + ": must be a power of two in [" + std::to_string(kQueueCapacityMin) + ", " +
           std::to_string(kQueueCapacityMax) + "], got " + std::to_string(value);
  }
  return "";
}

std::string check_range(const char* field, std::uint64_t value, std::uint64_t min, std::uint64_t max) {
  if (value < min || value > max) {
    return std::string(field) + ": must be an integer in [" + std::to_string(min) + ", " + std::to_string(max) +
           "], got " + std::to_string(value);
  }
  return "";
}

}  // namespace

std::string validate_threaded_config(const ThreadedConfig& config) {
  std::string problem = validate_config(config.engine, config.instruments);
  if (problem.empty()) problem = check_range("shards", config.shards, 1, kShardsMax);
  if (problem.empty() && config.shards > config.instruments.size()) {
    problem = "shards: must not exceed the number of instruments (" + std::to_string(config.instruments.size()) +
              "), got " + std::to_string(config.shards);
  }
  if (problem.empty()) problem = check_queue("ingressCommandsMax", config.ingress_commands_max);
  if (problem.empty()) problem = check_queue("eventsMax", config.events_max);
  if (problem.empty()) problem = check_range("batchReportsMax", config.batch_reports_max, 1, kBatchReportsMaxLimit);
  if (problem.empty()) {
    problem = check_range("batchesInFlightMax", config.batches_in_flight_max, 1, kBatchesInFlightMaxLimit);
  }
  if (problem.empty()) {
    problem = check_range("journalCommandsMax", config.journal_commands_max, 0, kJournalCommandsMaxLimit);
  }
  if (problem.empty()) problem = check_range("spinNs", config.spin_ns, 0, kSpinNsMax);
  return problem;
}

std::vector<InstrumentConfig> shard_instruments(const ThreadedConfig& config, std::uint32_t shard) {
  std::vector<InstrumentConfig> instruments;
  for (std::size_t global = shard; global < config.instruments.size(); global += config.shards) {
    instruments.push_back(config.instruments[global]);
  }
  return instruments;
}

}  // namespace lob::threaded
