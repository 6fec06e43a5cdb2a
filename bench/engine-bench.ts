/**
 * bench:engine — the threaded engine end to end, every report delivered to and decoded in JS.
 *
 * 1. Maximum sustained throughput from 1, 2 and 4 worker threads, through SharedArrayBuffer rings
 *    and through per-call submits. Each worker owns one symbol and one owner and sends limit orders
 *    that alternate buy/sell at one price (every second order fills: 2 reports per order on
 *    average); the clock stops when each worker has received the ACCEPTED report of all its orders.
 *    Comparator, measured in the same run: the same flow through the inline engine's batched API
 *    on one thread (batches of 2,048, every report decoded), and the ratio threaded / inline.
 * 2. Open-loop latency at the seed's example load: 100 agents x 100 orders/s (Poisson) in one
 *    worker, measured in that worker from each order's planned send time to its ACCEPTED report and
 *    to its first fill (orders that fill on arrival), HDR histograms; with the default options and
 *    latency-tuned (the shard busy-spins between orders). Comparator, measured first in the same
 *    run: the machine's own pauses seen by a JS thread doing nothing else (hiccup-worker.ts), the
 *    floor under any tail this benchmark can show.
 *
 * Usage: npm run bench:engine [-- --json] [--orders N] [--seconds S] [--warmup S] [--shards N] [--spin-ns NS] [--only throughput|latency]
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { decodeHistogram } from '../sim/metrics/hdr.js';
import { Engine } from '../engine/engine.js';
import { Action, COMMAND_SLOTS, ExecKind, OrderType, REPORT_SLOTS, ReportSlot } from '../engine/protocol.js';
import { ThreadedEngine } from '../engine/threaded-engine.js';
import { SHARDS_MAX, SPIN_NS_MAX } from '../engine/threaded-options.js';
import type { InstrumentConfig } from '../engine/types.js';
import { alignedTable, formatCount } from './format.js';
import { choiceOption, integerOption, numberOption, parseBenchOptions } from './options.js';
import type { HiccupResult } from './hiccup-worker.js';

const SEED_ORDERS_PER_S = '5,000-8,000';
const SEED_LATENCY_US = '100-500';
const TARGET_ORDERS_PER_S = 2_000_000;
const TARGET_ACK_P99_US = 100;
const TARGET_FILL_P999_US = 500;
/** The latency-tuned configuration: a shard spins this long after its last command. */
const TUNED_SPIN_NS = 1_000_000;
const HICCUP_SECONDS = 3;

const USAGE = 'npm run bench:engine [-- --json] [--orders N] [--seconds S] [--warmup S] [--shards N] [--spin-ns NS] [--only throughput|latency]';
const ORDERS_PER_WORKER_MAX = 100_000_000;
const SECONDS_MAX = 3_600;
const config = {
  options: {
    json: { type: 'boolean', default: false },
    orders: { type: 'string', default: '1000000' },
    seconds: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '1' },
    // 0: the engine's default shard count.
    shards: { type: 'string', default: '0' },
    // Absent: the default options (and the latency-tuned run beside them).
    'spin-ns': { type: 'string' },
    only: { type: 'string' },
  },
} as const;
const { json, ordersPerWorker, latencySeconds, warmupSeconds, shardsOption, spinNsOption, only } = parseBenchOptions('bench:engine', USAGE, config, (values) => ({
  json: values.json,
  ordersPerWorker: integerOption('orders', values.orders, 1, ORDERS_PER_WORKER_MAX),
  latencySeconds: numberOption('seconds', values.seconds, 0.1, SECONDS_MAX),
  warmupSeconds: numberOption('warmup', values.warmup, 0, SECONDS_MAX),
  shardsOption: integerOption('shards', values.shards, 0, SHARDS_MAX),
  spinNsOption: values['spin-ns'] === undefined ? undefined : integerOption('spin-ns', values['spin-ns'], 0, SPIN_NS_MAX),
  only: values.only === undefined ? undefined : choiceOption('only', values.only, ['throughput', 'latency'] as const),
}));

