// Node-API glue of the threaded engine (native/core/threaded_engine.hpp). Glue only: it converts
// and validates JS values, and bridges threads to JS environments:
// - one NativeThreadedEngine handle per JS environment: the creator owns the engine; a worker
//   attaches to it by id (a process-wide registry), since JS objects cannot cross environments;
// - one ThreadSafeFunction per subscription, created in the subscriber's environment, so a worker's
//   reports are delivered on that worker's thread, one JS call per batch;
// - one control ThreadSafeFunction per handle for query replies and close(), referenced only while
//   a request is pending (it does not keep the event loop alive otherwise);
// - an environment cleanup hook per handle: a worker that exits unsubscribes; the owner's
//   environment exiting stops and joins every engine thread.
// Bad input throws a TypeError or RangeError naming the field; C++ exceptions never cross into JS
// unconverted (node_addon_api_except_all: std::exception too).
#include <napi.h>

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "js_values.hpp"
#include "shared_ring.hpp"
#include "threaded_engine.hpp"
#include "threaded_records.hpp"
#include "threaded_routing.hpp"

namespace {

namespace th = lob::threaded;
using namespace lob::js;

// One crossing carries at most this many commands (as the inline addon's run()).
constexpr std::size_t kEnqueueCommandsMax = 1u << 20;
constexpr std::size_t kSnapshotFields = 7;

[[noreturn]] void throw_coded(Napi::Env env, const char* code, const std::string& message) {
  Napi::Error error = Napi::Error::New(env, message);
  error.Set("code", Napi::String::New(env, code));
  throw error;
}

// 0 when the system does not say.
std::uint64_t physical_memory_bytes() {
  const long pages = sysconf(_SC_PHYS_PAGES);
  const long page_bytes = sysconf(_SC_PAGESIZE);
  if (pages <= 0 || page_bytes <= 0) return 0;
  return static_cast<std::uint64_t>(pages) * static_cast<std::uint64_t>(page_bytes);
}

th::ThreadedConfig decode_config(Napi::Env env, Napi::Object options) {
  th::ThreadedConfig config;
  config.instruments = decode_instruments(env, options);
  config.engine = decode_engine_config(env, options);
  config.shards = static_cast<std::uint32_t>(optional_integer(options, "shards", 1, 1, th::kShardsMax));
  config.ingress_commands_max = static_cast<std::uint32_t>(
      optional_integer(options, "ingressCommandsMax", th::kIngressCommandsMaxDefault, 2, th::kQueueCapacityMax));
  config.events_max =
      static_cast<std::uint32_t>(optional_integer(options, "eventsMax", th::kEventsMaxDefault, 2, th::kQueueCapacityMax));
  config.batch_reports_max = static_cast<std::uint32_t>(
      optional_integer(options, "batchReportsMax", th::kBatchReportsMaxDefault, 1, th::kBatchReportsMaxLimit));
  config.batches_in_flight_max = static_cast<std::uint32_t>(optional_integer(
      options, "batchesInFlightMax", th::kBatchesInFlightMaxDefault, 1, th::kBatchesInFlightMaxLimit));
  config.journal_commands_max = static_cast<std::uint64_t>(optional_integer(
      options, "journalCommandsMax", 0, 0, static_cast<double>(th::kJournalCommandsMaxLimit)));
  config.spin_ns = static_cast<std::uint32_t>(optional_integer(options, "spinNs", th::kSpinNsDefault, 0, th::kSpinNsMax));
  const std::string problem = th::validate_threaded_config(config);
  if (!problem.empty()) throw_range(env, problem);
  // Each limit is in range alone, but together they can ask for more memory than the machine has
  // (64 shards of 2^24-command queues: about 64 GiB), which would end in an out-of-memory abort or
  // kill instead of an error.
  const std::uint64_t bytes = std::uint64_t{config.shards} * th::shard_queue_bytes_max(config);
  const std::uint64_t physical = physical_memory_bytes();
  if (physical > 0 && bytes > physical) {
    throw_range(env, "shards, ingressCommandsMax, eventsMax, journalCommandsMax: together they reserve up to " +
                         std::to_string(bytes) + " bytes of queues and journal, more than this machine's " +
                         std::to_string(physical) + " bytes of memory; lower them");
  }
  return config;
}

// ---- the process-wide registry: environments find an engine by id ----

std::mutex registry_mutex;
std::unordered_map<std::uint32_t, std::weak_ptr<th::ThreadedEngine>> registry;  // Guarded by registry_mutex.
std::uint32_t registry_next_id = 1;                                               // Guarded by registry_mutex.

std::uint32_t register_engine(const std::shared_ptr<th::ThreadedEngine>& engine) {
  std::lock_guard<std::mutex> lock(registry_mutex);
  const std::uint32_t id = registry_next_id++;
  registry[id] = engine;
  return id;
}

std::shared_ptr<th::ThreadedEngine> find_engine(std::uint32_t id) {
  std::lock_guard<std::mutex> lock(registry_mutex);
  const auto found = registry.find(id);
  return found == registry.end() ? nullptr : found->second.lock();
}

void forget_engine(std::uint32_t id) {
  std::lock_guard<std::mutex> lock(registry_mutex);
  registry.erase(id);
}

// ---- report delivery: one ThreadSafeFunction per subscription ----

struct SubscriptionContext {
  Napi::Reference<Napi::Float64Array> buffer;  // Reused across batches (JS thread only).
};

// The subscription's reusable Float64Array of at least `slots` doubles, its memory in `data`; null
// when a call failed.
napi_value batch_buffer(napi_env env, SubscriptionContext* context, std::size_t slots, double** data) {
  napi_value array = nullptr;
  if (!context->buffer.IsEmpty()) {  // A strong reference: its value is never collected.
    napi_typedarray_type type;
    std::size_t length = 0;
    void* bytes = nullptr;
    napi_value array_buffer;
    std::size_t offset = 0;
    if (napi_get_reference_value(env, context->buffer, &array) != napi_ok ||
        napi_get_typedarray_info(env, array, &type, &length, &bytes, &array_buffer, &offset) != napi_ok) {
      return nullptr;
    }
    // A handler may have transferred the buffer (detached: length 0), or the batch is larger.
    if (length >= slots && bytes != nullptr) {
      *data = static_cast<double*>(bytes);
      return array;
    }
  }
  const std::size_t length = std::max<std::size_t>(slots, 4096);
  void* bytes = nullptr;
  napi_value array_buffer;
  napi_ref reference;
  if (napi_create_arraybuffer(env, length * sizeof(double), &bytes, &array_buffer) != napi_ok ||
      napi_create_typedarray(env, napi_float64_array, length, array_buffer, 0, &array) != napi_ok ||
      napi_create_reference(env, array, 1, &reference) != napi_ok) {
    return nullptr;
  }
  context->buffer = Napi::Reference<Napi::Float64Array>(env, reference);
  *data = static_cast<double*>(bytes);
  return array;
}

// Raw Node-API calls checked by status, no node-addon-api wrappers: while a worker terminates, or
// the process exits from inside a handler, every call into JS fails, and the wrappers turn such a
// failure into a C++ exception thrown through the function's C callback (std::terminate), or a
// fatal error when the pending exception is not an object. Such a batch is dropped: its
// subscriber's environment is going away.
void deliver_to_js(Napi::Env env, Napi::Function handler, SubscriptionContext* context, th::BatchLease* lease) {
  std::unique_ptr<th::BatchLease> owned(lease);  // Returned to the pool whatever happens.
  if (env == nullptr || handler.IsEmpty()) return;  // The function is being torn down.
  const th::DeliveryBatch& batch = lease->batch();
  const std::size_t slots = static_cast<std::size_t>(batch.count) * batch.record_slots;
  double* data = nullptr;
  napi_value argv[2];
  argv[0] = batch_buffer(env, context, slots, &data);
  if (argv[0] == nullptr || napi_create_double(env, static_cast<double>(batch.count), &argv[1]) != napi_ok) return;
  std::memcpy(data, batch.slots.data(), slots * sizeof(double));
  napi_value receiver;
  napi_value result;
  if (napi_get_undefined(env, &receiver) != napi_ok) return;
  const napi_status status = napi_call_function(env, receiver, handler, 2, argv, &result);
  if (status == napi_ok) return;
  // The JS facade catches per handler; this is the last line. A terminating environment answers
  // napi_pending_exception with no exception pending (undefined): no handler failed there.
  napi_value exception;
  napi_valuetype type = napi_undefined;
  if (status == napi_pending_exception && napi_get_and_clear_last_exception(env, &exception) == napi_ok &&
      napi_typeof(env, exception, &type) == napi_ok && type != napi_undefined) {
    lease->note_handler_error();
  }
}

using ReportTsfn = Napi::TypedThreadSafeFunction<SubscriptionContext, th::BatchLease, deliver_to_js>;

class TsfnSink : public th::Sink {
 public:
  explicit TsfnSink(ReportTsfn tsfn) : tsfn_(tsfn) {}

