// Reading JS values at the Node-API boundary, shared by the inline and threaded addons: every
// value is checked before the core sees it, and a bad one throws a TypeError or RangeError whose
// message names the field and the allowed range. Field names are built only on failure.
#pragma once

#include <napi.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "matching_engine.hpp"
#include "protocol.hpp"

namespace lob::js {

constexpr double kSafeIntegerMaxDouble = static_cast<double>(kSafeIntegerMax);
constexpr double kUint32MaxDouble = 4294967295.0;

inline std::string describe(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "Infinity" : "-Infinity";
  char text[64];
  std::snprintf(text, sizeof text, "%.17g", value);
  return text;
}

// Range first (NaN and the infinities fail it), so the conversion below is defined. Cheaper than
// std::trunc, which is a libm call on baseline x86-64 and ran nine times per command in batches.
inline bool is_safe_integer(double value) {
  return value >= -kSafeIntegerMaxDouble && value <= kSafeIntegerMaxDouble &&
         value == static_cast<double>(static_cast<std::int64_t>(value));
}

[[noreturn]] inline void throw_range(Napi::Env env, const std::string& message) { throw Napi::RangeError::New(env, message); }
[[noreturn]] inline void throw_type(Napi::Env env, const std::string& message) { throw Napi::TypeError::New(env, message); }

// A safe integer in [min, max]; `field` names it in the error message.
inline std::int64_t checked_integer(Napi::Env env, double value, const std::string& field, double min, double max) {
  if (!is_safe_integer(value) || value < min || value > max) {
    throw_range(env, field + ": must be an integer in [" + describe(min) + ", " + describe(max) + "], got " + describe(value));
  }
  return static_cast<std::int64_t>(value);
}

// How a JS value that is not what a field holds is shown in its error, as engine/options.ts show()
// shows one: strings quoted (and cut), bigints with their n, objects and arrays by kind.
inline std::string describe_value(Napi::Value value) {
  constexpr std::size_t kShownCharsMax = 40;
  if (value.IsUndefined()) return "undefined";
  if (value.IsNull()) return "null";
  if (value.IsBoolean()) return value.As<Napi::Boolean>().Value() ? "true" : "false";
  if (value.IsNumber()) return describe(value.As<Napi::Number>().DoubleValue());
  if (value.IsString()) {
    std::string text = value.As<Napi::String>().Utf8Value();
    const bool cut = text.size() > kShownCharsMax;
    if (cut) {
      std::size_t end = kShownCharsMax;
      while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) end--;  // Not inside a UTF-8 sequence.
      text.resize(end);
    }
    std::string quoted = "\"";
    for (const char c : text) quoted += (c == '"' || c == '\\') ? std::string("\\") + c : std::string(1, c);
    return quoted + (cut ? "...\"" : "\"");
  }
  if (value.IsBigInt()) {
    napi_value text = nullptr;
    if (napi_coerce_to_string(value.Env(), value, &text) == napi_ok) return Napi::String(value.Env(), text).Utf8Value() + "n";
    return "a bigint";
  }
  if (value.IsArray()) return "an array";
  if (value.IsFunction()) return "a function";
  if (value.IsSymbol()) return "a symbol";
  return "an object";
}

[[noreturn, gnu::cold]] inline void throw_not_number(const Napi::CallbackInfo& info, std::size_t index, const char* field) {
  const std::string shown = info.Length() <= index ? "undefined" : describe_value(info[index]);
  throw_type(info.Env(), std::string(field) + ": must be a number, got " + shown);
}

// Arguments are read with one raw Node-API call each: the node-addon-api spelling (IsNumber, then
// As<Number>().DoubleValue()) makes two or three, and a one-command run() is mostly this overhead.
inline std::int64_t integer_arg(const Napi::CallbackInfo& info, std::size_t index, const char* field, double min, double max) {
  double value = 0;
  if (info.Length() <= index || napi_get_value_double(info.Env(), info[index], &value) != napi_ok) {
    throw_not_number(info, index, field);
  }
  return checked_integer(info.Env(), value, field, min, max);
}

// Defines `name` as an own property of `self`: a function whose data is `object`. A hot method
// reached this way skips napi_unwrap, the private-property lookup an instance method makes on every
// call (a tenth of a one-command call, measured). The function holds `self` through a property JS
// can neither delete nor change (non-writable, non-configurable), so it cannot outlive the object
// its data points to; the cycle is collected whole.
template <class T, Napi::Value (T::*Method)(const Napi::CallbackInfo&)>
void bind_own_method(Napi::Env env, Napi::Object self, const char* name, T* object) {
  Napi::Function function = Napi::Function::New(
      env, [](const Napi::CallbackInfo& info) { return (static_cast<T*>(info.Data())->*Method)(info); }, name, object);
  function.DefineProperty(Napi::PropertyDescriptor::Value(Napi::Symbol::New(env, "lobsim.owner"), self, napi_default));
  self.DefineProperty(Napi::PropertyDescriptor::Value(name, function, napi_default));
}