const here = path.dirname(fileURLToPath(import.meta.url));
const instruments = (count: number): InstrumentConfig[] =>
  Array.from({ length: count }, (_, i) => ({ symbol: `B${i}`, tickSize: 1, lotSize: 1, maxOrderQuantity: 1_000_000, referencePrice: 1000, bandBps: 5000 }));

function spawn(data: Record<string, unknown>): Worker {
  return new Worker(path.join(here, 'engine-bench-bootstrap.mjs'), { workerData: { entry: path.join(here, 'engine-bench-worker.ts'), ...data } });
}

function nextMessage<T>(worker: Worker): Promise<T> {
  return new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
}

function engineFor(symbols: number, spinNs: number | undefined = spinNsOption): ThreadedEngine {
  const options = {
    instruments: instruments(symbols),
    ...(shardsOption > 0 ? { shards: Math.min(shardsOption, symbols) } : {}),
    ...(spinNs !== undefined ? { spinNs } : {}),
  };
  return new ThreadedEngine(options);
}

async function throughput(mode: 'sab' | 'calls', workers: number): Promise<{ ordersPerS: number; reportsPerS: number }> {
  const engine = engineFor(workers);
  // No catch-all subscriber: each worker's owner is its own symbol's only trader (a fill's maker is
  // the same owner), so every report goes to exactly one worker.
  const threads = Array.from({ length: workers }, (_, i) =>
    spawn({ role: 'throughput', engineId: engine.id, mode, owner: i + 1, symbol: i, orders: ordersPerWorker, ...(mode === 'sab' ? { rings: engine.createRings(1 << 16) } : {}) }),
  );
  // Listen for exits now: a worker may exit before its result has been awaited.
  const exits = threads.map((worker) => new Promise((resolve) => worker.once('exit', resolve)));
  await Promise.all(threads.map((worker) => nextMessage(worker)));
  const results = threads.map((worker) => nextMessage<{ orders: number; reports: number; elapsedNs: number }>(worker));
  for (const worker of threads) worker.postMessage('go');
  const done = await Promise.all(results);
  await Promise.all(exits);
  await engine.close();
  const elapsedS = Math.max(...done.map((r) => r.elapsedNs)) / 1e9;
  const orders = done.reduce((sum, r) => sum + r.orders, 0);
  const reports = done.reduce((sum, r) => sum + r.reports, 0);
  return { ordersPerS: orders / elapsedS, reportsPerS: reports / elapsedS };
}

/** The machine's pauses, measured alone in this run (hiccup-worker.ts): the floor of any tail. */
async function hiccups(seconds: number): Promise<HiccupResult> {
  const worker = spawn({ entry: path.join(here, 'hiccup-worker.ts'), seconds });
  const result = await nextMessage<HiccupResult>(worker);
  await new Promise((resolve) => worker.once('exit', resolve));
  return result;
}

