/**
 * `npm run bench:book [-- --json] [--commands N] [--seed S] [--rounds C] [--reps R] [--warmup W]`: order-book throughput.
 * `npm run bench:book -- --breakdown [--json]`: where the C++ core's time goes, by command outcome.
 *
 * One seeded stream (bench/book-stream.ts, 2,000,000 commands by default) replayed through:
 *   (a) the C++ core, lob::MatchingEngine::execute           } native/bench/book_bench.cpp, a child
 *   (b) the seed's textbook std::map + std::list book         } process per engine per round
 *       (validating and reporting as the core does; beside it, its data structures alone)
 *   (c) TypeScript to native, one call per command (Engine.submit / Engine.cancel)
 *   (d) TypeScript to native, batched (Engine.executeBatch, 1024 commands a call, every report read)
 *   (e) the TypeScript reference book (ReferenceBook.submit / cancel)
 *   (f) the floor: the leanest book for this stream alone (native/bench/floor_book.hpp), writing
 *       the same reports: how fast any book could run the stream, and so how much of the core's
 *       time is the price of being a general engine
 * Every process runs W unmeasured warm-up runs (--warmup, default 1), then measured runs on a fresh
 * book (construction outside the clock), and keeps its freed heap. (a), (b) and (f) run in C
 * rounds (--rounds, default 9) of one measured run per process; (c) and (e) R runs (--reps, default
 * 5) in one child each; (d) R runs in a child per round, for R rounds, beside a run of (a)
 * (runTypeScript). A figure is the median ops/s, with the best beside it, and native_vs_textbook*
 * and batched_vs_native are medians of per-round ratios, because the machine is shared and noisy.
 * A TypeScript child stops repeating once its runs took TS_BUDGET_SECONDS: a run that long
 * averages the noise itself (the reference book takes ~20 s for 2M commands). Every engine must
 * report the same trades, filled quantity and resting orders, and the core and the textbook the
 * same report stream (report_digest), or the run fails (exit 1) naming the disagreement.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Engine } from '../engine/engine.js';
import { Action, COMMAND_SLOTS, CommandSlot, ExecKind, REPORT_SLOTS, ReportSlot } from '../engine/protocol.js';
import type { OrderTypeCode, SideCode } from '../engine/protocol.js';
import { ReferenceBook } from '../engine/reference-book.js';
import type { Command, OrderBookEngine } from '../engine/types.js';
import { BENCH_ENGINE_OPTIONS, OWNER, generateBookStream, writeBookStream, type BookStream } from './book-stream.js';
import { median } from 'simple-statistics';
import { alignedTable, formatCount, formatRatio, toJsonLine } from './format.js';
import { RUNS_MAX, choiceOption, integerOption, parseBenchOptions } from './options.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// The addon's area holds layout.areaReportRecords (4096) reports; a batch that makes more pays for
// drain(), a second crossing and a copy. This stream makes about 2.3 reports per command, so 1024
// commands (about 2,300 reports, 330 KB) fit the area, and stay in L2 between C++ and JS.
const BATCH_COMMANDS = 1024;
const TS_BUDGET_SECONDS = 10;
// Every engine's process keeps the memory it freed (glibc: no trim, large blocks from the heap, not
// fresh mappings, up to glibc's 32 MiB ceiling), and each run closes its engine, so after the
// warm-up a run works in memory already faulted in, as a long-running engine does. A fresh mapping
// per run cost the batched TS run about a quarter of its time in page faults (5,000 per run), a
// cost the C++ core's process (book_bench.cpp's mallopt) never paid.
const KEEP_HEAP_ENV = { ...process.env, GLIBC_TUNABLES: 'glibc.malloc.trim_threshold=9223372036854775807:glibc.malloc.mmap_threshold=33554432' };

interface Options {
  json: boolean;
  commands: number;
  seed: number;
  rounds: number;
  reps: number;
  warmup: number;
  breakdown: boolean;
  engine: TsEngine | undefined;
}

const TS_ENGINES = ['percall', 'batched', 'reference'] as const;
type TsEngine = (typeof TS_ENGINES)[number];

// 10M commands make a 720 MB stream in every process that generates or reads it, and the C++
// bench decodes it into 480 MB more.
const COMMANDS_MAX = 10_000_000;
const USAGE = 'npm run bench:book [-- --json] [--breakdown] [--commands N] [--seed S] [--rounds C] [--reps R] [--warmup W]';

function parseOptions(): Options {
  const config = {
    options: {
      json: { type: 'boolean', default: false },
      commands: { type: 'string', default: '2000000' },
      seed: { type: 'string', default: '1' },
      // A C++ engine's speed is partly a draw of its process: the processes of adjacent rounds
      // differed by up to 12% (core) and 17% (textbook), three runs inside one process by up to 7%
      // and 12%. So the per-round ratios of one bench run spread over about 2.4 to 6.5, and in 8
      // bench runs of 9 rounds the median of the first 5 rounds differed from that of all 9 by up
      // to 0.66 (0.43 and 0.20 in two others).
      rounds: { type: 'string', default: '9' },
      reps: { type: 'string', default: '5' },
      warmup: { type: 'string', default: '1' },
      breakdown: { type: 'boolean', default: false },
      // Internal: run one TypeScript engine alone and print its samples (see runTypeScript).
      engine: { type: 'string' },
    },
  } as const;
  return parseBenchOptions('bench:book', USAGE, config, (values) => ({
    json: values.json,
    commands: integerOption('commands', values.commands, 1, COMMANDS_MAX),
    seed: integerOption('seed', values.seed, 0, Number.MAX_SAFE_INTEGER),
    rounds: integerOption('rounds', values.rounds, 1, RUNS_MAX),
    reps: integerOption('reps', values.reps, 1, RUNS_MAX),
    warmup: integerOption('warmup', values.warmup, 0, RUNS_MAX),
    breakdown: values.breakdown,
    engine: values.engine === undefined ? undefined : choiceOption('engine', values.engine, TS_ENGINES),
  }));
}

/** The addon's build (scripts/build-addon.mjs): its core objects and whether they are profile-guided. */
const ADDON_RELEASE = path.join(ROOT, 'build', 'Release');
const ADDON_CORE_OBJECTS = path.join(ADDON_RELEASE, 'obj.target', 'lobsim', 'native', 'core');

