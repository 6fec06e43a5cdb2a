// Native half of `npm run bench:book` (bench/book-bench.ts builds and runs it).
//
//   book_bench <stream.f64> [--reps N] [--memory-orders N] [--warmup N] [--breakdown]
//              [--engine both|native|textbook|textbook-structures|floor|memory]
//
// Reads a command stream (raw little-endian float64 records, engine/protocol.ts layout, written by
// bench/book-stream.ts), replays it through (a) lob::MatchingEngine and (b) the textbook book of
// textbook_book.hpp (doing the core's work: validation, reports; textbook-structures: its data
// structures alone), `reps` times each on a fresh book, and prints one JSON object: median and best
// ops/s, trades and filled quantity of each, and the core's memory per resting order measured on a
// separate book of `memory-orders` non-crossing orders.
//
// --engine native --breakdown times every command of one run after the warm-up and prints where the
// core's time goes by command outcome (breakdown_native below) instead of ops/s.
//
// --engine floor runs (c) the floor book of floor_book.hpp instead: the leanest book for this
// stream alone, writing the same reports (see there).
//
// --engine native|textbook|textbook-structures|floor runs one engine only, `warmup` runs unmeasured first
// (default 1: a process's first run also pays for faulting in its heap and page tables), and prints
// its ops/s per measured run and its outcome; --engine memory only measures memory.
// bench/book-bench.ts runs the engines in separate processes that way: in one process each engine
// ran on the heap the other left behind (the textbook book measured 15% faster after a run of the
// core than alone, and 15% slower after a variant of the core that mapped its own memory), so a
// figure depended on which engine ran before it.
//
// All are timed on decoded commands (decoding is not matching), construction and destruction
// outside the clock. The core and the textbook validate each command and write the same execution
// reports, which the timed loop consumes the way a consumer would: one trade per new trade id (the
// taker's fill report comes first and carries the filled quantity). An unmeasured run (the first
// warm-up, or one of its own with --warmup 0) also folds every report into report_digest, so the
// two books are checked to write the same report stream, not only the same totals.
#include <algorithm>
#include <charconv>
#include <chrono>
#include <climits>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include <malloc.h>
#include <unistd.h>
#if defined(__x86_64__)
#include <x86intrin.h>
#endif

#include "floor_book.hpp"
#include "matching_engine.hpp"
#include "protocol.hpp"
#include "textbook_book.hpp"

namespace {

using lob::Command;

constexpr std::uint64_t kDigestEmpty = 0xcbf29ce484222325ull;  // FNV-1a 64 offset basis.
constexpr std::uint64_t kDigestPrime = 0x100000001b3ull;

struct Options {
  std::string file;
  int reps = 5;
  std::uint64_t memory_orders = 1'000'000;
  std::string engine = "both";
  int warmup = 1;  // --engine native|textbook|textbook-structures|floor only.
  bool breakdown = false;  // --engine native only.
};

struct Outcome {
  double seconds = 0;
  std::uint64_t report_digest = kDigestEmpty;
  std::uint64_t trades = 0;
  std::uint64_t filled_quantity = 0;
  std::uint64_t resting = 0;
  std::uint64_t rejected = 0;
};

[[noreturn]] void fail(const std::string& message) {
  std::fprintf(stderr, "book_bench: %s\n", message.c_str());
  std::exit(2);
}

constexpr const char* kUsage =
    "usage: book_bench <stream.f64> [--reps N] [--memory-orders N] [--warmup N] [--breakdown]\n"
    "                  [--engine both|native|textbook|textbook-structures|floor|memory]";

// The memory test's book holds this many orders at most (its pool is sized for them).
constexpr long long kMemoryOrdersMax = 100'000'000;

// The whole of `text` as an integer in [min, max], or the bench stops naming the option.
long long integer_arg(const std::string& name, const char* text, long long min, long long max) {
  long long value = 0;
  const char* end = text + std::strlen(text);
  const auto [stop, error] = std::from_chars(text, end, value);
  if (error != std::errc() || stop != end || end == text || value < min || value > max) {
    fail(name + ": must be an integer in [" + std::to_string(min) + ", " + std::to_string(max) + "], got \"" + text + "\"");
  }
  return value;
}

Options parse_options(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; i++) {
    const std::string arg = argv[i];
    if (arg == "--engine" && i + 1 < argc) {
      options.engine = argv[++i];
      if (options.engine != "both" && options.engine != "native" && options.engine != "textbook" &&
          options.engine != "textbook-structures" && options.engine != "floor" && options.engine != "memory") {
        fail("--engine: must be one of both, native, textbook, textbook-structures, floor, memory");
      }
    } else if (arg == "--breakdown") {
      options.breakdown = true;
    } else if (arg == "--warmup" && i + 1 < argc) {
      options.warmup = static_cast<int>(integer_arg(arg, argv[++i], 0, 100));
    } else if (arg == "--reps" && i + 1 < argc) {
      options.reps = static_cast<int>(integer_arg(arg, argv[++i], 1, 100));
    } else if (arg == "--memory-orders" && i + 1 < argc) {
      options.memory_orders = static_cast<std::uint64_t>(integer_arg(arg, argv[++i], 1, kMemoryOrdersMax));
    } else if (options.file.empty() && arg.rfind("--", 0) != 0) {
      options.file = arg;
    } else {
      fail(kUsage);
    }
  }
  if (options.file.empty()) fail(kUsage);
  if (options.breakdown && options.engine != "native") fail("--breakdown: needs --engine native");
  return options;
}