  void deliver(th::BatchLease lease) override {
    auto* data = new th::BatchLease(std::move(lease));
    std::lock_guard<std::mutex> lock(mutex_);
    if (!open_ || tsfn_.NonBlockingCall(data) != napi_ok) delete data;
  }

  void end() override { release(); }

  // Any thread, idempotent: after this the dispatcher never touches the function again.
  void release() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!open_) return;
    open_ = false;
    tsfn_.Release();
  }

 private:
  std::mutex mutex_;
  ReportTsfn tsfn_;
  bool open_ = true;  // Guarded by mutex_.
};

// ---- control replies: queries and close ----

struct Reply {
  std::uint64_t request;
  std::function<Napi::Value(Napi::Env)> value;  // Built on the JS thread.
};

struct ControlContext;
void reply_to_js(Napi::Env env, Napi::Function, ControlContext* context, Reply* reply);
using ControlTsfn = Napi::TypedThreadSafeFunction<ControlContext, Reply, reply_to_js>;

struct ControlContext {
  std::unordered_map<std::uint64_t, Napi::Promise::Deferred> pending;  // JS thread only.
  ControlTsfn tsfn;  // Referenced (keeps the loop alive) exactly while `pending` is not empty.
};

void reply_to_js(Napi::Env env, Napi::Function, ControlContext* context, Reply* reply) {
  std::unique_ptr<Reply> owned(reply);
  if (env == nullptr) return;
  const auto found = context->pending.find(reply->request);
  if (found == context->pending.end()) return;
  Napi::Promise::Deferred deferred = found->second;
  context->pending.erase(found);
  if (context->pending.empty()) context->tsfn.Unref(env);
  try {
    try {
      deferred.Resolve(reply->value(env));
    } catch (const Napi::Error& error) {
      deferred.Reject(error.Value());
    }
  } catch (...) {
    // Rejecting failed too: the environment is going away (see deliver_to_js), and nothing may
    // leave this C callback as an exception.
  }
}