/** "profile-guided" or "plain" as the addon was built; "sources" when the bench compiled the core itself. */
function coreBuild(binary: string): string {
  const stamp = `${binary}.core`;
  return existsSync(stamp) ? readFileSync(stamp, 'utf8').trim() : 'sources';
}

/**
 * Builds native/out/book_bench unless it is newer than everything it is made of and was made the
 * same way. Its core is the addon's: the object files npm install compiled (profile-guided with GCC),
 * linked as they are, so the figure is the shipped core's. With no addon built it compiles the
 * core's sources; with an addon whose objects are missing or older than native/core it stops.
 */
function buildNativeBench(): string {
  const binary = path.join(ROOT, 'native', 'out', 'book_bench');
  const coreSources = readdirSync(path.join(ROOT, 'native', 'core')).map((file) => path.join('native', 'core', file));
  const bench = readdirSync(path.join(ROOT, 'native', 'bench')).map((file) => path.join('native', 'bench', file));
  const coreUnits = coreSources.filter((file) => file.endsWith('.cpp'));
  const objects = coreUnits.map((file) => path.join(ADDON_CORE_OBJECTS, `${path.basename(file, '.cpp')}.o`));
  const addonStamp = path.join(ADDON_RELEASE, 'lobsim-build.json');
  const fromAddon = existsSync(addonStamp);
  if (fromAddon) {
    // Objects missing or older than a core source are not the code in the tree: measuring them would mislead.
    const newestCore = Math.max(...coreSources.map((file) => statSync(path.join(ROOT, file)).mtimeMs));
    if (!objects.every((file) => existsSync(file) && statSync(file).mtimeMs >= newestCore)) {
      process.stderr.write('bench:book: native/core changed after the addon was built; run `npm run build:addon` first, so that the bench measures the code in the tree\n');
      process.exit(2);
    }
  }
  const kind = fromAddon ? (JSON.parse(readFileSync(addonStamp, 'utf8')) as { build: string }).build : 'sources';
  const inputs = fromAddon ? [...bench, ...coreSources.filter((file) => file.endsWith('.hpp')), ...objects, addonStamp] : [...bench, ...coreSources];
  const newest = Math.max(...inputs.map((file) => statSync(path.resolve(ROOT, file)).mtimeMs));
  if (existsSync(binary) && coreBuild(binary) === kind && statSync(binary).mtimeMs > newest) return binary;
  mkdirSync(path.dirname(binary), { recursive: true });
  const benchUnits = bench.filter((file) => file.endsWith('.cpp'));
  const flags = ['-O3', '-std=c++20', '-pthread', '-Inative/core'];
  if (fromAddon) {
    process.stderr.write(`bench:book: linking native/out/book_bench with the addon's ${kind} core objects\n`);
    execFileSync('g++', [...flags, ...benchUnits, ...objects, '-o', binary], { cwd: ROOT, stdio: 'inherit' });
  } else {
    process.stderr.write('bench:book: compiling native/out/book_bench from the core sources (g++ -O3 -std=c++20)\n');
    execFileSync('g++', [...flags, ...benchUnits, ...coreUnits, '-o', binary], { cwd: ROOT, stdio: 'inherit' });
  }
  writeFileSync(`${binary}.core`, `${kind}\n`);
  return binary;
}

