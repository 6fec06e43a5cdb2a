// Which shard executes a command, and the command in the shard's local terms (threaded_ids.hpp).
//
// - NEW, and MASS_CANCEL of one symbol: the symbol's shard.
// - CANCEL and MODIFY by engine order id (orderId > 0): the id's shard.
// - CANCEL and MODIFY by (owner, clientOrderId) (orderId = 0): the shard of the command's symbol.
//   The core ignores the symbol of a cancel, so the threaded API requires it here: client order
//   ids are unique per owner per shard, and the symbol names the shard.
// - MASS_CANCEL of every symbol (symbol -1): every shard (kRouteAllShards).
#pragma once

#include <cstdint>

#include "protocol.hpp"
#include "threaded_ids.hpp"

namespace lob::threaded {

constexpr std::uint32_t kRouteAllShards = 0xFFFFFFFFu;

// Returns the shard (or kRouteAllShards) and writes the local command.
inline std::uint32_t route_command(const Command& global, std::uint32_t shards, Command& local) {
  local = global;
  if (global.action == Action::MassCancel && global.symbol == kSymbolAll) return kRouteAllShards;
  const bool by_id = (global.action == Action::Cancel || global.action == Action::Modify) && global.order_id != 0;
  if (by_id) {
    local.order_id = local_id(global.order_id, shards);
    local.symbol = 0;
    return shard_of_id(global.order_id, shards);
  }
  local.symbol = local_symbol(global.symbol, shards);
  return shard_of_symbol(global.symbol, shards);
}

}  // namespace lob::threaded
