// The training run of the addon's profile-guided build (scripts/build-addon.mjs): a seeded mix of
// every command kind through MatchingEngine::execute, built with -fprofile-generate, whose branch
// and call counts the addon's core is then compiled with. It is not the benchmark's stream: 16
// instruments (ticks of 1 and 5, lots of 1 and 10), 32 owners, limit, IOC, post-only, FOK and
// market orders, cancels by client and by engine id, modifies, mass cancels and a share of rejects,
// once with self-trade prevention off and once cancelling resting orders. It exits 1 if the books
// fail validate(), so a broken core cannot train the build it ships in.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "matching_engine.hpp"

namespace {

using namespace lob;

constexpr int kInstruments = 16;
constexpr int kOwners = 32;
constexpr int kCommandsPerRound = 1'500'000;
// The exit status of invalid books, which scripts/build-addon.mjs tells apart from other failures.
constexpr int kExitInvalidBooks = 1;

std::vector<InstrumentConfig> training_instruments() {
  std::vector<InstrumentConfig> instruments;
  for (int i = 0; i < kInstruments; i++) {
    instruments.push_back(InstrumentConfig{"T" + std::to_string(i), i % 4 == 3 ? 5 : 1, i % 5 == 4 ? 10 : 1,
                                           1'000'000, 10'000, 2'000});
  }
  return instruments;
}

// One round on a fresh engine; returns "" or the first invariant validate() finds broken.
std::string train_round(StpMode stp, std::mt19937_64& rng) {
  const std::vector<InstrumentConfig> instruments = training_instruments();
  EngineConfig config;
  config.stp = stp;
  MatchingEngine engine(config, instruments);
  std::vector<Report> reports;
  std::normal_distribution<double> price_ticks(10'000, 40);
  std::lognormal_distribution<double> size(std::log(50.0), 1.0);
  std::uniform_real_distribution<double> unit(0, 1);
  std::vector<std::uint64_t> next_client_id(kOwners, 1);
  for (int n = 0; n < kCommandsPerRound; n++) {
    Command command{};
    command.owner = 1 + static_cast<Owner>(rng() % kOwners);
    std::uint64_t& next_id = next_client_id[command.owner - 1];
    const auto symbol = static_cast<SymbolIndex>(rng() % kInstruments);
    const InstrumentConfig& instrument = instruments[symbol];
    const auto on_tick = [&](double ticks) {
      return static_cast<Price>(std::llround(ticks)) / instrument.tick_size * instrument.tick_size;
    };
    const auto in_lots = [&] {
      const Quantity lots = std::max<Quantity>(1, std::llround(size(rng)) / instrument.lot_size);
      return lots * instrument.lot_size;
    };
    const double roll = unit(rng);
    if (roll < 0.72) {
      command.action = Action::New;
      command.symbol = symbol;
      command.side = unit(rng) < 0.5 ? Side::Buy : Side::Sell;
      const double type = unit(rng);
      command.type = type < 0.8    ? OrderType::Limit
                     : type < 0.9  ? OrderType::Ioc
                     : type < 0.94 ? OrderType::PostOnly
                     : type < 0.97 ? OrderType::Fok
                                   : OrderType::Market;
      command.price = on_tick(price_ticks(rng));
      command.quantity = in_lots();
      command.client_order_id = next_id++;
      if (unit(rng) < 0.01) command.quantity = 0;                  // Rejected: quantity.
      if (unit(rng) < 0.005) command.client_order_id = next_id / 2;  // Often a live duplicate.
    } else if (roll < 0.92) {
      command.action = Action::Cancel;
      command.client_order_id = 1 + rng() % next_id;
      if (unit(rng) < 0.2) command.order_id = 1 + rng() % static_cast<std::uint64_t>(n + 1);
    } else if (roll < 0.9995) {
      command.action = Action::Modify;
      command.client_order_id = 1 + rng() % next_id;
      command.price = on_tick(price_ticks(rng));
      command.quantity = in_lots();
    } else {
      command.action = Action::MassCancel;
      command.symbol = symbol;
    }
    reports.clear();
    engine.execute(command, reports);
  }
  return engine.validate();
}

}  // namespace

int main() {
  std::mt19937_64 rng(20261205);
  for (const StpMode stp : {StpMode::Off, StpMode::CancelResting}) {
    const std::string problem = train_round(stp, rng);
    if (!problem.empty()) {
      std::fprintf(stderr, "lobsim-pgo-train: the books are invalid after training: %s\n", problem.c_str());
      return kExitInvalidBooks;
    }
  }
  return 0;
}