// The report fields and kinds the consumers below read, as this module's own constants: V8 does not
// fold an imported binding into the code that reads it, so each read of ReportSlot.kind or
// ExecKind.FILLED in a loop checked the binding and loaded the field again.
const KIND_SLOT = ReportSlot.kind;
const TRADE_ID_SLOT = ReportSlot.tradeId;
const LAST_QUANTITY_SLOT = ReportSlot.lastQuantity;
const REJECTED = ExecKind.REJECTED;
const FILLED = ExecKind.FILLED;
const PARTIALLY_FILLED = ExecKind.PARTIALLY_FILLED;

/** What every engine must agree on, and how long it took. */
class Tally {
  trades = 0;
  filledQty = 0;
  rejected = 0;
  resting = 0;
  seconds = 0;
  private lastTrade = 0;

  /** The taker's fill report comes first and opens a new trade id; the maker's repeats it. */
  add(kind: number, tradeId: number, lastQuantity: number): void {
    if (kind === REJECTED) this.rejected++;
    if ((kind !== FILLED && kind !== PARTIALLY_FILLED) || tradeId === this.lastTrade) return;
    this.lastTrade = tradeId;
    this.trades++;
    this.filledQty += lastQuantity;
  }
}

/** Command record `index` as the object the per-command APIs take. */
function commandAt(records: Float64Array, index: number): Command {
  const at = index * COMMAND_SLOTS;
  return {
    action: records[at + CommandSlot.action] as Command['action'],
    symbol: records[at + CommandSlot.symbol]!,
    owner: records[at + CommandSlot.owner]!,
    clientOrderId: records[at + CommandSlot.clientOrderId]!,
    orderId: records[at + CommandSlot.orderId]!,
    side: records[at + CommandSlot.side] as SideCode,
    type: records[at + CommandSlot.type] as OrderTypeCode,
    price: records[at + CommandSlot.price]!,
    quantity: records[at + CommandSlot.quantity]!,
  };
}

/** (c) and (e): one call per command through the typed API, as an application would write it. */
function runPerCall(engine: OrderBookEngine, stream: BookStream): Tally {
  const tally = new Tally();
  const records = stream.records;
  const start = performance.now();
  for (let i = 0; i < stream.count; i++) {
    const at = i * COMMAND_SLOTS;
    const clientOrderId = records[at + CommandSlot.clientOrderId]!;
    const reports =
      records[at + CommandSlot.action] === Action.CANCEL
        ? engine.cancel({ owner: OWNER, clientOrderId })
        : engine.submit({
            symbol: 0,
            owner: OWNER,
            clientOrderId,
            side: records[at + CommandSlot.side] as SideCode,
            type: records[at + CommandSlot.type] as OrderTypeCode,
            price: records[at + CommandSlot.price]!,
            quantity: records[at + CommandSlot.quantity]!,
          });
    for (const report of reports) tally.add(report.kind, report.tradeId, report.lastQuantity);
  }
  tally.seconds = (performance.now() - start) / 1000;
  tally.resting = engine.snapshot(0).length;
  if (engine instanceof Engine) engine.close();
  return tally;
}

/** (d): command records in, report records out, every report read from the Float64Array. */
function runBatched(stream: BookStream): Tally {
  const engine = new Engine(BENCH_ENGINE_OPTIONS);
  const tally = new Tally();
  const start = performance.now();
  for (let first = 0; first < stream.count; first += BATCH_COMMANDS) {
    const count = Math.min(BATCH_COMMANDS, stream.count - first);
    const batch = engine.executeBatch(stream.records.subarray(first * COMMAND_SLOTS, (first + count) * COMMAND_SLOTS), count);
    const out = batch.records;
    for (let at = 0; at < batch.count * REPORT_SLOTS; at += REPORT_SLOTS) {
      tally.add(out[at + KIND_SLOT]!, out[at + TRADE_ID_SLOT]!, out[at + LAST_QUANTITY_SLOT]!);
    }
  }
  tally.seconds = (performance.now() - start) / 1000;
  tally.resting = engine.stats().restingOrders;
  engine.close();
  return tally;
}