// A boolean argument (strictly: no truthiness).
inline bool boolean_arg(const Napi::CallbackInfo& info, std::size_t index, const char* field) {
  bool value = false;
  if (info.Length() <= index || napi_get_value_bool(info.Env(), info[index], &value) != napi_ok) {
    throw_type(info.Env(), std::string(field) + ": must be a boolean");
  }
  return value;
}

// The memory of a Float64Array argument, valid during the call.
struct Float64Span {
  double* data;
  std::size_t length;  // Elements.
};

// One napi_get_typedarray_info call. Through node-addon-api (IsTypedArray, TypedArrayType,
// As<Float64Array>) it took three, each walking V8's chain of typed-array type checks: a quarter
// of the cost of a one-command run(), measured.
inline Float64Span float64_span_arg(const Napi::CallbackInfo& info, std::size_t index, const char* field) {
  napi_typedarray_type type = napi_int8_array;
  std::size_t length = 0;
  void* data = nullptr;
  if (info.Length() <= index ||
      napi_get_typedarray_info(info.Env(), info[index], &type, &length, &data, nullptr, nullptr) != napi_ok ||
      type != napi_float64_array) {
    throw_type(info.Env(), std::string(field) + ": must be a Float64Array");
  }
  return Float64Span{static_cast<double*>(data), length};
}

// An integer property of a config object; the message names the JS path.
inline std::int64_t config_integer(Napi::Object object, const char* key, const std::string& path, double min, double max) {
  Napi::Value value = object.Get(key);
  if (!value.IsNumber()) throw_type(object.Env(), path + key + ": must be a number, got " + describe_value(value));
  return checked_integer(object.Env(), value.As<Napi::Number>().DoubleValue(), path + key, min, max);
}

inline std::int64_t optional_integer(Napi::Object object, const char* key, std::int64_t fallback, double min, double max) {
  if (object.Get(key).IsUndefined()) return fallback;
  return config_integer(object, key, "", min, max);
}

inline InstrumentConfig decode_instrument(Napi::Object object, std::size_t index) {
  const std::string path = "instruments[" + std::to_string(index) + "].";
  Napi::Value symbol = object.Get("symbol");
  if (!symbol.IsString()) throw_type(object.Env(), path + "symbol: must be a string");
  InstrumentConfig instrument;
  instrument.symbol = symbol.As<Napi::String>().Utf8Value();
  instrument.tick_size = config_integer(object, "tickSize", path, 1, kSafeIntegerMaxDouble);
  instrument.lot_size = config_integer(object, "lotSize", path, 1, kUint32MaxDouble);
  instrument.max_order_quantity = config_integer(object, "maxOrderQuantity", path, 1, kUint32MaxDouble);
  instrument.reference_price = config_integer(object, "referencePrice", path, 1, kSafeIntegerMaxDouble);
  instrument.band_bps = config_integer(object, "bandBps", path, 1, static_cast<double>(kBandBpsMax));
  return instrument;
}

inline StpMode decode_stp(Napi::Env env, Napi::Value value) {
  if (value.IsUndefined()) return StpMode::Off;
  const std::string name = value.IsString() ? value.As<Napi::String>().Utf8Value() : "";
  if (name == "off") return StpMode::Off;
  if (name == "cancel-incoming") return StpMode::CancelIncoming;
  if (name == "cancel-resting") return StpMode::CancelResting;
  throw_range(env, "stp: must be one of off, cancel-incoming, cancel-resting");
}

// options.instruments: 1 to kInstrumentsMax instrument objects.
inline std::vector<InstrumentConfig> decode_instruments(Napi::Env env, Napi::Object options) {
  Napi::Value list = options.Get("instruments");
  if (!list.IsArray()) throw_type(env, "instruments: must be an array");
  Napi::Array array = list.As<Napi::Array>();
  if (array.Length() < 1 || array.Length() > kInstrumentsMax) {
    throw_range(env, "instruments: must hold 1 to " + std::to_string(kInstrumentsMax) + " instruments, got " +
                         std::to_string(array.Length()));
  }
  std::vector<InstrumentConfig> instruments;
  instruments.reserve(array.Length());
  for (std::uint32_t i = 0; i < array.Length(); i++) {
    Napi::Value item = array.Get(i);
    if (!item.IsObject()) throw_type(env, "instruments[" + std::to_string(i) + "]: must be an object");
    instruments.push_back(decode_instrument(item.As<Napi::Object>(), i));
  }
  return instruments;
}

// options.stp, options.ordersMax and options.directLevelsMax (the engine options both engines share).
inline EngineConfig decode_engine_config(Napi::Env env, Napi::Object options) {
  EngineConfig config;
  config.stp = decode_stp(env, options.Get("stp"));
  config.orders_max = static_cast<std::uint32_t>(optional_integer(options, "ordersMax", kOrdersMaxDefault, 1, kOrdersMaxLimit));
  config.direct_levels_max = static_cast<std::uint32_t>(
      optional_integer(options, "directLevelsMax", lob::kDirectLevelsMaxDefault, 0, lob::kDirectLevelsMaxLimit));
  return config;
}

}  // namespace lob::js
