// validate_config(): the configuration checks of docs/engine-semantics.md. Messages name the field
// with its JavaScript spelling (the addon passes them through as errors) and the allowed range.
#include <algorithm>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "matching_engine.hpp"
#include "order_book.hpp"

namespace lob {

namespace {

constexpr std::int64_t kLotSizeMax = kOrderQuantityMax;

std::string range_error(const std::string& field, std::int64_t low, std::int64_t high,
                        std::int64_t got) {
  return field + ": must be an integer in [" + std::to_string(low) + ", " + std::to_string(high) +
         "], got " + std::to_string(got);
}

// "" when low <= value <= high.
std::string check_range(const std::string& field, std::int64_t value, std::int64_t low,
                        std::int64_t high) {
  if (value < low || value > high) return range_error(field, low, high, value);
  return "";
}

// Symbols are counted in bytes (UTF-8 as the addon passes them); ASCII symbols count the same in
// JavaScript.
std::string check_symbol(const std::string& field, const std::string& symbol) {
  if (symbol.empty() || symbol.size() > kSymbolLengthMax) {
    return field + ": must be 1 to " + std::to_string(kSymbolLengthMax) + " characters, got \"" +
           symbol + "\"";
  }
  return "";
}

// An instrument whose band holds no price an order can carry (a positive multiple of the tick, at
// most kSafeIntegerMax) would reject every order it is sent: a configuration mistake, said once.
std::string check_band_holds_a_price(const std::string& field, const InstrumentConfig& instrument) {
  // reference <= 2^53 and bps <= 1e6: the product needs more than 64 bits (as band_of).
  const auto half = static_cast<std::int64_t>(static_cast<__int128>(instrument.reference_price) *
                                              instrument.band_bps / 10'000);
  const std::int64_t low = instrument.reference_price - half;
  const std::int64_t high = instrument.reference_price + half;
  const std::int64_t tick = instrument.tick_size;
  const std::int64_t lowest = std::max<std::int64_t>(low, 1);
  // lowest + tick - 1 <= 2^53 + 2^53: no overflow.
  const std::int64_t first_price = (lowest + tick - 1) / tick * tick;
  if (first_price <= std::min(high, kSafeIntegerMax)) return "";
  return field + ": the band [" + std::to_string(low) + ", " + std::to_string(high) + "] around referencePrice " +
         std::to_string(instrument.reference_price) + " must hold a multiple of tickSize " + std::to_string(tick) +
         " in [1, " + std::to_string(kSafeIntegerMax) + "], got bandBps " + std::to_string(instrument.band_bps);
}

std::string check_instrument(const InstrumentConfig& instrument, std::size_t index) {
  const std::string at = "instruments[" + std::to_string(index) + "].";
  std::string error = check_symbol(at + "symbol", instrument.symbol);
  if (error.empty()) error = check_range(at + "tickSize", instrument.tick_size, 1, kSafeIntegerMax);
  if (error.empty()) error = check_range(at + "lotSize", instrument.lot_size, 1, kLotSizeMax);
  if (error.empty()) {
    error = check_range(at + "maxOrderQuantity", instrument.max_order_quantity, 1, kOrderQuantityMax);
  }
  if (error.empty() && instrument.max_order_quantity % instrument.lot_size != 0) {
    error = at + "maxOrderQuantity: must be a multiple of lotSize (" +
            std::to_string(instrument.lot_size) + "), got " +
            std::to_string(instrument.max_order_quantity);
  }
  if (error.empty()) {
    error = check_range(at + "referencePrice", instrument.reference_price, 1, kSafeIntegerMax);
  }
  if (error.empty()) error = check_range(at + "bandBps", instrument.band_bps, 1, kBandBpsMax);
  if (error.empty()) error = check_band_holds_a_price(at + "bandBps", instrument);
  return error;
}

std::string check_unique_symbols(const std::vector<InstrumentConfig>& instruments) {
  std::unordered_map<std::string, std::size_t> first_index;
  for (std::size_t index = 0; index < instruments.size(); index++) {
    const auto [it, inserted] = first_index.emplace(instruments[index].symbol, index);
    if (!inserted) {
      return "instruments[" + std::to_string(index) + "].symbol: duplicates instruments[" +
             std::to_string(it->second) + "].symbol \"" + instruments[index].symbol + "\"";
    }
  }
  return "";
}

}  // namespace

std::string validate_config(const EngineConfig& config, const std::vector<InstrumentConfig>& instruments) {
  const auto stp = static_cast<unsigned>(config.stp);
  if (stp > static_cast<unsigned>(StpMode::CancelResting)) {
    return "stp: must be one of off, cancel-incoming, cancel-resting, got " + std::to_string(stp);
  }
  std::string error = check_range("ordersMax", config.orders_max, 1, kOrdersMaxLimit);
  if (!error.empty()) return error;
  error = check_range("directLevelsMax", config.direct_levels_max, 0, kDirectLevelsMaxLimit);
  if (!error.empty()) return error;
  if (instruments.empty() || instruments.size() > kInstrumentsMax) {
    return "instruments: must hold 1 to " + std::to_string(kInstrumentsMax) + " instruments, got " +
           std::to_string(instruments.size());
  }
  for (std::size_t index = 0; index < instruments.size(); index++) {
    error = check_instrument(instruments[index], index);
    if (!error.empty()) return error;
  }
  return check_unique_symbols(instruments);
}

std::uint64_t reserved_bytes(const EngineConfig& config) {
  return std::uint64_t{config.orders_max} * sizeof(Order) +
         OrderBooks::levels_max(config.orders_max, config.direct_levels_max) * sizeof(Level);
}

}  // namespace lob