interface NativeBenchResult {
  rounds: number;
  native_ops_per_s: number;
  native_best_ops_per_s: number;
  textbook_ops_per_s: number;
  textbook_best_ops_per_s: number;
  textbook_structures_ops_per_s: number;
  textbook_structures_best_ops_per_s: number;
  /** Medians of the per-round ratios (see runNativeBench). */
  native_vs_textbook: number;
  /** The lowest and highest per-round ratio: the spread the median was taken over. */
  native_vs_textbook_min: number;
  native_vs_textbook_max: number;
  native_vs_textbook_structures: number;
  floor_ops_per_s: number;
  floor_best_ops_per_s: number;
  /** Medians of per-round ratios, as native_vs_textbook. */
  floor_vs_textbook: number;
  native_vs_floor: number;
  native_vs_floor_min: number;
  native_vs_floor_max: number;
  report_digests_agree: boolean;
  floor_report_digests_agree: boolean;
  native_trades: number;
  native_filled_qty: number;
  native_resting: number;
  native_rejected: number;
  textbook_trades: number;
  textbook_filled_qty: number;
  textbook_resting: number;
  textbook_rejected: number;
  textbook_structures_trades: number;
  textbook_structures_filled_qty: number;
  textbook_structures_resting: number;
  floor_trades: number;
  floor_filled_qty: number;
  floor_resting: number;
  floor_rejected: number;
  first_divergence: number;
  memory_orders: number;
  bytes_per_resting_order: number;
  rss_bytes_per_resting_order: number;
}

/** Median and best ops/s of an engine's runs, and the tally of the last (all are equal). */
class Samples {
  private readonly ops: number[] = [];
  private seconds = 0;
  tally = new Tally();

  add(tally: Tally, commands: number): void {
    this.ops.push(commands / tally.seconds);
    this.seconds += tally.seconds;
    this.tally = tally;
  }
  /** Takes in another child's runs of the same engine. */
  absorb(other: Samples): void {
    this.ops.push(...other.ops);
    this.seconds += other.seconds;
    this.tally = other.tally;
  }
  get runs(): number {
    return this.ops.length;
  }
  wants(reps: number): boolean {
    return this.runs < reps && (this.runs === 0 || this.seconds < TS_BUDGET_SECONDS);
  }
  get median(): number {
    return median(this.ops);
  }
  get best(): number {
    return Math.max(...this.ops);
  }

  toJson(): SamplesJson {
    return { ops: this.ops, seconds: this.seconds, tally: { ...this.tally } };
  }

  static fromJson(json: SamplesJson): Samples {
    const samples = new Samples();
    samples.ops.push(...json.ops);
    samples.seconds = json.seconds;
    samples.tally = Object.assign(new Tally(), json.tally);
    return samples;
  }
}

interface SamplesJson {
  ops: number[];
  seconds: number;
  tally: Pick<Tally, 'trades' | 'filledQty' | 'rejected' | 'resting' | 'seconds'>;
}

/** Lockstep replay through the native engine and the reference book: the first command whose reports differ. */
function firstReferenceDivergence(stream: BookStream): string {
  const native = new Engine(BENCH_ENGINE_OPTIONS);
  const reference = new ReferenceBook(BENCH_ENGINE_OPTIONS);
  for (let i = 0; i < stream.count; i++) {
    const command = commandAt(stream.records, i);
    const expected = JSON.stringify(native.execute(command));
    const actual = JSON.stringify(reference.execute(command));
    if (expected !== actual) {
      return `command ${i} ${JSON.stringify(command)}\n  native:    ${expected}\n  reference: ${actual}`;
    }
  }
  return 'none found in the lockstep replay';
}

interface OneEngineRun {
  engine: 'native' | 'textbook' | 'textbook_structures' | 'floor';
  ops: number[];
  report_digest: string | null;
  trades: number;
  filled_qty: number;
  resting: number;
  rejected: number;
}

/**
 * (a), (b) and (f): the stream goes to the C++ bench through a temporary file. Each engine (the
 * core, the textbook, the textbook's data structures alone, the floor) runs in a process of its
 * own, one warm-up run and one measured run per process, the four taking turns for `rounds`
 * rounds; run in one process, each engine ran on the heap the other had left (book_bench.cpp says
 * how much that moved the textbook's figure). The core and the textbook must write the same report
 * stream (their report_digest). Memory is measured in a fresh process of its own.
 */
