// The client index (client_index.hpp) against a std::map, on key patterns that exercise both of
// its halves: increasing ids (the windows), sparse and huge ids, ids below a window's front, ids
// far past its back that the window later reaches, chunks that thin out and are evicted, and more
// owners than kWindowOwnersMax (the fallback hash), and reused keys and slots over the stale
// entries that lazy erase leaves behind.
#include <cstdint>
#include <map>
#include <random>
#include <utility>
#include <vector>

#include "client_index.hpp"
#include "order_pool.hpp"
#include "test_runner.hpp"

using namespace lob;

// Must be in lob, where the friend declaration names it.
namespace lob {
struct ClientIndexTestAccess {
  // Flips the live bit of (owner 1, id); the window of owner 1 must cover it.
  static void flip_bit(ClientIndex& index, std::uint64_t id) {
    ClientIndex::Window& window = index.windows_[index.window_of(1)];
    ClientIndex::Chunk* chunk = ClientIndex::chunk_of(window, id);
    chunk->bits[(id & (ClientIndex::kChunkIds - 1)) >> 6] ^= std::uint64_t{1} << (id & 63);
  }
  static std::uint64_t id_max(ClientIndex& index) { return index.windows_[index.window_of(1)].id_max; }
  static void set_id_max(ClientIndex& index, std::uint64_t id_max) { index.windows_[index.window_of(1)].id_max = id_max; }
};
}  // namespace lob

namespace {

using Key = std::pair<Owner, std::uint64_t>;

class Harness {
 public:
  explicit Harness(std::uint32_t orders_max) : pool_(orders_max), index_(pool_, orders_max) {}

  bool insert(Owner owner, std::uint64_t client_order_id) {
    if (model_.count({owner, client_order_id}) != 0) return true;
    const std::uint32_t slot = pool_.acquire();
    pool_.at(slot) = Order{slot + 1ull, client_order_id, owner, 1, 1, kSlotNone, kSlotNone, kSlotNone};
    index_.insert(slot, owner, client_order_id);
    model_[{owner, client_order_id}] = slot;
    return index_.find(owner, client_order_id) == slot;
  }

  bool erase(Key key) {  // By value: the caller's key often lives in the map node erased here.
    const std::uint32_t slot = model_.at(key);
    index_.erase(slot, key.first, key.second);
    pool_.release(slot);
    model_.erase(key);
    return index_.find(key.first, key.second) == kSlotNone;
  }

  bool contains(Key key) const { return model_.count(key) != 0; }
  bool finds_none(Key key) const { return index_.find(key.first, key.second) == kSlotNone; }