// Replies are posted from shard and dispatcher threads, possibly after the handle's environment
// released the function: the port turns a late post into a no-op instead of a use after release.
class ControlPort {
 public:
  explicit ControlPort(ControlTsfn tsfn) : tsfn_(tsfn) {}
  void post(std::uint64_t request, std::function<Napi::Value(Napi::Env)> value) {
    auto* reply = new Reply{request, std::move(value)};
    std::lock_guard<std::mutex> lock(mutex_);
    if (!open_ || tsfn_.NonBlockingCall(reply) != napi_ok) delete reply;
  }
  void release() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!open_) return;
    open_ = false;
    tsfn_.Release();
  }

 private:
  std::mutex mutex_;
  ControlTsfn tsfn_;
  bool open_ = true;  // Guarded by mutex_.
};

class ThreadedEngineWrap : public Napi::ObjectWrap<ThreadedEngineWrap> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "NativeThreadedEngine",
                       {
                           InstanceMethod<&ThreadedEngineWrap::Subscribe>("subscribe"),
                           InstanceMethod<&ThreadedEngineWrap::Unsubscribe>("unsubscribe"),
                           InstanceMethod<&ThreadedEngineWrap::AttachRing>("attachRing"),
                           InstanceMethod<&ThreadedEngineWrap::Wake>("wake"),
                           InstanceMethod<&ThreadedEngineWrap::Query>("query"),
                           InstanceMethod<&ThreadedEngineWrap::Stats>("stats"),
                           InstanceMethod<&ThreadedEngineWrap::Close>("close"),
                           InstanceMethod<&ThreadedEngineWrap::Detach>("detach"),
                           InstanceMethod<&ThreadedEngineWrap::ShutdownNow>("shutdownNow"),
                       });
  }

  // new NativeThreadedEngine(options) creates and owns an engine;
  // new NativeThreadedEngine({ attach: id }) attaches this environment to an existing one.
  explicit ThreadedEngineWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<ThreadedEngineWrap>(info) {
    Napi::Env env = info.Env();
    if (info.Length() < 1 || !info[0].IsObject()) throw_type(env, "options: must be an object");
    Napi::Object options = info[0].As<Napi::Object>();
    if (!options.Get("attach").IsUndefined()) {
      id_ = static_cast<std::uint32_t>(config_integer(options, "attach", "", 1, th::kUint32MaxDouble));
      engine_ = find_engine(id_);
      if (!engine_) throw_coded(env, "LOBSIM_ERR_CLOSED", "attach: no running threaded engine has id " + std::to_string(id_) + " (none was made with it, or it is closing or closed)");
    } else {
      th::ThreadedConfig config = decode_config(env, options);
      try {
        engine_ = std::make_shared<th::ThreadedEngine>(std::move(config));
      } catch (const std::bad_alloc&) {
        throw_range(env, "shards, ingressCommandsMax, eventsMax, ordersMax, directLevelsMax: the engine's queues and pools could not be allocated (out of memory or address space); lower them");
      }
      id_ = register_engine(engine_);
      owner_ = true;
    }
    // Plain values on the instance, not prototype getters: a getter called on another object
    // (NativeEngine's, or this class's after close) would read it as this class.
    Napi::Object self = info.This().As<Napi::Object>();
    self.DefineProperty(Napi::PropertyDescriptor::Value("id", Napi::Number::New(env, id_), napi_enumerable));
    self.DefineProperty(Napi::PropertyDescriptor::Value("shards", Napi::Number::New(env, engine_->shards()), napi_enumerable));
    auto* context = new ControlContext();
    control_ = ControlTsfn::New(env, "lobsim.threaded.control", 0, 1, context,
                                [](Napi::Env, void*, ControlContext* finished) { delete finished; });
    context->tsfn = control_;
    control_context_ = context;
    control_.Unref(env);
    port_ = std::make_shared<ControlPort>(control_);
    napi_add_env_cleanup_hook(env, &ThreadedEngineWrap::OnEnvironmentExit, this);
    hook_registered_ = true;
    // Per-call submits cross here once per order.
    bind_own_method<ThreadedEngineWrap, &ThreadedEngineWrap::Enqueue>(env, info.This().As<Napi::Object>(), "enqueue", this);
  }

  ~ThreadedEngineWrap() override {
    if (hook_registered_) napi_remove_env_cleanup_hook(Env(), &ThreadedEngineWrap::OnEnvironmentExit, this);
    Teardown("was destroyed");
  }

 private:
  static void OnEnvironmentExit(void* self) {
    auto* wrap = static_cast<ThreadedEngineWrap*>(self);
    wrap->hook_registered_ = false;
    wrap->Teardown("ended with its thread");
  }

  // Idempotent. Unsubscribes this environment; the owner also stops and joins the engine threads.
  // `why` completes the error of every later call on this handle ("the threaded engine handle ...").
  void Teardown(const char* why) {
    if (torn_down_) return;
    torn_down_ = true;
    ended_because_ = why;
    for (auto& [id, sink] : subscriptions_) {
      engine_->unsubscribe(id);
      sink->release();
    }
    subscriptions_.clear();
    if (owner_) {
      engine_->shutdown_now();
      forget_engine(id_);  // Already forgotten if close() was called: a no-op then.
    }
    port_->release();
    rings_.clear();
  }

  void RequireLive(Napi::Env env) {
    if (torn_down_) throw_coded(env, "LOBSIM_ERR_CLOSED", std::string("the threaded engine handle ") + ended_because_);
  }

  // enqueue(commands: Float64Array, count): number of commands accepted (a prefix); the next one,
  // if any, was BUSY. Every record is validated before any is enqueued.
  Napi::Value Enqueue(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    RequireLive(env);
    const Float64Span records = float64_span_arg(info, 0, "commands");
    const std::size_t available = records.length / lob::command_slot::count;
    const auto count = static_cast<std::size_t>(
        integer_arg(info, 1, "count", 0, static_cast<double>(std::min(available, kEnqueueCommandsMax))));
    const std::uint64_t ts_receive_ns = lob::steady_now_ns();
    scratch_.resize(count);
    const double* data = records.data;
    for (std::size_t i = 0; i < count; i++) {
      const th::FieldError error = th::decode_command_slots(data + i * lob::command_slot::count, scratch_[i]);
      if (error.field != nullptr) {
        checked_integer(env, error.value, "commands[" + std::to_string(i) + "]." + error.field, error.min, error.max);
      }
    }
    bool closed = false;
    const std::size_t accepted = engine_->enqueue_batch(scratch_.data(), count, ts_receive_ns, closed);
    if (closed) throw_coded(env, "LOBSIM_ERR_CLOSED", "the threaded engine is closed");
    return Napi::Number::New(env, static_cast<double>(accepted));
  }

  // subscribe(kind: 'reports' | 'market-data', owners: number[] | null, handler(records, count)): id
  Napi::Value Subscribe(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    RequireLive(env);
    const std::string kind = info.Length() > 0 && info[0].IsString() ? info[0].As<Napi::String>().Utf8Value() : "";
    if (kind != "reports" && kind != "market-data") throw_range(env, "kind: must be one of reports, market-data");
    std::vector<lob::Owner> owners;
    const bool all = info.Length() < 2 || info[1].IsNull() || info[1].IsUndefined();
    if (!all) {
      if (!info[1].IsArray()) throw_type(env, "owners: must be an array of numbers or null");
      Napi::Array list = info[1].As<Napi::Array>();
      for (std::uint32_t i = 0; i < list.Length(); i++) {
        Napi::Value owner = list.Get(i);
        const std::string field = "owners[" + std::to_string(i) + "]";
        if (!owner.IsNumber()) throw_type(env, field + ": must be a number, got " + describe_value(owner));
        owners.push_back(static_cast<lob::Owner>(
            checked_integer(env, owner.As<Napi::Number>().DoubleValue(), field, 0, th::kUint32MaxDouble)));
      }
    }
    if (info.Length() < 3 || !info[2].IsFunction()) throw_type(env, "handler: must be a function");
    auto tsfn = ReportTsfn::New(env, info[2].As<Napi::Function>(), "lobsim.threaded.reports", 0, 1,
                                new SubscriptionContext(),
                                [](Napi::Env, void*, SubscriptionContext* context) { delete context; });
    auto sink = std::make_shared<TsfnSink>(tsfn);
    std::string error;
    const auto stream = kind == "reports" ? th::StreamKind::Reports : th::StreamKind::MarketData;
    const std::uint64_t id = engine_->subscribe(sink, stream, owners, all, error);
    if (id == 0) {
      sink->release();
      if (error == "the engine is closed") throw_coded(env, "LOBSIM_ERR_CLOSED", "the threaded engine is closed");
      throw_range(env, error);
    }
    subscriptions_[id] = sink;
    return Napi::Number::New(env, static_cast<double>(id));
  }

  Napi::Value Unsubscribe(const Napi::CallbackInfo& info) {
    const auto id = static_cast<std::uint64_t>(integer_arg(info, 0, "subscription", 1, th::kSafeIntegerMaxDouble));
    const auto found = subscriptions_.find(id);
    if (found == subscriptions_.end()) return Napi::Boolean::New(info.Env(), false);
    engine_->unsubscribe(id);
    found->second->release();
    subscriptions_.erase(found);
    return Napi::Boolean::New(info.Env(), true);
  }

  // attachRing(shard, view: Int32Array over a SharedArrayBuffer, capacity): the owner keeps the
  // buffer referenced until the engine threads are joined.
  Napi::Value AttachRing(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    RequireLive(env);
    if (!owner_) throw_coded(env, "LOBSIM_ERR_USAGE", "attachRing: only the engine's owner attaches rings");
    const auto shard = static_cast<std::uint32_t>(integer_arg(info, 0, "shard", 0, engine_->shards() - 1.0));
    if (info.Length() < 2 || !info[1].IsTypedArray()) throw_type(env, "ring: must be an Int32Array over a SharedArrayBuffer");
    const auto capacity = static_cast<std::uint32_t>(integer_arg(
        info, 2, "capacity", th::ring_layout::capacity_min, th::ring_layout::capacity_max));
    if ((capacity & (capacity - 1)) != 0) throw_range(env, "capacity: must be a power of two, got " + std::to_string(capacity));
    napi_typedarray_type type;
    size_t length = 0;
    void* data = nullptr;
    napi_value buffer;
    size_t offset = 0;
    NAPI_THROW_IF_FAILED(env, napi_get_typedarray_info(env, info[1], &type, &length, &data, &buffer, &offset), Napi::Value());
    if (type != napi_int32_array) throw_type(env, "ring: must be an Int32Array over a SharedArrayBuffer");
    // The shard thread keeps a raw pointer into the buffer: an ArrayBuffer can be detached
    // (transferred) or resized under it, a SharedArrayBuffer can do neither (it only grows).
    // A typed array's buffer is one or the other, and napi_is_arraybuffer cannot be fooled by a
    // prototype as instanceof can.
    bool over_array_buffer = true;
    NAPI_THROW_IF_FAILED(env, napi_is_arraybuffer(env, buffer, &over_array_buffer), Napi::Value());
    if (over_array_buffer) throw_type(env, "ring: must be an Int32Array over a SharedArrayBuffer, got one over an ArrayBuffer");
    const std::size_t bytes = length * sizeof(std::int32_t);
    if (bytes < th::ring_layout::bytes_for(capacity) || reinterpret_cast<std::uintptr_t>(data) % 8 != 0) {
      throw_range(env, "ring: must span " + std::to_string(th::ring_layout::bytes_for(capacity)) +
                           " bytes at an 8-byte aligned offset, got " + std::to_string(bytes));
    }
    auto* header = static_cast<std::int32_t*>(data);
    header[th::ring_layout::capacity_byte / 4] = static_cast<std::int32_t>(capacity);
    rings_.push_back(Napi::Persistent(info[1].As<Napi::Object>()));
    engine_->attach_ring(shard, std::make_shared<th::SharedRing>(data, capacity));
    return env.Undefined();
  }

  Napi::Value Wake(const Napi::CallbackInfo& info) {
    const auto shard = static_cast<std::uint32_t>(integer_arg(info, 0, "shard", 0, engine_->shards() - 1.0));
    engine_->wake(shard);
    return info.Env().Undefined();
  }

  // query(kind, shard, symbol?): Promise. kinds: 'snapshot' (symbol: global index) -> { seq, bbo,
  // orders }, 'hash' -> string, 'journal' -> Float64Array of command records (local terms),
  // 'validate' -> string ("" when every invariant holds). Answered by the shard thread between
  // two commands, so it never sees a half-applied command.
  Napi::Value Query(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    RequireLive(env);
    const std::string kind = info.Length() > 0 && info[0].IsString() ? info[0].As<Napi::String>().Utf8Value() : "";
    th::ShardTask task;
    std::uint32_t shard = 0;
    const std::uint64_t request = next_request_++;
    std::shared_ptr<ControlPort> port = port_;
    auto post = [port](std::uint64_t id, std::function<Napi::Value(Napi::Env)> value) {
      port->post(id, std::move(value));
    };
    if (kind == "snapshot") {
      const double last = static_cast<double>(engine_->config().instruments.size()) - 1;
      const auto symbol = static_cast<std::uint32_t>(integer_arg(info, 1, "symbol", 0, last));
      shard = th::shard_of_symbol(symbol, engine_->shards());
      const std::uint32_t local = th::local_symbol(symbol, engine_->shards());
      const std::uint32_t shards = engine_->shards();
      task = [post, request, local, shard, shards](const th::ShardContext& context) mutable {
        auto orders = std::make_shared<std::vector<lob::OrderView>>();
        context.engine.snapshot(local, *orders);
        const lob::Bbo bbo = context.engine.bbo(local);
        const std::uint64_t seq = th::global_id(context.engine.stats().seq, shard, shards);
        post(request, [orders, bbo, seq, shard, shards](Napi::Env env) -> Napi::Value {
          return snapshot_value(env, *orders, bbo, seq, shard, shards);
        });
      };
    } else if (kind == "hash" || kind == "journal" || kind == "validate") {
      shard = static_cast<std::uint32_t>(integer_arg(info, 1, "shard", 0, engine_->shards() - 1.0));
      task = shard_task(kind, request, post);
    } else {
      throw_range(env, "kind: must be one of snapshot, hash, journal, validate");
    }
    return Track(env, request, [&] { engine_->query(shard, std::move(task)); });
  }

  template <class Post>
  static th::ShardTask shard_task(const std::string& kind, std::uint64_t request, Post post) {
    if (kind == "hash") {
      return [post, request](const th::ShardContext& context) mutable {
        char text[17];
        std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(context.engine.state_hash()));
        std::string hash(text);
        post(request, [hash](Napi::Env env) -> Napi::Value { return Napi::String::New(env, hash); });
      };
    }
    if (kind == "validate") {
      return [post, request](const th::ShardContext& context) mutable {
        std::string problem = context.engine.validate();
        post(request, [problem](Napi::Env env) -> Napi::Value { return Napi::String::New(env, problem); });
      };
    }
    return [post, request](const th::ShardContext& context) mutable {
      auto records = std::make_shared<std::vector<double>>(context.journal.size() * lob::command_slot::count);
      for (std::size_t i = 0; i < context.journal.size(); i++) {
        th::encode_command_slots(context.journal[i], records->data() + i * lob::command_slot::count);
      }
      const bool truncated = context.journal_truncated;
      post(request, [records, truncated](Napi::Env env) -> Napi::Value {
        Napi::Object result = Napi::Object::New(env);
        Napi::Float64Array array = Napi::Float64Array::New(env, records->size());
        std::memcpy(array.Data(), records->data(), records->size() * sizeof(double));
        result.Set("records", array);
        result.Set("truncated", truncated);
        return result;
      });
    };
  }

  static Napi::Value snapshot_value(Napi::Env env, const std::vector<lob::OrderView>& orders, const lob::Bbo& bbo,
                                    std::uint64_t seq, std::uint32_t shard, std::uint32_t shards) {
    Napi::Object result = Napi::Object::New(env);
    result.Set("seq", static_cast<double>(seq));
    Napi::Float64Array best = Napi::Float64Array::New(env, 6);
    const double fields[6] = {static_cast<double>(bbo.bid.price), static_cast<double>(bbo.bid.quantity),
                              static_cast<double>(bbo.bid.count), static_cast<double>(bbo.ask.price),
                              static_cast<double>(bbo.ask.quantity), static_cast<double>(bbo.ask.count)};
    std::memcpy(best.Data(), fields, sizeof fields);
    result.Set("bbo", best);
    Napi::Float64Array rows = Napi::Float64Array::New(env, orders.size() * kSnapshotFields);
    double* row = rows.Data();
    for (const lob::OrderView& order : orders) {
      row[0] = static_cast<double>(order.side);
      row[1] = static_cast<double>(order.price);
      row[2] = static_cast<double>(th::global_id(order.order_id, shard, shards));
      row[3] = order.owner;
      row[4] = static_cast<double>(order.client_order_id);
      row[5] = static_cast<double>(order.quantity);
      row[6] = static_cast<double>(order.leaves);
      row += kSnapshotFields;
    }
    result.Set("orders", rows);
    return result;
  }

  // Registers a pending promise (keeping the event loop alive until its reply), then starts it.
  template <class Start>
  Napi::Value Track(Napi::Env env, std::uint64_t request, Start&& start) {
    Napi::Promise::Deferred deferred = Napi::Promise::Deferred::New(env);
    if (control_context_->pending.empty()) control_.Ref(env);
    control_context_->pending.emplace(request, deferred);
    start();
    return deferred.Promise();
  }

  Napi::Value Stats(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    const th::ThreadedStats stats = engine_->stats();
    Napi::Object result = Napi::Object::New(env);
    Napi::Array shards = Napi::Array::New(env, stats.shards.size());
    for (std::size_t i = 0; i < stats.shards.size(); i++) {
      const th::ShardStats& s = stats.shards[i];
      Napi::Object shard = Napi::Object::New(env);
      shard.Set("ingressDepth", static_cast<double>(s.ingress_depth));
      shard.Set("ingressHighWater", static_cast<double>(s.ingress_high_water));
      shard.Set("eventsDepth", static_cast<double>(s.events_depth));
      shard.Set("eventsHighWater", static_cast<double>(s.events_high_water));
      shard.Set("commands", static_cast<double>(s.commands));
      shard.Set("reports", static_cast<double>(s.reports));
      shard.Set("busy", static_cast<double>(s.busy));
      shard.Set("journalCommands", static_cast<double>(s.journal_commands));
      shard.Set("journalTruncated", s.journal_truncated);
      shard.Set("ringRecords", static_cast<double>(s.ring_records));
      shard.Set("ringRecordsInvalid", static_cast<double>(s.ring_records_invalid));
      shard.Set("ringsBroken", static_cast<double>(s.rings_broken));
      shards.Set(static_cast<std::uint32_t>(i), shard);
    }
    result.Set("shards", shards);
    result.Set("reportsDelivered", static_cast<double>(stats.reports_delivered));
    result.Set("reportsUnrouted", static_cast<double>(stats.reports_unrouted));
    result.Set("batchesDelivered", static_cast<double>(stats.batches_delivered));
    result.Set("marketDataDelivered", static_cast<double>(stats.market_data_delivered));
    result.Set("handlerErrors", static_cast<double>(stats.handler_errors));
    result.Set("batchesInFlight", static_cast<double>(stats.batches_in_flight));
    result.Set("helpedPasses", static_cast<double>(stats.helped_passes));
    result.Set("subscribers", static_cast<double>(stats.subscribers));
    result.Set("accepting", engine_->accepting());
    return result;
  }

  // close(): Promise<void>, owner only. Resolves once every accepted command's reports were
  // delivered to (and returned by) their subscribers and every engine thread was joined.
  Napi::Value Close(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    RequireLive(env);
    if (!owner_) throw_coded(env, "LOBSIM_ERR_USAGE", "close: only the engine's owner closes it; workers call detach()");
    if (close_requested_) throw_coded(env, "LOBSIM_ERR_CLOSED", "close: already requested");
    close_requested_ = true;
    // A closing engine takes no new handles: attach(id) from now on is LOBSIM_ERR_CLOSED, as for
    // an id that never ran. Handles already attached keep working until they detach.
    forget_engine(id_);
    const std::uint64_t request = next_request_++;
    close_request_ = request;
    std::shared_ptr<ControlPort> port = port_;
    // Weak: the reply must neither keep the engine alive nor be its last owner (its destructor
    // joins the dispatcher, which would then join itself).
    std::weak_ptr<th::ThreadedEngine> engine = engine_;
    return Track(env, request, [&] {
      engine_->close([port, request, engine] {
        port->post(request, [engine](Napi::Env env) -> Napi::Value {
          if (auto alive = engine.lock()) alive->join();
          return env.Undefined();
        });
      });
    });
  }

  // detach(): this environment stops using the engine (unsubscribes). Workers call it before they
  // exit; the cleanup hook does it anyway.
  Napi::Value Detach(const Napi::CallbackInfo& info) {
    if (owner_) throw_coded(info.Env(), "LOBSIM_ERR_USAGE", "detach: the owner closes the engine instead");
    SettlePending(info.Env());
    Teardown("was detached (detach())");
    return info.Env().Undefined();
  }

  // shutdownNow(): owner only; stops at once, drops undelivered work, joins every thread.
  Napi::Value ShutdownNow(const Napi::CallbackInfo& info) {
    if (!owner_) throw_coded(info.Env(), "LOBSIM_ERR_USAGE", "shutdownNow: only the engine's owner stops it");
    SettlePending(info.Env());
    Teardown("was shut down (shutdownNow())");
    return info.Env().Undefined();
  }

  // shutdownNow() and detach() end the handle's replies, so the ones still awaited are settled here,
  // on the JS thread, before the control function is released: none is left pending for good.
  // close() resolves (the engine has stopped; what shutdownNow dropped is not delivered), a query
  // rejects LOBSIM_ERR_CLOSED. A reply already on its way finds no request and is dropped.
  void SettlePending(Napi::Env env) {
    if (torn_down_ || control_context_->pending.empty()) return;
    std::unordered_map<std::uint64_t, Napi::Promise::Deferred> pending;
    pending.swap(control_context_->pending);
    control_.Unref(env);
    for (auto& [request, deferred] : pending) {
      if (request == close_request_) {
        deferred.Resolve(env.Undefined());
        continue;
      }
      Napi::Error error = Napi::Error::New(env, "the threaded engine stopped before it answered");
      error.Set("code", Napi::String::New(env, "LOBSIM_ERR_CLOSED"));
      deferred.Reject(error.Value());
    }
  }

  std::shared_ptr<th::ThreadedEngine> engine_;
  std::uint32_t id_ = 0;
  bool owner_ = false;
  bool torn_down_ = false;
  const char* ended_because_ = "";  // Set with torn_down_: how the handle ended, for its errors.
  bool hook_registered_ = false;
  bool close_requested_ = false;
  std::uint64_t close_request_ = 0;  // The request close() awaits; 0 before close().
  ControlTsfn control_;
  ControlContext* control_context_ = nullptr;  // Owned by control_ (deleted by its finalizer).
  std::shared_ptr<ControlPort> port_;
  std::uint64_t next_request_ = 1;
  std::unordered_map<std::uint64_t, std::shared_ptr<TsfnSink>> subscriptions_;
  std::vector<Napi::Reference<Napi::Object>> rings_;
  std::vector<lob::Command> scratch_;
};

}  // namespace

void register_threaded_engine(Napi::Env env, Napi::Object exports) {
  exports.Set("NativeThreadedEngine", ThreadedEngineWrap::Define(env));
  Napi::Object layout = Napi::Object::New(env);
  layout.Set("ringHeaderBytes", static_cast<double>(th::ring_layout::header_bytes));
  layout.Set("ringHeadByte", static_cast<double>(th::ring_layout::head_byte));
  layout.Set("ringWriterByte", static_cast<double>(th::ring_layout::writer_byte));
  layout.Set("ringTailByte", static_cast<double>(th::ring_layout::tail_byte));
  layout.Set("ringSleepingByte", static_cast<double>(th::ring_layout::sleeping_byte));
  layout.Set("ringClosedByte", static_cast<double>(th::ring_layout::closed_byte));
  layout.Set("ringCapacityMin", static_cast<double>(th::ring_layout::capacity_min));
  layout.Set("ringCapacityMax", static_cast<double>(th::ring_layout::capacity_max));
  layout.Set("bboSlots", static_cast<double>(th::bbo_slot::count));
  layout.Set("enqueueCommandsMax", static_cast<double>(kEnqueueCommandsMax));
  exports.Set("threadedLayout", layout);
}