function runNativeBench(stream: BookStream, options: Options, run: NativeRun): NativeBenchResult {
  process.stderr.write(`bench:book: ${formatCount(stream.count)} commands, seed ${options.seed}: C++ core, two textbooks and the floor, ${options.rounds} rounds of one process each\n`);
  const memory = JSON.parse(run(['--engine', 'memory'])) as Pick<NativeBenchResult, 'memory_orders' | 'bytes_per_resting_order' | 'rss_bytes_per_resting_order'>;
  const engines = ['native', 'textbook', 'textbook_structures', 'floor'] as const;
  const runs: Record<OneEngineRun['engine'], OneEngineRun[]> = { native: [], textbook: [], textbook_structures: [], floor: [] };
  for (let round = 0; round < options.rounds; round++) {
    // Each round starts with the next engine, so that none always runs first.
    for (let turn = 0; turn < engines.length; turn++) {
      const engine = engines[(round + turn) % engines.length]!;
      runs[engine].push(JSON.parse(run(['--engine', engine.replace('_', '-'), '--reps', '1'])) as OneEngineRun);
    }
  }
  const ops = (engine: OneEngineRun['engine']): number[] => runs[engine].flatMap((one) => one.ops);
  const last = (engine: OneEngineRun['engine']): OneEngineRun => runs[engine].at(-1)!;
  // The machine's speed drifts over tens of seconds (a slow phase can last minutes): the runs of
  // one round are seconds apart, so their ratio holds where a ratio of medians taken from
  // different rounds does not.
  const ratios = (comparator: OneEngineRun['engine'], engine: OneEngineRun['engine'] = 'native'): number[] =>
    runs[engine].map((one, round) => one.ops[0]! / runs[comparator][round]!.ops[0]!);
  const textbookRatios = ratios('textbook');
  const floorRatios = ratios('floor');
  const [native, textbook, structures, floor] = [last('native'), last('textbook'), last('textbook_structures'), last('floor')];
  const sameReports = (engine: OneEngineRun['engine']): boolean =>
    runs.native.every((one, round) => one.report_digest !== null && one.report_digest === runs[engine][round]!.report_digest);
  const digestsAgree = sameReports('textbook');
  const agree = digestsAgree && native.trades === textbook.trades && native.filled_qty === textbook.filled_qty && native.resting === textbook.resting;
  // On disagreement, the lockstep replay of both in one process finds the first command whose reports differ.
  const firstDivergence = agree ? -1 : (JSON.parse(run(['--reps', '1', '--memory-orders', '1'])) as NativeBenchResult).first_divergence;
  return {
    rounds: options.rounds,
    native_ops_per_s: Math.round(median(ops('native'))),
    native_best_ops_per_s: Math.max(...ops('native')),
    textbook_ops_per_s: Math.round(median(ops('textbook'))),
    textbook_best_ops_per_s: Math.max(...ops('textbook')),
    textbook_structures_ops_per_s: Math.round(median(ops('textbook_structures'))),
    textbook_structures_best_ops_per_s: Math.max(...ops('textbook_structures')),
    native_vs_textbook: median(textbookRatios),
    native_vs_textbook_min: Math.min(...textbookRatios),
    native_vs_textbook_max: Math.max(...textbookRatios),
    native_vs_textbook_structures: median(ratios('textbook_structures')),
    floor_ops_per_s: Math.round(median(ops('floor'))),
    floor_best_ops_per_s: Math.max(...ops('floor')),
    floor_vs_textbook: median(ratios('textbook', 'floor')),
    native_vs_floor: median(floorRatios),
    native_vs_floor_min: Math.min(...floorRatios),
    native_vs_floor_max: Math.max(...floorRatios),
    report_digests_agree: digestsAgree,
    floor_report_digests_agree: sameReports('floor'),
    native_trades: native.trades,
    native_filled_qty: native.filled_qty,
    native_resting: native.resting,
    native_rejected: native.rejected,
    textbook_trades: textbook.trades,
    textbook_filled_qty: textbook.filled_qty,
    textbook_resting: textbook.resting,
    textbook_rejected: textbook.rejected,
    textbook_structures_trades: structures.trades,
    textbook_structures_filled_qty: structures.filled_qty,
    textbook_structures_resting: structures.resting,
    floor_trades: floor.trades,
    floor_filled_qty: floor.filled_qty,
    floor_resting: floor.resting,
    floor_rejected: floor.rejected,
    first_divergence: firstDivergence,
    ...memory,
  };
}

/** Runs the C++ bench once with these arguments (after the stream file and --warmup); returns its stdout. */
type NativeRun = (args: string[]) => string;