// Mirrors BENCH_ENGINE_OPTIONS in bench/book-stream.ts.
std::vector<lob::InstrumentConfig> bench_instruments() {
  lob::InstrumentConfig instrument;
  instrument.symbol = "BENCH";
  instrument.tick_size = 1;
  instrument.lot_size = 1;
  instrument.max_order_quantity = 10'000'000;
  instrument.reference_price = 10'000;
  instrument.band_bps = 5'000;
  return {instrument};
}

std::vector<Command> read_commands(const std::string& file) {
  std::ifstream in(file, std::ios::binary | std::ios::ate);
  if (!in) fail("cannot open " + file);
  const std::streamsize bytes = in.tellg();
  constexpr std::size_t record_bytes = lob::command_slot::count * sizeof(double);
  if (bytes <= 0 || static_cast<std::size_t>(bytes) % record_bytes != 0) fail(file + ": not a whole number of command records");
  std::vector<double> slots(static_cast<std::size_t>(bytes) / sizeof(double));
  in.seekg(0);
  in.read(reinterpret_cast<char*>(slots.data()), bytes);
  std::vector<Command> commands(slots.size() / lob::command_slot::count);
  for (std::size_t i = 0; i < commands.size(); i++) {
    namespace slot = lob::command_slot;
    const double* r = slots.data() + i * slot::count;
    commands[i] = Command{static_cast<lob::Action>(r[slot::action]),    static_cast<lob::Side>(r[slot::side]),
                          static_cast<lob::OrderType>(r[slot::type]),   static_cast<lob::SymbolIndex>(r[slot::symbol]),
                          static_cast<lob::Owner>(r[slot::owner]),      static_cast<std::uint64_t>(r[slot::client_order_id]),
                          static_cast<lob::OrderId>(r[slot::order_id]), static_cast<lob::Price>(r[slot::price]),
                          static_cast<lob::Quantity>(r[slot::quantity])};
  }
  return commands;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Counts the trades of one command's reports; `last_trade` carries across commands.
void count_fills(const std::vector<lob::Report>& reports, std::uint64_t& last_trade, Outcome& outcome) {
  for (const lob::Report& report : reports) {
    if (report.kind == lob::ExecKind::Rejected) outcome.rejected++;
    const bool fill = report.kind == lob::ExecKind::Filled || report.kind == lob::ExecKind::PartiallyFilled;
    if (!fill || report.trade_id == last_trade) continue;
    last_trade = report.trade_id;
    outcome.trades++;
    outcome.filled_quantity += static_cast<std::uint64_t>(report.last_quantity);
  }
}

// FNV-1a 64 over 64-bit words: every field of every report, in order (timestamps are 0 inline).
void fold_reports(const std::vector<lob::Report>& reports, std::uint64_t& digest) {
  for (const lob::Report& report : reports) {
    const std::uint64_t fields[] = {
        report.seq, static_cast<std::uint64_t>(report.kind), static_cast<std::uint64_t>(report.reason),
        static_cast<std::uint64_t>(report.side), report.symbol, report.owner, report.order_id, report.client_order_id,
        static_cast<std::uint64_t>(report.price), static_cast<std::uint64_t>(report.quantity),
        static_cast<std::uint64_t>(report.last_quantity), static_cast<std::uint64_t>(report.last_price),
        static_cast<std::uint64_t>(report.cum_quantity), static_cast<std::uint64_t>(report.leaves_quantity),
        report.trade_id, report.ts_receive_ns, report.ts_match_ns, report.ts_dispatch_ns};
    for (const std::uint64_t field : fields) digest = (digest ^ field) * kDigestPrime;
  }
}

// The timed loop of every engine: each command, then its reports consumed as a consumer would (and,
// in an unmeasured run, folded into the digest). Construction and destruction stay outside it.
template <class Book>
Outcome replay(Book& book, const std::vector<Command>& commands, bool digest) {
  std::vector<lob::Report> reports;
  Outcome outcome;
  std::uint64_t last_trade = 0;
  const auto start = std::chrono::steady_clock::now();
  for (const Command& command : commands) {
    reports.clear();
    book.execute(command, reports);
    count_fills(reports, last_trade, outcome);
    if (digest) fold_reports(reports, outcome.report_digest);
  }
  outcome.seconds = seconds_since(start);
  return outcome;
}

Outcome run_native(const std::vector<Command>& commands, bool digest) {
  lob::MatchingEngine engine(lob::EngineConfig{}, bench_instruments());
  Outcome outcome = replay(engine, commands, digest);
  outcome.resting = engine.stats().resting_orders;
  const std::string problem = engine.validate();
  if (!problem.empty()) fail("the core's book is invalid after the stream: " + problem);
  return outcome;
}

// ---- Breakdown: where the core's time goes, by what a command did ----

// A cycle counter where there is one: the clock's own cost (~20 ns a read) would rival the ~60 ns of
// an average command.
std::uint64_t ticks() {
#if defined(__x86_64__)
  return __rdtsc();
#else
  return static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
#endif
}

enum class CommandOutcome : int { CancelHit, CancelMiss, GtcRests, GtcFillsRests, GtcFills, IocNoFill, IocFills, Count };
constexpr const char* kOutcomeNames[] = {
    "cancel of a resting order", "cancel of a gone order", "GTC rests, no fill", "GTC fills, rests the rest",
    "GTC fills completely",      "IOC expires, no fill",   "IOC fills",
};
static_assert(std::size(kOutcomeNames) == static_cast<std::size_t>(CommandOutcome::Count), "a name per outcome");

// What one command did, from its reports: a NEW's own reports carry its engine order id (the first
// is its ACCEPTED), and each of its fills opens a trade.
CommandOutcome outcome_of(const Command& command, const std::vector<lob::Report>& reports, std::uint64_t& trades) {
  if (command.action == lob::Action::Cancel) {
    return reports.front().kind == lob::ExecKind::Cancelled ? CommandOutcome::CancelHit : CommandOutcome::CancelMiss;
  }
  const lob::OrderId taker = reports.front().order_id;
  trades = 0;
  lob::Quantity leaves = command.quantity;
  bool expired = false;
  for (const lob::Report& report : reports) {
    if (report.order_id != taker) continue;
    if (report.kind == lob::ExecKind::Filled || report.kind == lob::ExecKind::PartiallyFilled) trades++;
    if (report.kind == lob::ExecKind::Expired) expired = true;
    leaves = report.leaves_quantity;
  }
  if (command.type == lob::OrderType::Ioc || expired) return trades == 0 ? CommandOutcome::IocNoFill : CommandOutcome::IocFills;
  if (trades == 0) return CommandOutcome::GtcRests;
  return leaves > 0 ? CommandOutcome::GtcFillsRests : CommandOutcome::GtcFills;
}

// One run on a fresh book, each command timed alone (timer reads included: timer_ns says how much);
// prints one JSON object: per outcome its commands, ns per command, share of the time, trades per
// command.
void breakdown_native(const std::vector<Command>& commands) {
  lob::MatchingEngine engine(lob::EngineConfig{}, bench_instruments());
  std::vector<lob::Report> reports;
  constexpr std::size_t outcomes = static_cast<std::size_t>(CommandOutcome::Count);
  std::uint64_t count[outcomes] = {}, spent[outcomes] = {}, trades_of[outcomes] = {};
  const auto start = std::chrono::steady_clock::now();
  const std::uint64_t first_tick = ticks();
  for (const Command& command : commands) {
    reports.clear();
    const std::uint64_t before = ticks();
    engine.execute(command, reports);
    const std::uint64_t after = ticks();
    std::uint64_t trades = 0;
    const auto outcome = static_cast<std::size_t>(outcome_of(command, reports, trades));
    count[outcome]++;
    spent[outcome] += after - before;
    trades_of[outcome] += trades;
  }
  const double ns_per_tick = seconds_since(start) * 1e9 / static_cast<double>(ticks() - first_tick);
  constexpr int kTimerReads = 100'000;
  std::uint64_t timer_ticks = 0;
  for (int i = 0; i < kTimerReads; i++) {
    const std::uint64_t before = ticks();
    timer_ticks += ticks() - before;
  }
  std::uint64_t total = 0;
  for (const std::uint64_t ticks_spent : spent) total += ticks_spent;
  std::printf("{\"engine\":\"native\",\"commands\":%zu,\"timer_ns\":%.1f,\"breakdown\":[", commands.size(),
              static_cast<double>(timer_ticks) / kTimerReads * ns_per_tick);
  bool first = true;
  for (std::size_t outcome = 0; outcome < outcomes; outcome++) {
    if (count[outcome] == 0) continue;
    std::printf("%s{\"outcome\":\"%s\",\"commands\":%llu,\"ns_per_command\":%.1f,\"share\":%.4f,\"trades_per_command\":%.2f}",
                first ? "" : ",", kOutcomeNames[outcome], static_cast<unsigned long long>(count[outcome]),
                static_cast<double>(spent[outcome]) * ns_per_tick / static_cast<double>(count[outcome]),
                static_cast<double>(spent[outcome]) / static_cast<double>(total),
                static_cast<double>(trades_of[outcome]) / static_cast<double>(count[outcome]));
    first = false;
  }
  std::printf("]}\n");
}

template <textbook::Work kWork>
Outcome run_textbook(const std::vector<Command>& commands, bool digest) {
  // On the heap so that its destruction (freeing every resting order) stays outside the clock.
  auto book = std::make_unique<textbook::Book<kWork>>(bench_instruments().front());
  Outcome outcome = replay(*book, commands, digest);
  outcome.resting = book->resting_orders();
  if constexpr (!textbook::Book<kWork>::kReports) {
    outcome.trades = book->trades;
    outcome.filled_quantity = book->filled_quantity;
  }
  return outcome;
}

// The floor book (floor_book.hpp), sized for the stream's client order ids.
Outcome run_floor(const std::vector<Command>& commands, bool digest) {
  std::uint64_t client_order_id_max = 0;
  for (const Command& command : commands) client_order_id_max = std::max(client_order_id_max, command.client_order_id);
  auto book = std::make_unique<floorbook::Book>(bench_instruments().front(), client_order_id_max);
  Outcome outcome = replay(*book, commands, digest);
  outcome.resting = book->resting_orders();
  return outcome;
}

// When the two books disagree, replays both in lockstep; returns the first command whose reports
// differ or after which the resting orders differ, or -1.
long long first_divergence(const std::vector<Command>& commands) {
  lob::MatchingEngine engine(lob::EngineConfig{}, bench_instruments());
  textbook::Book<textbook::Work::Complete> book(bench_instruments().front());
  std::vector<lob::Report> native_reports, textbook_reports;
  for (std::size_t i = 0; i < commands.size(); i++) {
    native_reports.clear();
    textbook_reports.clear();
    engine.execute(commands[i], native_reports);
    book.execute(commands[i], textbook_reports);
    std::uint64_t native_digest = kDigestEmpty, textbook_digest = kDigestEmpty;
    fold_reports(native_reports, native_digest);
    fold_reports(textbook_reports, textbook_digest);
    if (native_digest != textbook_digest || engine.stats().resting_orders != book.resting_orders()) {
      return static_cast<long long>(i);
    }
  }
  return -1;
}

std::uint64_t rss_bytes() {
  std::ifstream statm("/proc/self/statm");
  std::uint64_t size_pages = 0, resident_pages = 0;
  statm >> size_pages >> resident_pages;
  return resident_pages * static_cast<std::uint64_t>(sysconf(_SC_PAGESIZE));
}

struct Memory {
  double bytes_per_order;
  double rss_bytes_per_order;
};

// Runs first, before any other book has freed memory that malloc could hand back without the RSS
// growing. Bids below 10000, asks above, over 2 x 2000 levels: nothing crosses, everything rests.
Memory measure_memory(std::uint64_t orders) {
  lob::EngineConfig config;
  config.orders_max = static_cast<std::uint32_t>(std::max<std::uint64_t>(orders, lob::kOrdersMaxDefault));
  const std::uint64_t rss_before = rss_bytes();
  lob::MatchingEngine engine(config, bench_instruments());
  std::vector<lob::Report> reports;
  constexpr lob::Price levels_per_side = 2000;
  for (std::uint64_t i = 0; i < orders; i++) {
    const bool buy = i % 2 == 0;
    const lob::Price offset = 1 + static_cast<lob::Price>((i / 2) % levels_per_side);
    const Command command{lob::Action::New, buy ? lob::Side::Buy : lob::Side::Sell, lob::OrderType::Limit, 0, 1, i + 1, 0,
                          buy ? 10'000 - offset : 10'000 + offset, 100};
    reports.clear();
    engine.execute(command, reports);
  }
  const lob::EngineStats stats = engine.stats();
  if (stats.resting_orders != orders) fail("memory test: expected every order to rest");
  const double rss_growth = static_cast<double>(rss_bytes() - rss_before);
  return {static_cast<double>(stats.memory_bytes) / static_cast<double>(stats.resting_orders),
          rss_growth / static_cast<double>(orders)};
}

// Median and best ops/s over the repetitions; the outcome of the last one (all are equal).
struct Summary {
  std::vector<double> ops;
  Outcome outcome;

  void add(const Outcome& run, std::size_t commands) {
    ops.push_back(static_cast<double>(commands) / run.seconds);
    outcome = run;
  }
  double median() {
    std::sort(ops.begin(), ops.end());
    const std::size_t middle = ops.size() / 2;
    return ops.size() % 2 == 1 ? ops[middle] : (ops[middle - 1] + ops[middle]) / 2;
  }
  double best() const { return *std::max_element(ops.begin(), ops.end()); }
};

}  // namespace