async function latency(spinNs: number | undefined): Promise<Record<string, number>> {
  const engine = engineFor(4, spinNs);
  const worker = spawn({ role: 'latency', engineId: engine.id, agents: 100, ratePerAgent: 100, seconds: latencySeconds, warmupSeconds, symbols: 4, seed: 20240601 });
  const exited = new Promise((resolve) => worker.once('exit', resolve));
  await nextMessage(worker);
  const result = nextMessage<{ sent: number; busy: number; acked: number; ack: string; fill: string; stagesUs: Record<string, number>; stagesP99Us: Record<string, number> }>(worker);
  worker.postMessage('go');
  const r = await result;
  await exited;
  await engine.close();
  const ack = decodeHistogram(r.ack);
  const fill = decodeHistogram(r.fill);
  const us = (ns: number): number => ns / 1000;
  return {
    latency_orders: r.sent,
    latency_busy: r.busy,
    latency_fills: fill.totalCount,
    ack_p50_us: us(ack.getValueAtPercentile(50)),
    ack_p99_us: us(ack.getValueAtPercentile(99)),
    ack_p999_us: us(ack.getValueAtPercentile(99.9)),
    ack_max_us: us(ack.maxValue),
    fill_p50_us: us(fill.getValueAtPercentile(50)),
    fill_p99_us: us(fill.getValueAtPercentile(99)),
    fill_p999_us: us(fill.getValueAtPercentile(99.9)),
    fill_max_us: us(fill.maxValue),
    ack_mean_send_us: r.stagesUs.send!,
    ack_mean_match_us: r.stagesUs.match!,
    ack_mean_dispatch_us: r.stagesUs.dispatch!,
    ack_mean_deliver_us: r.stagesUs.deliver!,
    ack_p99_send_us: r.stagesP99Us.send!,
    ack_p99_match_us: r.stagesP99Us.match!,
    ack_p99_dispatch_us: r.stagesP99Us.dispatch!,
    ack_p99_deliver_us: r.stagesP99Us.deliver!,
  };
}

/** The throughput flow of one worker through the inline engine, batched, on this thread. */
function inlineThroughput(): number {
  const engine = new Engine({ instruments: instruments(1) });
  const batchCommands = 2_048;
  const records = new Float64Array(batchCommands * COMMAND_SLOTS);
  let acks = 0;
  const started = process.hrtime.bigint();
  for (let sent = 0; sent < ordersPerWorker; ) {
    const count = Math.min(batchCommands, ordersPerWorker - sent);
    for (let i = 0; i < count; i++) {
      records.set([Action.NEW, 0, 1, sent + i + 1, 0, (sent + i) & 1, OrderType.LIMIT, 1000, 1], i * COMMAND_SLOTS);
    }
    const batch = engine.executeBatch(records, count);
    for (let at = 0; at < batch.count * REPORT_SLOTS; at += REPORT_SLOTS) {
      const kind = batch.records[at + ReportSlot.kind];
      if (kind === ExecKind.ACCEPTED || kind === ExecKind.REJECTED) acks++;
    }
    sent += count;
  }
  if (acks !== ordersPerWorker) throw new Error(`inline comparator: ${acks} acks for ${ordersPerWorker} orders`);
  return ordersPerWorker / (Number(process.hrtime.bigint() - started) / 1e9);
}

const result: Record<string, number | string> = {};
const rows: string[][] = [];
for (const mode of only === 'latency' ? [] : (['sab', 'calls'] as const)) {
  for (const workers of [1, 2, 4]) {
    const { ordersPerS, reportsPerS } = await throughput(mode, workers);
    result[`${mode}_${workers}w_orders_per_s`] = Math.round(ordersPerS);
    rows.push([`${mode === 'sab' ? 'SharedArrayBuffer ring' : 'per-call submit'}, ${workers} worker${workers > 1 ? 's' : ''}`, formatCount(ordersPerS), formatCount(reportsPerS)]);
  }
}
if (rows.length > 0) {
  result.max_orders_per_s = Math.max(...Object.values(result).filter((v): v is number => typeof v === 'number'));
  result.inline_batched_orders_per_s = Math.round(inlineThroughput());
  result.threaded_vs_inline = Math.round(((result.max_orders_per_s as number) / result.inline_batched_orders_per_s) * 1_000) / 1_000;
}
if (only !== 'throughput') {
  const floor = await hiccups(HICCUP_SECONDS);
  result.machine_pause_time_pct = floor.pauseTimePct;
  result.machine_pause_p99_us = floor.p99Us;
  result.machine_pause_p999_us = floor.p999Us;
  result.machine_pause_max_us = floor.maxUs;
  result.machine_pauses_over_100us = floor.pausesOver100Us;
  Object.assign(result, await latency(spinNsOption));
  // The same load with the shard busy-spinning across the gaps between orders (LMAX's busy-spin
  // wait strategy): a core for the lowest latency. Skipped when --spin-ns chose one setting.
  if (spinNsOption === undefined) {
    for (const [key, value] of Object.entries(await latency(TUNED_SPIN_NS))) result[`tuned_${key}`] = value;
  }
}
result.shards = engineShards();
result.orders_per_worker = ordersPerWorker;

