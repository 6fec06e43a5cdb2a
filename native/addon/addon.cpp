// The Node-API glue: converts and validates JS input, calls the core, converts results back.
// Nothing here decides a matching rule. Every JS value that crosses is checked before the core
// sees it: a bad value throws a TypeError or RangeError naming the field, and a rejected batch
// changes no state (all records are checked before the first one executes). C++ exceptions never
// cross into JS unconverted (node_addon_api_except_all turns them, std::exception too, into JS errors).
#include <napi.h>

#include <cmath>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "assert.hpp"
#include "js_values.hpp"
#include "matching_engine.hpp"
#include "protocol.hpp"

void register_threaded_engine(Napi::Env env, Napi::Object exports);  // threaded_addon.cpp

namespace {

using namespace lob::js;
using lob::Command;
using lob::Report;

// One crossing carries at most this many commands; larger batches are a RangeError, not a stall.
constexpr std::size_t kBatchCommandsMax = 1u << 20;
// Report records the engine's own area holds; a batch that makes more leaves the rest for drain().
constexpr std::size_t kAreaReportRecords = 4096;
constexpr double kOwnerMax = kUint32MaxDouble;

// Reads slot `slot` of command record `index`. The field name is built only on failure: this runs
// once per slot of every command of every batch.
[[noreturn, gnu::cold, gnu::noinline]] void throw_slot(Napi::Env env, double value, std::size_t index, const char* field,
                                                     double min, double max) {
  checked_integer(env, value, "commands[" + std::to_string(index) + "]." + field, min, max);
  std::abort();  // Unreachable: checked_integer threw.
}

// Nine per command in a batch: the check inlines, the message is built out of line. Every [min, max]
// lies within the safe integers, so the range test alone also refuses NaN, the infinities and
// unsafe magnitudes, and makes the conversion defined; is_safe_integer's own range test would
// repeat it (GCC does not fold the two), two float compares per slot.
[[gnu::always_inline]] inline std::int64_t slot_integer(Napi::Env env, const double* record, std::size_t index,
                                                        int slot, const char* field, double min, double max) {
  LOB_ASSERT(min >= -kSafeIntegerMaxDouble && max <= kSafeIntegerMaxDouble, "slot range within the safe integers");
  const double value = record[slot];
  if (value >= min && value <= max) [[likely]] {
    const auto integer = static_cast<std::int64_t>(value);
    if (static_cast<double>(integer) == value) [[likely]] return integer;
  }
  throw_slot(env, value, index, field, min, max);
}

// Decodes into `command` in place. Built as a local and copied into the batch, the struct was
// written field by field (bytes, words) and read back at once with 16-byte loads, which cannot take
// their data from the pending narrow stores: two store-forwarding stalls per command, a fifth of
// the batched path's own time.
// The batch is not cleared between calls, so every field must be written here: a field added to
// Command must be decoded too, or it would carry over from an earlier batch.
static_assert(sizeof(Command) == 48, "decode_command writes every field of lob::Command; decode the new one");
void decode_command(Napi::Env env, const double* record, std::size_t index, Command& command) {
  namespace slot = lob::command_slot;
  command.action = static_cast<lob::Action>(slot_integer(env, record, index, slot::action, "action", 1, lob::kActionMax));
  const std::int64_t symbol = slot_integer(env, record, index, slot::symbol, "symbol", -1, kOwnerMax - 1);
  command.symbol = symbol < 0 ? lob::kSymbolAll : static_cast<lob::SymbolIndex>(symbol);
  command.owner = static_cast<lob::Owner>(slot_integer(env, record, index, slot::owner, "owner", 0, kOwnerMax));
  command.client_order_id = static_cast<std::uint64_t>(
      slot_integer(env, record, index, slot::client_order_id, "clientOrderId", 0, kSafeIntegerMaxDouble));
  command.order_id =
      static_cast<lob::OrderId>(slot_integer(env, record, index, slot::order_id, "orderId", 0, kSafeIntegerMaxDouble));
  command.side = static_cast<lob::Side>(slot_integer(env, record, index, slot::side, "side", 0, 1));
  const double type_min = command.action == lob::Action::New ? 1 : 0;
  command.type =
      static_cast<lob::OrderType>(slot_integer(env, record, index, slot::type, "type", type_min, lob::kOrderTypeMax));
  command.price =
      slot_integer(env, record, index, slot::price, "price", -kSafeIntegerMaxDouble, kSafeIntegerMaxDouble);
  command.quantity =
      slot_integer(env, record, index, slot::quantity, "quantity", -kSafeIntegerMaxDouble, kSafeIntegerMaxDouble);
}

double to_slot(std::uint64_t value) {
  // Counters and ids stay far below 2^53 in any run this engine can hold; a larger value would be
  // silently rounded by the double, so refuse it loudly instead.
  if (value > static_cast<std::uint64_t>(lob::kSafeIntegerMax)) [[unlikely]] {
    std::fprintf(stderr, "lobsim: a report field exceeds 2^53 - 1 (%llu)\n", static_cast<unsigned long long>(value));
    std::abort();
  }
  return static_cast<double>(value);
}

double to_slot_signed(std::int64_t value) { return static_cast<double>(value); }

// An inline engine's report (the threaded addon encodes its own). Its seq is the only field that
// to_slot checks: every other counter in it is at most its seq (an order's ACCEPTED and each of a
// trade's two fills are reports of their own, numbered after the id they carry), an order id or
// client order id copied from a command was checked on the way in, and the inline core writes no
// timestamps. One compare per report instead of seven; and below 2^53 the unsigned fields convert
// as signed ones, without the branch an unsigned conversion takes for values of 2^63 and more.
void encode_report(const Report& report, double* out) {
  namespace slot = lob::report_slot;
  LOB_ASSERT_BOUNDS(report.order_id <= report.seq || report.kind == lob::ExecKind::CancelRejected ||
                        report.kind == lob::ExecKind::Rejected,
                    "an order id is numbered before its reports");
  LOB_ASSERT_BOUNDS(report.trade_id <= report.seq, "a trade id is numbered before its fills");
  LOB_ASSERT((report.ts_receive_ns | report.ts_match_ns | report.ts_dispatch_ns) == 0, "inline reports carry no timestamps");
  out[slot::seq] = to_slot(report.seq);
  out[slot::kind] = static_cast<double>(report.kind);
  out[slot::reason] = static_cast<double>(report.reason);
  out[slot::order_id] = to_slot_signed(static_cast<std::int64_t>(report.order_id));
  out[slot::owner] = static_cast<double>(report.owner);
  out[slot::client_order_id] = to_slot_signed(static_cast<std::int64_t>(report.client_order_id));
  out[slot::symbol] = report.symbol == lob::kSymbolAll ? -1.0 : static_cast<double>(report.symbol);
  out[slot::side] = static_cast<double>(report.side);
  out[slot::price] = to_slot_signed(report.price);
  out[slot::quantity] = to_slot_signed(report.quantity);
  out[slot::last_quantity] = to_slot_signed(report.last_quantity);
  out[slot::last_price] = to_slot_signed(report.last_price);
  out[slot::cum_quantity] = to_slot_signed(report.cum_quantity);
  out[slot::leaves_quantity] = to_slot_signed(report.leaves_quantity);
  out[slot::trade_id] = to_slot_signed(static_cast<std::int64_t>(report.trade_id));
  out[slot::ts_receive_ns] = 0;
  out[slot::ts_match_ns] = 0;
  out[slot::ts_dispatch_ns] = 0;
}

// Slots of a bbo() answer: price, quantity and order count of the best bid, then of the best ask.
constexpr std::size_t kBboSlots = 6;
// Slots of one record of run()'s tops: the symbol, then its bbo() slots.
constexpr std::size_t kTopSlots = 1 + kBboSlots;

class EngineWrap : public Napi::ObjectWrap<EngineWrap> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "NativeEngine",
                       {
                           InstanceMethod<&EngineWrap::Drain>("drain"),
                           InstanceMethod<&EngineWrap::BboOf>("bbo"),
                           InstanceMethod<&EngineWrap::DepthOf>("depth"),
                           InstanceMethod<&EngineWrap::SnapshotOf>("snapshot"),
                           InstanceMethod<&EngineWrap::Stats>("stats"),
                           InstanceMethod<&EngineWrap::StateHash>("stateHash"),
                           InstanceMethod<&EngineWrap::Validate>("validate"),
                           InstanceMethod<&EngineWrap::Close>("close"),
                       });
  }

  explicit EngineWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<EngineWrap>(info) {
    Napi::Env env = info.Env();
    if (info.Length() < 1 || !info[0].IsObject()) throw_type(env, "options: must be an object");
    Napi::Object options = info[0].As<Napi::Object>();
    std::vector<lob::InstrumentConfig> instruments = decode_instruments(env, options);
    const lob::EngineConfig config = decode_engine_config(env, options);
    const std::string problem = lob::validate_config(config, instruments);
    if (!problem.empty()) throw_range(env, problem);
    try {
      engine_ = std::make_unique<lob::MatchingEngine>(config, std::move(instruments));
    } catch (const std::bad_alloc&) {
      // The pools reserve address space for their limits up front (reserved_array.hpp): a process
      // under a virtual-memory limit (ulimit -v) may not have that much.
      throw_range(env, "ordersMax, directLevelsMax: the engine could not reserve address space for about " +
                           std::to_string(lob::reserved_bytes(config)) + " bytes of orders and levels; lower them");
    }
    touched_flags_.assign(engine_->instrument_count(), 0);
    Napi::Object self = info.This().As<Napi::Object>();
    allocate_area(env, self);
    // The harness calls run() once per batch of about one command, so its fixed cost counts.
    bind_own_method<EngineWrap, &EngineWrap::Run>(env, self, "run", this);
  }

 private:
  // The engine's own memory for what a batch sends back: kAreaReportRecords report records, then
  // the tops (1 + kTopSlots x instruments slots), in one ArrayBuffer that JS reads through views
  // (the own property `area`). run() writes there, so of its arguments only the commands are a
  // typed array to inspect: napi_get_typedarray_info walks V8's chain of type checks, and three of
  // them were a third of a one-command call. The buffer is V8's (napi_create_arraybuffer: never
  // resizable) and held by a strong reference. If JS detaches it (transfers a batch's buffer to a
  // worker, say), the next run() allocates a new one and `area` names it.
  void allocate_area(Napi::Env env, Napi::Object self) {
    const std::size_t report_slots = kAreaReportRecords * lob::report_slot::count;
    const std::size_t tops_slots = 1 + kTopSlots * engine_->instrument_count();
    Napi::ArrayBuffer area = Napi::ArrayBuffer::New(env, (report_slots + tops_slots) * sizeof(double));
    area_ = Napi::Persistent(area);
    area_reports_ = Float64Span{static_cast<double*>(area.Data()), report_slots};
    area_tops_ = Float64Span{static_cast<double*>(area.Data()) + report_slots, tops_slots};
    self.DefineProperty(Napi::PropertyDescriptor::Value("area", area, static_cast<napi_property_attributes>(napi_enumerable | napi_configurable)));
  }

  // run(commands: Float64Array, count: number, withTops: boolean): number
  // Runs `count` command records and returns how many reports they produced. The first
  // kAreaReportRecords are written to the area (a new one if the last was detached); the rest wait
  // for drain().
  //
  // With `withTops`, also writes to the area's tops the best bid and offer of every symbol the
  // batch's reports name: tops[0] = n, then n records of kTopSlots [symbol, bbo(symbol)...] in the
  // order the symbols first appear. A harness that refreshes its quotes after each small batch
  // thus crosses into the addon once per batch instead of once more per symbol.
  Napi::Value Run(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    const Float64Span commands = float64_span_arg(info, 0, "commands");
    const std::size_t records = commands.length / lob::command_slot::count;
    const std::size_t count = static_cast<std::size_t>(
        integer_arg(info, 1, "count", 0, static_cast<double>(std::min(records, kBatchCommandsMax))));
    const bool with_tops = boolean_arg(info, 2, "withTops");
    lob::MatchingEngine& engine = live(env);
    if (area_.Value().IsDetached()) allocate_area(env, Value());

    // Every field of each command is written below: no need to clear what the last batch left.
    const double* data = commands.data;
    batch_.resize(count);
    for (std::size_t i = 0; i < count; i++) decode_command(env, data + i * lob::command_slot::count, i, batch_[i]);

    // Each command's reports are encoded straight after it runs, while they are still in L1: a
    // whole batch of reports (4096 commands make ~1.3 MB of them) would spill the cache before the
    // copy. Reports beyond the area's capacity wait in reports_ for drain().
    double* const records_out = area_reports_.data;
    reports_.clear();
    pending_ = 0;
    std::size_t total = 0;
    for (const Command& command : batch_) {
      command_reports_.clear();
      engine.execute(command, command_reports_);
      for (const Report& report : command_reports_) {
        if (total < kAreaReportRecords) {
          encode_report(report, records_out + total * lob::report_slot::count);
        } else {
          reports_.push_back(report);
        }
        total++;
        if (with_tops) touch(report.symbol);
      }
    }
    if (with_tops) write_tops(area_tops_.data);
    return Napi::Number::New(env, static_cast<double>(total));
  }

  void touch(lob::SymbolIndex symbol) {
    if (symbol >= touched_flags_.size()) return;  // A reject of an unknown symbol.
    if (touched_flags_[symbol] != 0) return;
    touched_flags_[symbol] = 1;
    touched_.push_back(symbol);
  }

  void write_tops(double* tops) {
    tops[0] = static_cast<double>(touched_.size());
    double* record = tops + 1;
    for (const lob::SymbolIndex symbol : touched_) {
      const lob::Bbo bbo = engine_->bbo(symbol);
      record[0] = symbol;
      write_bbo(bbo, record + 1);
      record += kTopSlots;
      touched_flags_[symbol] = 0;
    }
    touched_.clear();
  }

  static void write_bbo(const lob::Bbo& bbo, double* out) {
    out[0] = to_slot_signed(bbo.bid.price);
    out[1] = to_slot_signed(bbo.bid.quantity);
    out[2] = bbo.bid.count;
    out[3] = to_slot_signed(bbo.ask.price);
    out[4] = to_slot_signed(bbo.ask.quantity);
    out[5] = bbo.ask.count;
  }

  // drain(out: Float64Array, offset: number): number — copies reports that did not fit (the last
  // run's reports past the area's capacity), starting at record `offset` of `out`; returns how
  // many reports are still pending after this copy.
  Napi::Value Drain(const Napi::CallbackInfo& info) {
    live(info.Env());  // After close() every call throws, as documented; a drain would find nothing.
    const Float64Span out = float64_span_arg(info, 0, "out");
    const std::size_t capacity = out.length / lob::report_slot::count;
    const std::size_t offset = static_cast<std::size_t>(integer_arg(info, 1, "offset", 0, static_cast<double>(capacity)));
    copy_reports(out, offset);
    return Napi::Number::New(info.Env(), static_cast<double>(reports_.size() - pending_));
  }

  void copy_reports(Float64Span out, std::size_t offset) {
    const std::size_t capacity = out.length / lob::report_slot::count;
    double* data = out.data;
    for (std::size_t at = offset; at < capacity && pending_ < reports_.size(); at++, pending_++) {
      encode_report(reports_[pending_], data + at * lob::report_slot::count);
    }
  }

  lob::SymbolIndex symbol_arg(const Napi::CallbackInfo& info) {
    const double last = static_cast<double>(live(info.Env()).instrument_count()) - 1;
    return static_cast<lob::SymbolIndex>(integer_arg(info, 0, "symbol", 0, last));
  }

  // bbo(symbol, out: Float64Array): writes [bidPrice, bidQuantity, bidCount, askPrice, askQuantity,
  // askCount] to out[0..6) (count 0: that side is empty). The caller's array, not a new one: the
  // harness asks after every quantum that moved a book, and a fresh ArrayBuffer per call (a malloc
  // and a GC-tracked backing store) cost more than the query.
  Napi::Value BboOf(const Napi::CallbackInfo& info) {
    const lob::SymbolIndex symbol = symbol_arg(info);
    const Float64Span out = float64_span_arg(info, 1, "out");
    if (out.length < kBboSlots) {
      throw_range(info.Env(), "out: must hold at least " + std::to_string(kBboSlots) + " elements, got " + std::to_string(out.length));
    }
    write_bbo(live(info.Env()).bbo(symbol), out.data);
    return info.Env().Undefined();
  }

  static Napi::Float64Array levels_array(Napi::Env env, const std::vector<lob::LevelView>& levels) {
    Napi::Float64Array result = Napi::Float64Array::New(env, levels.size() * 3);
    for (std::size_t i = 0; i < levels.size(); i++) {
      result[i * 3] = to_slot_signed(levels[i].price);
      result[i * 3 + 1] = to_slot_signed(levels[i].quantity);
      result[i * 3 + 2] = levels[i].count;
    }
    return result;
  }

  // depth(symbol, levels): { bids: Float64Array, asks: Float64Array } as (price, quantity, count) triples.
  Napi::Value DepthOf(const Napi::CallbackInfo& info) {
    const lob::SymbolIndex symbol = symbol_arg(info);
    const auto levels_max = static_cast<std::size_t>(integer_arg(info, 1, "levels", 0, kSafeIntegerMaxDouble));
    std::vector<lob::LevelView> bids, asks;
    live(info.Env()).depth(symbol, levels_max, bids, asks);
    Napi::Object result = Napi::Object::New(info.Env());
    result.Set("bids", levels_array(info.Env(), bids));
    result.Set("asks", levels_array(info.Env(), asks));
    return result;
  }

  // snapshot(symbol): Float64Array of (side, price, orderId, owner, clientOrderId, quantity, leaves).
  Napi::Value SnapshotOf(const Napi::CallbackInfo& info) {
    std::vector<lob::OrderView> orders;
    live(info.Env()).snapshot(symbol_arg(info), orders);
    constexpr std::size_t kFields = 7;
    Napi::Float64Array result = Napi::Float64Array::New(info.Env(), orders.size() * kFields);
    double* data = result.Data();
    for (std::size_t i = 0; i < orders.size(); i++) {
      const lob::OrderView& order = orders[i];
      double* row = data + i * kFields;
      row[0] = static_cast<double>(order.side);
      row[1] = to_slot_signed(order.price);
      row[2] = to_slot(order.order_id);
      row[3] = order.owner;
      row[4] = to_slot(order.client_order_id);
      row[5] = to_slot_signed(order.quantity);
      row[6] = to_slot_signed(order.leaves);
    }
    return result;
  }

  Napi::Value Stats(const Napi::CallbackInfo& info) {
    const lob::EngineStats stats = live(info.Env()).stats();
    Napi::Object result = Napi::Object::New(info.Env());
    result.Set("restingOrders", to_slot(stats.resting_orders));
    result.Set("levels", to_slot(stats.levels));
    result.Set("seq", to_slot(stats.seq));
    result.Set("trades", to_slot(stats.trades));
    result.Set("orders", to_slot(stats.orders));
    result.Set("memoryBytes", to_slot(stats.memory_bytes));
    return result;
  }

  Napi::Value StateHash(const Napi::CallbackInfo& info) {
    char text[17];
    std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(live(info.Env()).state_hash()));
    return Napi::String::New(info.Env(), text);
  }

  Napi::Value Validate(const Napi::CallbackInfo& info) { return Napi::String::New(info.Env(), live(info.Env()).validate()); }

  // close(): frees the book's memory now instead of whenever the GC finalizes this wrapper, so a
  // sweep or a benchmark that makes engines one after another reuses the heap the last one faulted
  // in rather than holding several books at once. Any later call throws; closing twice is a no-op.
  Napi::Value Close(const Napi::CallbackInfo& info) {
    engine_.reset();
    std::vector<Command>().swap(batch_);
    std::vector<Report>().swap(command_reports_);
    std::vector<Report>().swap(reports_);
    pending_ = 0;
    return info.Env().Undefined();
  }

  lob::MatchingEngine& live(Napi::Env env) {
    if (!engine_) {
      Napi::Error error = Napi::Error::New(env, "engine: closed (close() was called); create a new Engine");
      error.Set("code", "LOBSIM_ERR_CLOSED");
      throw error;
    }
    return *engine_;
  }

  std::unique_ptr<lob::MatchingEngine> engine_;
  Napi::Reference<Napi::ArrayBuffer> area_;
  Float64Span area_reports_{nullptr, 0};
  Float64Span area_tops_{nullptr, 0};
  std::vector<Command> batch_;
  std::vector<Report> command_reports_;  // One command's reports, reused across calls.
  std::vector<lob::SymbolIndex> touched_;      // Symbols of the batch's reports, first-seen order.
  std::vector<std::uint8_t> touched_flags_;    // touched_flags_[symbol] != 0 while in touched_.
  std::vector<Report> reports_;
  std::size_t pending_ = 0;  // reports_[0, pending_) were copied out.
};

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("NativeEngine", EngineWrap::Define(env));
  Napi::Object layout = Napi::Object::New(env);
  layout.Set("commandSlots", lob::command_slot::count);
  layout.Set("reportSlots", lob::report_slot::count);
  layout.Set("batchCommandsMax", static_cast<double>(kBatchCommandsMax));
  layout.Set("areaReportRecords", static_cast<double>(kAreaReportRecords));
  layout.Set("topSlots", static_cast<double>(kTopSlots));
  exports.Set("layout", layout);
  register_threaded_engine(env, exports);
  return exports;
}

}  // namespace

NODE_API_MODULE(lobsim, Init)