// One engine alone: {"engine", "ops": [per run], report_digest (hex: 64 bits do not fit a JSON
// number; null for an engine that writes no reports), trades, filled_qty, resting, rejected}.
void print_one(const char* engine, const Summary& summary, bool reports, std::uint64_t digest) {
  std::printf("{\"engine\":\"%s\",\"ops\":[", engine);
  for (std::size_t i = 0; i < summary.ops.size(); i++) std::printf("%s%.0f", i == 0 ? "" : ",", summary.ops[i]);
  if (reports) {
    std::printf("],\"report_digest\":\"%016llx\"", static_cast<unsigned long long>(digest));
  } else {
    std::printf("],\"report_digest\":null");
  }
  std::printf(",\"trades\":%llu,\"filled_qty\":%llu,\"resting\":%llu,\"rejected\":%llu}\n",
              static_cast<unsigned long long>(summary.outcome.trades),
              static_cast<unsigned long long>(summary.outcome.filled_quantity),
              static_cast<unsigned long long>(summary.outcome.resting),
              static_cast<unsigned long long>(summary.outcome.rejected));
}

int main(int argc, char** argv) {
  const Options options = parse_options(argc, argv);
  // A long-running engine works in memory it already faulted in. glibc would hand a freed book's
  // heap back to the kernel (trim) and serve large blocks from fresh mappings, so every run would
  // fault its memory in again and the figures would weigh page faults, not matching; after the
  // warm-up run both engines reuse their process's heap.
  // glibc refuses an mmap threshold above 32 MiB on 64-bit (mallopt returns 0 and changes nothing).
  constexpr int kMmapThresholdBytesMax = 32 << 20;
  if (mallopt(M_TRIM_THRESHOLD, INT_MAX) != 1 || mallopt(M_MMAP_THRESHOLD, kMmapThresholdBytesMax) != 1) fail("mallopt: glibc refused the heap settings");
  if (options.engine == "memory") {
    const Memory memory = measure_memory(options.memory_orders);
    std::printf("{\"memory_orders\":%llu,\"bytes_per_resting_order\":%.1f,\"rss_bytes_per_resting_order\":%.1f}\n",
                static_cast<unsigned long long>(options.memory_orders), memory.bytes_per_order, memory.rss_bytes_per_order);
    return 0;
  }
  if (options.engine == "native" || options.engine == "textbook" || options.engine == "textbook-structures" ||
      options.engine == "floor") {
    const std::vector<Command> commands = read_commands(options.file);
    const auto run = [&](bool digest) {
      if (options.engine == "native") return run_native(commands, digest);
      if (options.engine == "floor") return run_floor(commands, digest);
      if (options.engine == "textbook") return run_textbook<textbook::Work::Complete>(commands, digest);
      return run_textbook<textbook::Work::Structures>(commands, digest);
    };
    std::uint64_t digest = run(/*digest=*/true).report_digest;  // The first warm-up run, or one of its own.
    for (int rep = 1; rep < options.warmup; rep++) run(false);
    if (options.breakdown) {
      breakdown_native(commands);
      return 0;
    }
    Summary summary;
    for (int rep = 0; rep < options.reps; rep++) summary.add(run(false), commands.size());
    const bool structures = options.engine == "textbook-structures";
    print_one(structures ? "textbook_structures" : options.engine.c_str(), summary, !structures, digest);
    return 0;
  }
  const Memory memory = measure_memory(options.memory_orders);
  const std::vector<Command> commands = read_commands(options.file);
  // Alternating the two keeps a burst of noise on the shared machine from landing on one only.
  Summary native, textbook;
  for (int rep = 0; rep < options.reps; rep++) {
    native.add(run_native(commands, false), commands.size());
    textbook.add(run_textbook<textbook::Work::Complete>(commands, false), commands.size());
  }
  const bool agree = run_native(commands, true).report_digest == run_textbook<textbook::Work::Complete>(commands, true).report_digest &&
                     native.outcome.trades == textbook.outcome.trades &&
                     native.outcome.filled_quantity == textbook.outcome.filled_quantity &&
                     native.outcome.resting == textbook.outcome.resting;
  const long long divergence = agree ? -1 : first_divergence(commands);
  std::printf(
      "{\"commands\":%zu,\"reps\":%d,\"native_ops_per_s\":%.0f,\"native_best_ops_per_s\":%.0f,"
      "\"textbook_ops_per_s\":%.0f,\"textbook_best_ops_per_s\":%.0f,"
      "\"native_trades\":%llu,\"native_filled_qty\":%llu,\"native_resting\":%llu,\"native_rejected\":%llu,"
      "\"textbook_trades\":%llu,\"textbook_filled_qty\":%llu,\"textbook_resting\":%llu,"
      "\"first_divergence\":%lld,\"memory_orders\":%llu,\"bytes_per_resting_order\":%.1f,"
      "\"rss_bytes_per_resting_order\":%.1f}\n",
      commands.size(), options.reps, native.median(), native.best(), textbook.median(), textbook.best(),
      static_cast<unsigned long long>(native.outcome.trades),
      static_cast<unsigned long long>(native.outcome.filled_quantity),
      static_cast<unsigned long long>(native.outcome.resting),
      static_cast<unsigned long long>(native.outcome.rejected),
      static_cast<unsigned long long>(textbook.outcome.trades),
      static_cast<unsigned long long>(textbook.outcome.filled_quantity),
      static_cast<unsigned long long>(textbook.outcome.resting), divergence,
      static_cast<unsigned long long>(options.memory_orders), memory.bytes_per_order, memory.rss_bytes_per_order);
  return 0;
}
