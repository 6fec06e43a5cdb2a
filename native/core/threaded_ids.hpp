// Global numbering across shards. Every shard runs its own MatchingEngine, whose order ids, trade
// ids and sequence numbers start at 1; the threaded engine interleaves them into one global space:
//
//   global = (local - 1) * shards + shard + 1        (0 stays 0: "none")
//   shard  = (global - 1) % shards,  local = (global - 1) / shards + 1
//
// The map is a bijection between positive globals and (shard, positive local), so a cancel or
// modify by global order id routes to exactly one shard, and with one shard global == local (the
// threaded engine numbers exactly like the inline one). Sequence numbers use the same map: the
// reports of shard s carry seq = s + 1, s + 1 + shards, ... without gaps, so a consumer checks
// gaplessness per shard with (seq - 1) % shards.
//
// Symbols are dealt round robin: global symbol g lives on shard g % shards as local index
// g / shards, and the shard's engine holds instruments s, s + shards, s + 2 * shards, ...
#pragma once

#include <cstdint>

namespace lob::threaded {

inline std::uint64_t global_id(std::uint64_t local, std::uint32_t shard, std::uint32_t shards) {
  return local == 0 ? 0 : (local - 1) * shards + shard + 1;
}

inline std::uint32_t shard_of_id(std::uint64_t global, std::uint32_t shards) {
  return static_cast<std::uint32_t>((global - 1) % shards);
}

inline std::uint64_t local_id(std::uint64_t global, std::uint32_t shards) {
  return global == 0 ? 0 : (global - 1) / shards + 1;
}

inline std::uint32_t shard_of_symbol(std::uint32_t global, std::uint32_t shards) { return global % shards; }

inline std::uint32_t local_symbol(std::uint32_t global, std::uint32_t shards) { return global / shards; }

inline std::uint32_t global_symbol(std::uint32_t local, std::uint32_t shard, std::uint32_t shards) {
  return local * shards + shard;
}

}  // namespace lob::threaded