/** Runs `body` with a function that runs the C++ bench (built if stale) on the stream, in a heap-keeping process. */
function withNativeBench<T>(stream: BookStream, options: Options, body: (run: NativeRun) => T): T {
  const binary = buildNativeBench();
  const dir = mkdtempSync(path.join(tmpdir(), 'lobsim-book-bench-'));
  try {
    const file = path.join(dir, 'stream.f64');
    writeBookStream(stream, file);
    return body((args) => execFileSync(binary, [file, '--warmup', String(options.warmup), ...args], { encoding: 'utf8', env: KEEP_HEAP_ENV }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface Breakdown {
  engine: 'native';
  commands: number;
  /** One timer read pair, included in every ns_per_command. */
  timer_ns: number;
  breakdown: { outcome: string; commands: number; ns_per_command: number; share: number; trades_per_command: number }[];
}

/**
 * `--breakdown`: one run of the C++ core after the warm-up with every command timed alone, grouped
 * by what the command did (a cancel that found its order or not, a GTC that rested, filled or both,
 * an IOC). It tells where an optimisation can pay: a class's share of the time, not its ns alone.
 */
function runBreakdown(stream: BookStream, options: Options): Breakdown {
  process.stderr.write(`bench:book: ${formatCount(stream.count)} commands, seed ${options.seed}: C++ core, every command timed\n`);
  return withNativeBench(stream, options, (run) => JSON.parse(run(['--engine', 'native', '--breakdown'])) as Breakdown);
}

function renderBreakdown(result: Breakdown): string {
  const rows = result.breakdown.map((row) => [
    row.outcome,
    formatCount(row.commands),
    row.ns_per_command.toFixed(1),
    `${(row.share * 100).toFixed(1)}%`,
    row.trades_per_command.toFixed(2),
  ]);
  return [
    alignedTable(['outcome', 'commands', 'ns per command', 'share of time', 'trades per command'], rows),
    '',
    `each command timed alone; ns per command includes ${result.timer_ns.toFixed(1)} ns of timer reads`,
  ].join('\n');
}

/** One TypeScript engine's runs, in this process: what a child started by runTypeScript does. */
function measureTypeScript(engine: TsEngine, stream: BookStream, reps: number, warmup: number): Samples {
  const samples = new Samples();
  const run = (): Tally => {
    if (engine === 'batched') return runBatched(stream);
    const book = engine === 'percall' ? new Engine(BENCH_ENGINE_OPTIONS) : new ReferenceBook(BENCH_ENGINE_OPTIONS);
    return runPerCall(book, stream);
  };
  for (let rep = 0; rep < warmup; rep++) run();
  while (samples.wants(reps)) samples.add(run(), stream.count);
  return samples;
}

/**
 * (c), (d), (e) in child processes on the same seeded stream, the reference book last: in one
 * process the engines disturbed each other (the reference book's garbage collections and heap
 * landed in the other engines' runs, and the JIT state of one shaped the next), so each figure is
 * now that engine alone. (c) and (e) run their repetitions in one child each; (d) runs one child
 * of repetitions per round, each beside a run of the core for batched_vs_native. All figures still
 * come from this one invocation.
 */
function runTypeScript(options: Options, run: NativeRun): TypeScriptResult {
  process.stderr.write(`bench:book: TypeScript per call, batched (${options.reps} rounds, each between two core runs), reference book (child processes)\n`);
  const script = fileURLToPath(import.meta.url);
  const child = (engine: TsEngine, reps: number): Samples => {
    const args = [...process.execArgv, script, '--engine', engine, '--commands', String(options.commands),
      '--seed', String(options.seed), '--reps', String(reps), '--warmup', String(options.warmup)];
    const output = execFileSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', env: KEEP_HEAP_ENV, stdio: ['ignore', 'pipe', 'inherit'] });
    return Samples.fromJson(JSON.parse(output) as SamplesJson);
  };
  const perCall = child('percall', options.reps);
  // batched_vs_native brackets each batched child between two runs of the core, seconds before and
  // after it, and divides by their geometric mean: the core's rounds ran a minute earlier, and the
  // machine's speed changes from one process to the next (with a core run on one side only, one
  // run read 0.39).
  const core = (): number => (JSON.parse(run(['--engine', 'native', '--reps', '1'])) as OneEngineRun).ops[0]!;
  const batched = new Samples();
  const ratios: number[] = [];
  let coreBefore = core();
  for (let round = 0; round < options.reps; round++) {
    // A child's later runs are warmer (JIT): a short stream's first run after one warm-up is not.
    const one = child('batched', options.reps);
    const coreAfter = core();
    ratios.push(one.median / Math.sqrt(coreBefore * coreAfter));
    coreBefore = coreAfter;
    batched.absorb(one);
  }
  const reference = child('reference', options.reps);
  return { perCall, batched, reference, batchedVsNative: median(ratios), batchedVsNativeRounds: ratios };
}

interface TypeScriptResult {
  perCall: Samples;
  batched: Samples;
  reference: Samples;
  /** Median of batchedVsNativeRounds. */
  batchedVsNative: number;
  /** Per round: a batched child's median run over the geometric mean of the core runs around it. */
  batchedVsNativeRounds: number[];
}

function main(): void {
  const options = parseOptions();
  const stream = generateBookStream(options.commands, options.seed);
  if (options.engine !== undefined) {
    console.log(JSON.stringify(measureTypeScript(options.engine, stream, options.reps, options.warmup).toJson()));
    return;
  }
  if (options.breakdown) {
    const breakdown = runBreakdown(stream, options);
    console.log(options.json ? JSON.stringify(breakdown) : renderBreakdown(breakdown));
    return;
  }
  const [native, typeScript] = withNativeBench(stream, options, (run) => [runNativeBench(stream, options, run), runTypeScript(options, run)] as const);
  const result = summarize(options, stream, native, typeScript);
  console.log(options.json ? toJsonLine(result) : renderTable(result));
  const problems = disagreements(result);
  if (problems.length === 0) return;
  console.error(`bench:book: the engines disagree:\n  ${problems.join('\n  ')}`);
  if (native.first_divergence >= 0) {
    console.error(`  C++ core vs textbook: they first differ at command ${native.first_divergence} (0-based)`);
  }
  if (problems.some((problem) => problem.startsWith('reference'))) {
    console.error(`  native vs reference book: ${firstReferenceDivergence(stream)}`);
  }
  process.exitCode = 1;
}

type Result = ReturnType<typeof summarize>;

function summarize(
  options: Options,
  stream: BookStream,
  native: NativeBenchResult,
  { perCall, batched, reference, batchedVsNative, batchedVsNativeRounds }: TypeScriptResult,
) {
  const outcome = (name: string, tally: Tally) => ({
    [`${name}_trades`]: tally.trades,
    [`${name}_filled_qty`]: tally.filledQty,
    [`${name}_resting`]: tally.resting,
    [`${name}_rejected`]: tally.rejected,
  });
  return {
    commands: stream.count,
    seed: options.seed,
    core_build: coreBuild(path.join(ROOT, 'native', 'out', 'book_bench')),
    statistic: `median ops/s of the runs counted in *_runs (best in *_best_ops_per_s); native_vs_textbook*, native_vs_floor, floor_vs_textbook and batched_vs_native: medians of per-round ratios`,
    native_ops_per_s: native.native_ops_per_s,
    textbook_ops_per_s: native.textbook_ops_per_s,
    native_vs_textbook: native.native_vs_textbook,
    native_vs_textbook_min: native.native_vs_textbook_min,
    native_vs_textbook_max: native.native_vs_textbook_max,
    textbook_structures_ops_per_s: native.textbook_structures_ops_per_s,
    native_vs_textbook_structures: native.native_vs_textbook_structures,
    floor_ops_per_s: native.floor_ops_per_s,
    floor_vs_textbook: native.floor_vs_textbook,
    native_vs_floor: native.native_vs_floor,
    native_vs_floor_min: native.native_vs_floor_min,
    native_vs_floor_max: native.native_vs_floor_max,
    ts_percall_ops_per_s: Math.round(perCall.median),
    ts_batched_ops_per_s: Math.round(batched.median),
    batched_vs_native: batchedVsNative,
    batched_vs_native_min: Math.min(...batchedVsNativeRounds),
    batched_vs_native_max: Math.max(...batchedVsNativeRounds),
    reference_ops_per_s: Math.round(reference.median),
    bytes_per_resting_order: native.bytes_per_resting_order,
    rss_bytes_per_resting_order: native.rss_bytes_per_resting_order,
    memory_orders: native.memory_orders,
    native_runs: native.rounds,
    textbook_runs: native.rounds,
    textbook_structures_runs: native.rounds,
    floor_runs: native.rounds,
    ts_percall_runs: perCall.runs,
    ts_batched_runs: batched.runs,
    reference_runs: reference.runs,
    native_best_ops_per_s: native.native_best_ops_per_s,
    textbook_best_ops_per_s: native.textbook_best_ops_per_s,
    textbook_structures_best_ops_per_s: native.textbook_structures_best_ops_per_s,
    floor_best_ops_per_s: native.floor_best_ops_per_s,
    ts_percall_best_ops_per_s: Math.round(perCall.best),
    ts_batched_best_ops_per_s: Math.round(batched.best),
    reference_best_ops_per_s: Math.round(reference.best),
    news: stream.news,
    cancels: stream.cancels,
    iocs: stream.iocs,
    native_trades: native.native_trades,
    native_filled_qty: native.native_filled_qty,
    native_resting: native.native_resting,
    native_rejected: native.native_rejected,
    textbook_trades: native.textbook_trades,
    textbook_filled_qty: native.textbook_filled_qty,
    textbook_resting: native.textbook_resting,
    textbook_rejected: native.textbook_rejected,
    textbook_report_digest_agrees: native.report_digests_agree ? 1 : 0,
    textbook_structures_trades: native.textbook_structures_trades,
    textbook_structures_filled_qty: native.textbook_structures_filled_qty,
    textbook_structures_resting: native.textbook_structures_resting,
    floor_trades: native.floor_trades,
    floor_filled_qty: native.floor_filled_qty,
    floor_resting: native.floor_resting,
    floor_rejected: native.floor_rejected,
    floor_report_digest_agrees: native.floor_report_digests_agree ? 1 : 0,
    ...outcome('ts_percall', perCall.tally),
    ...outcome('ts_batched', batched.tally),
    ...outcome('reference', reference.tally),
  } as Record<string, number | string>;
}

const ENGINES = [
  ['native', 'C++ core (MatchingEngine::execute)'],
  ['textbook', 'C++ textbook (std::map + std::list)'],
  ['textbook_structures', 'C++ textbook, data structures alone'],
  ['floor', 'C++ floor (this stream only, no generality)'],
  ['ts_percall', 'TS -> native, one call per command'],
  ['ts_batched', `TS -> native, batches of ${BATCH_COMMANDS}`],
  ['reference', 'TS reference book'],
] as const;

/** Every engine against the C++ core: trades, filled quantity, resting orders; and no rejects. */
function disagreements(result: Result): string[] {
  const problems: string[] = [];
  for (const [name] of ENGINES) {
    for (const field of ['trades', 'filled_qty', 'resting']) {
      const value = result[`${name}_${field}`];
      const expected = result[`native_${field}`];
      if (value !== expected) problems.push(`${name} ${field} ${value} != native ${field} ${expected}`);
    }
    const rejected = result[`${name}_rejected`];
    if (rejected !== undefined && rejected !== 0) problems.push(`${name} rejected ${rejected} orders of a valid stream`);
  }
  if (result.textbook_report_digest_agrees !== 1) problems.push('textbook report stream differs from the native one (report_digest)');
  if (result.floor_report_digest_agrees !== 1) problems.push('floor report stream differs from the native one (report_digest)');
  return problems;
}

function renderTable(result: Result): string {
  const number = (key: string): number => result[key] as number;
  const rows = ENGINES.map(([name, label]) => [
    label,
    formatCount(number(`${name}_ops_per_s`)),
    formatCount(number(`${name}_best_ops_per_s`)),
    String(number(`${name}_runs`)),
    formatRatio(number(`${name}_ops_per_s`) / number('native_ops_per_s')),
    formatCount(number(`${name}_trades`)),
    formatCount(number(`${name}_filled_qty`)),
  ]);
  // "vs core" divides medians; the ratios printed below the table are medians of per-round ratios.
  const table = alignedTable(['engine', 'median ops/s', 'best ops/s', 'runs', 'vs core median', 'trades', 'filled qty'], rows);
  return [
    `${formatCount(number('commands'))} commands (seed ${result.seed}): ${formatCount(number('news'))} new ` +
      `(${formatCount(number('iocs'))} IOC), ${formatCount(number('cancels'))} cancels; the core as the addon was built (${String(result.core_build)})`,
    '',
    table,
    '',
    `core vs textbook:        ${formatRatio(number('native_vs_textbook'))} (rounds ${formatRatio(number('native_vs_textbook_min'))} to ${formatRatio(number('native_vs_textbook_max'))}; ` +
      `its data structures alone: ${formatRatio(number('native_vs_textbook_structures'))}; medians of per-round ratios)`,
    `core vs floor:           ${formatRatio(number('native_vs_floor'))} (rounds ${formatRatio(number('native_vs_floor_min'))} to ${formatRatio(number('native_vs_floor_max'))}; ` +
      `the floor vs textbook: ${formatRatio(number('floor_vs_textbook'))}, what a book with no generality reaches)`,
    `batched TS vs core:      ${formatRatio(number('batched_vs_native'))} (rounds ${formatRatio(number('batched_vs_native_min'))} to ${formatRatio(number('batched_vs_native_max'))}; ` +
      `each round a batched child over the core runs before and after it)`,
    `memory per resting order (${formatCount(number('memory_orders'))} resting): ` +
      `${number('bytes_per_resting_order').toFixed(1)} B by stats().memory_bytes, ` +
      `${number('rss_bytes_per_resting_order').toFixed(1)} B by RSS growth`,
  ].join('\n');
}

main();