function engineShards(): number {
  const engine = engineFor(4);
  const shards = engine.shards;
  engine.shutdownNow();
  return shards;
}

if (json) {
  console.log(JSON.stringify(result));
} else {
  if (rows.length > 0) printThroughput();
  if (only !== 'throughput') printLatency();
}

function printThroughput(): void {
  console.log(`Throughput (every report delivered to and decoded in JS; ${formatCount(ordersPerWorker)} orders per worker, ${result.shards} shard(s))`);
  console.log(alignedTable(['configuration', 'orders/s', 'reports/s'], rows));
  console.log(`max_orders_per_s ${formatCount(result.max_orders_per_s as number)} (target >= ${formatCount(TARGET_ORDERS_PER_S)}; seed: ${SEED_ORDERS_PER_S} orders/s)`);
  console.log(`comparator, same run: the inline engine batched on one thread ${formatCount(result.inline_batched_orders_per_s as number)} orders/s; threaded / inline ${result.threaded_vs_inline}\n`);
}

function printLatency(): void {
  const f = (key: string): string => (result[key] as number).toFixed(1);
  console.log(`Open-loop latency, 100 agents x 100 orders/s Poisson, ${latencySeconds} s after a ${warmupSeconds} s warm-up, from planned send time, in JS (us)`);
  const configurations: [string, string][] = [[spinNsOption === undefined ? 'default options' : `spinNs ${spinNsOption}`, '']];
  if ('tuned_ack_p99_us' in result) configurations.push([`tuned: spinNs ${TUNED_SPIN_NS}`, 'tuned_']);
  const rows: string[][] = [];
  for (const [name, p] of configurations) {
    rows.push([`${name}, to ack`, f(`${p}ack_p50_us`), f(`${p}ack_p99_us`), f(`${p}ack_p999_us`), f(`${p}ack_max_us`), `p99 <= ${TARGET_ACK_P99_US}`, SEED_LATENCY_US]);
    rows.push([`${name}, to first fill`, f(`${p}fill_p50_us`), f(`${p}fill_p99_us`), f(`${p}fill_p999_us`), f(`${p}fill_max_us`), `p99.9 <= ${TARGET_FILL_P999_US}`, SEED_LATENCY_US]);
  }
  console.log(alignedTable(['measure', 'p50', 'p99', 'p99.9', 'max', 'target', 'seed'], rows));
  for (const [name, p] of configurations) {
    console.log(`${name}: ${result[`${p}latency_orders`]} orders, ${result[`${p}latency_busy`]} BUSY, ${result[`${p}latency_fills`]} filled on arrival`);
    console.log(
      `  p99 ack time by stage (us): planned->receipt ${f(`${p}ack_p99_send_us`)}, receipt->match ${f(`${p}ack_p99_match_us`)}, ` +
        `match->dispatch ${f(`${p}ack_p99_dispatch_us`)}, dispatch->JS ${f(`${p}ack_p99_deliver_us`)}`,
    );
  }
  console.log(
    `machine floor, same run (a JS thread reading the clock alone for ${HICCUP_SECONDS} s): ${f('machine_pause_time_pct')}% of the time in pauses >= 10 us, ` +
      `${result.machine_pauses_over_100us} pauses >= 100 us; a random instant falls in a pause >= ${f('machine_pause_p99_us')} us 1% of the time ` +
      `(>= ${f('machine_pause_p999_us')} us 0.1%), longest ${f('machine_pause_max_us')} us`,
  );
}