  // Every model key is found, a few absent ones are not, sizes agree, and holds_exactly accepts the
  // model's orders and rejects a count or a set that is off by one.
  bool agrees(std::mt19937_64& rng) const {
    if (index_.size() != model_.size()) return false;
    for (const auto& [key, slot] : model_) {
      if (index_.find(key.first, key.second) != slot) return false;
    }
    for (int probe = 0; probe < 100; probe++) {
      const Key key{static_cast<Owner>(rng() % 8), rng() % 100'000};
      const auto it = model_.find(key);
      if (index_.find(key.first, key.second) != (it == model_.end() ? kSlotNone : it->second)) return false;
    }
    std::vector<bool> live(pool_.slots_used(), false);
    for (const auto& [key, slot] : model_) live.at(slot) = true;
    const auto each_live = [&](auto visit) {
      for (const auto& [key, slot] : model_) visit(slot);
    };
    if (!index_.holds_exactly(each_live, model_.size(), live)) return false;
    // The audit must also see a mismatch: one order too many claimed live, or one left out.
    if (index_.holds_exactly(each_live, model_.size() + 1, live)) return false;
    if (!model_.empty()) {
      const std::uint32_t left_out = model_.begin()->second;
      const auto all_but_one = [&](auto visit) {
        for (const auto& [key, slot] : model_) {
          if (slot != left_out) visit(slot);
        }
      };
      if (index_.holds_exactly(all_but_one, model_.size() - 1, live)) return false;
    }
    return true;
  }

  const std::map<Key, std::uint32_t>& model() const { return model_; }
  ClientIndex& index() { return index_; }

  // Only the audit, holds_exactly(), over the model's orders.
  bool audit_passes() const {
    std::vector<bool> live(pool_.slots_used(), false);
    for (const auto& [key, slot] : model_) live.at(slot) = true;
    return index_.holds_exactly([&](auto visit) { for (const auto& [key, slot] : model_) visit(slot); }, model_.size(), live);
  }
  std::size_t memory_bytes() const { return index_.memory_bytes(); }

 private:
  OrderPool pool_;
  ClientIndex index_;
  std::map<Key, std::uint32_t> model_;
};

}  // namespace

TEST(client_index_matches_a_map_on_mixed_id_patterns) {
  std::mt19937_64 rng(11);
  Harness harness(1u << 20);
  std::uint64_t next_id[8] = {1, 1, 1, 1, 1, 1, 1, 1};
  for (int step = 0; step < 200'000; step++) {
    const Owner owner = static_cast<Owner>(rng() % 8);
    const int roll = static_cast<int>(rng() % 100);
    bool ok = true;
    if (roll < 45) {
      ok = harness.insert(owner, next_id[owner]++);  // Increasing ids.
    } else if (roll < 48) {
      next_id[owner] += rng() % 20'000;  // A jump past the back, later reached step by step.
      ok = harness.insert(owner, next_id[owner]++);
    } else if (roll < 50) {
      ok = harness.insert(owner, rng() % 100'000);  // Anywhere, often below the front.
    } else if (roll < 51) {
      ok = harness.insert(owner, (std::uint64_t{1} << 52) + rng() % 1000);  // Huge.
    } else if (!harness.model().empty()) {
      // Erase a random live key (by a random point in the map), thinning old chunks.
      auto it = harness.model().lower_bound({owner, rng() % next_id[owner]});
      if (it == harness.model().end()) it = harness.model().begin();
      ok = harness.erase(it->first);
    }
    CHECK(ok);
    if (!ok) return;
    if (step % 20'000 == 0) CHECK(harness.agrees(rng));
  }
  CHECK(harness.agrees(rng));
  while (!harness.model().empty()) harness.erase(harness.model().begin()->first);
  CHECK(harness.agrees(rng));
}

TEST(client_index_beyond_the_window_owner_limit_uses_the_hash) {
  std::mt19937_64 rng(5);
  Harness harness(1u << 16);
  const Owner owners = static_cast<Owner>(ClientIndex::kWindowOwnersMax + 200);
  for (std::uint64_t round = 1; round <= 20; round++) {
    for (Owner owner = 0; owner < owners; owner++) CHECK(harness.insert(owner, round));
  }
  CHECK(harness.agrees(rng));
  // Ids with a stride far larger than a chunk: each chunk thins out as the back moves on.
  for (std::uint64_t id = 1; id < 3'000'000; id += 3'000) CHECK(harness.insert(7, id));
  CHECK(harness.agrees(rng));
}

// Erase is lazy: the window entry keeps the old slot. A key reused at once takes the same slot
// (the pool's free list is LIFO), so its stale entry already names it; a slot reused by another
// key must not make the old key findable.
TEST(client_index_reuses_keys_and_slots_over_stale_entries) {
  std::mt19937_64 rng(7);
  Harness harness(1 << 16);
  for (std::uint64_t id = 1; id <= 3000; id++) CHECK(harness.insert(1, id));
  for (int round = 0; round < 20000; round++) {
    const std::uint64_t id = 1 + rng() % 3000;
    const Owner owner = static_cast<Owner>(1 + rng() % 2);
    if (harness.contains({owner, id})) {
      CHECK(harness.erase({owner, id}));
      if (rng() % 2 == 0) CHECK(harness.insert(owner, id));  // Same key, same slot.
    } else {
      CHECK(harness.insert(owner, id));  // Likely a slot whose stale entry names another key.
    }
    if (round % 1000 == 0) CHECK(harness.agrees(rng));
  }
  CHECK(harness.agrees(rng));
}

// A chunk thinned below kChunkLiveMin moves its keys to the fallback but keeps its live bits, which
// then still answer for its dead ids; thinned below kChunkKeysMin it drops them too. Every step of
// the way each live key is found and each dead one is not.
TEST(client_index_answers_through_chunks_that_were_evicted_and_lost_their_bits) {
  std::mt19937_64 rng(3);
  Harness harness(1u << 16);
  const std::uint64_t chunk_ids = ClientIndex::kChunkIds;
  for (std::uint64_t id = 0; id < 6 * chunk_ids; id++) CHECK(harness.insert(1, id));
  // Thin chunks 1..4 (the back, chunk 5, is never evicted) one key at a time, in id order.
  for (std::uint64_t id = chunk_ids; id < 5 * chunk_ids; id++) {
    const std::uint64_t in_chunk = id % chunk_ids;
    if (in_chunk + ClientIndex::kChunkKeysMin / 2 >= chunk_ids) continue;  // Leave a few per chunk.
    CHECK(harness.erase({1, id}));
    const std::uint64_t left = chunk_ids - in_chunk - 1;
    if (left == ClientIndex::kChunkLiveMin - 1 || left == ClientIndex::kChunkKeysMin - 1 || left % 97 == 0) {
      CHECK(harness.agrees(rng));
      for (std::uint64_t dead = id - in_chunk; dead <= id; dead++) CHECK(harness.finds_none({1, dead}));
    }
  }
  CHECK(harness.agrees(rng));
  // Fresh ids keep arriving at the back while the thinned chunks' last keys go.
  for (std::uint64_t id = 6 * chunk_ids; id < 9 * chunk_ids; id++) CHECK(harness.insert(1, id));
  while (!harness.model().empty()) {
    CHECK(harness.erase(harness.model().begin()->first));
    if (harness.model().size() % 1000 == 0) CHECK(harness.agrees(rng));
  }
  CHECK(harness.agrees(rng));
}

// holds_exactly() audits the live bits: a dead key's bit set, or a live key's bit cleared, is seen.
TEST(client_index_audit_sees_a_wrong_live_bit) {
  std::mt19937_64 rng(9);
  Harness harness(1u << 12);
  for (std::uint64_t id = 1; id <= 100; id++) CHECK(harness.insert(1, id));
  CHECK(harness.erase({1, 50}));
  CHECK(harness.agrees(rng));
  ClientIndexTestAccess::flip_bit(harness.index(), 50);  // Dead, now claimed live.
  CHECK(!harness.audit_passes());
  ClientIndexTestAccess::flip_bit(harness.index(), 50);
  CHECK(harness.audit_passes());
  ClientIndexTestAccess::flip_bit(harness.index(), 51);  // Live, now claimed dead.
  CHECK(!harness.audit_passes());
  ClientIndexTestAccess::flip_bit(harness.index(), 51);
  CHECK(harness.agrees(rng));
}

// A window answers "not live" for an id above every id its owner inserted without looking further,
// so that bound must cover the keys the fallback took too (here one far past the back), must not
// fall when keys go, and the audit must see a bound below a live key.
TEST(client_index_ids_above_the_largest_inserted_are_not_live) {
  std::mt19937_64 rng(13);
  Harness harness(1u << 12);
  const std::uint64_t far = 5'000'000;
  for (const std::uint64_t id : {std::uint64_t{10}, far, std::uint64_t{11}}) CHECK(harness.insert(1, id));
  CHECK(ClientIndexTestAccess::id_max(harness.index()) == far);
  CHECK(!harness.finds_none({1, far}));  // In the fallback, below the bound.
  CHECK(harness.finds_none({1, far + 1}));
  CHECK(harness.finds_none({1, 12}));
  CHECK(harness.erase({1, far}));
  CHECK(ClientIndexTestAccess::id_max(harness.index()) == far);
  CHECK(harness.insert(1, far));  // The same key again, under the bound.
  CHECK(harness.agrees(rng));
  ClientIndexTestAccess::set_id_max(harness.index(), 10);  // Keys 11 and `far` now lie above it.
  CHECK(!harness.audit_passes());
  ClientIndexTestAccess::set_id_max(harness.index(), far);
  CHECK(harness.agrees(rng));
}
