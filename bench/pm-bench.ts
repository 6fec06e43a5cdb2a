/**
 * `npm run bench:pm [-- --json] [--reps R]`: position-manager throughput.
 *
 * Setup (outside the clock): 100 instruments, a PM whose targets put 100 resting children of 100
 * on each, so 10,000 live orders; a gateway that drops commands; a fixed BBO.
 *
 * pm_reports_per_s: a stream of 11 reports per live order (ACCEPTED, 9 partial fills, FILLED:
 *   110,000 reports, interleaved across orders) through PositionManager.onReport; each final fill
 *   triggers the symbol's reconcile, which sends the next child. Comparator: the seed's design
 *   (section 1.4, question 9), which after every confirmation recomputes the working position by
 *   scanning the live orders.
 * pm_reconcile_us: one reconcile pass over all 100 symbols with 10,000+ live orders: every
 *   symbol's target is raised by one child, then `tick` applies the 100 targets, reconciles each
 *   symbol and sends 100 children. Comparator: the same decisions with the working position of
 *   each symbol computed by a full scan of the live orders.
 * Each figure is the median of R repetitions (default 7) on a fresh PM; the machine is shared.
 */
import { ExecKind, Side } from '../engine/protocol.js';
import { PositionManager } from '../engine/pm/position-manager.js';
import type { Command, ExecutionReport, InstrumentConfig } from '../engine/types.js';
import { alignedTable, formatCount, formatRatio, toJsonLine } from './format.js';
import { RUNS_MAX, integerOption, parseBenchOptions } from './options.js';

const SYMBOLS = 100;
const ORDERS_PER_SYMBOL = 100;
const CHILD = 100;
const PARTIALS = 9;
const RECONCILE_PASSES = 400;
const OWNER = 1;

const instruments: InstrumentConfig[] = Array.from({ length: SYMBOLS }, (_, i) => ({
  symbol: `S${i}`, tickSize: 1, lotSize: 1, maxOrderQuantity: 1_000_000, referencePrice: 10_000, bandBps: 5_000,
}));
const BBO = { bid: { price: 9_999, quantity: 100, count: 1 }, ask: { price: 10_001, quantity: 100, count: 1 } };

interface Setup {
  pm: PositionManager;
  sent: Command[];
  clock: { ns: number; nowNs(): number };
}

function setup(): Setup {
  const sent: Command[] = [];
  const clock = { ns: 0, nowNs() { return this.ns; } };
  const pm = new PositionManager(
    { owner: OWNER, instruments, pricePolicy: 'join', childQuantityMax: CHILD, childOrdersLiveMax: 1 << 30, cancelWaveIntervalNs: 0, closedOrdersMax: 1 << 20 },
    { gateway: { send: (command) => sent.push(command) }, marketData: { bbo: () => BBO }, clock },
  );
  for (let s = 0; s < SYMBOLS; s += 1) pm.setTarget(s, ORDERS_PER_SYMBOL * CHILD);
  pm.tick(0);
  if (pm.liveOrderCount !== SYMBOLS * ORDERS_PER_SYMBOL) throw new Error(`setup: ${pm.liveOrderCount} live orders`);
  return { pm, sent, clock };
}

function reportStream(commands: readonly Command[]): ExecutionReport[] {
  const reports: ExecutionReport[] = [];
  let seq = 0;
  const make = (c: Command, kind: ExecutionReport['kind'], last: number, cum: number): ExecutionReport => ({
    seq: ++seq, kind, reason: 0, orderId: c.clientOrderId, owner: OWNER, clientOrderId: c.clientOrderId, symbol: c.symbol, side: c.side,
    price: c.price, quantity: c.quantity, lastQuantity: last, lastPrice: c.price, cumQuantity: cum, leavesQuantity: c.quantity - cum,
    tradeId: seq, tsReceiveNs: 0, tsMatchNs: 0, tsDispatchNs: 0,
  });
  const step = CHILD / (PARTIALS + 1);
  for (let round = 0; round <= PARTIALS + 1; round += 1) {
    for (const c of commands) {
      if (round === 0) reports.push(make(c, ExecKind.ACCEPTED, 0, 0));
      else reports.push(make(c, round === PARTIALS + 1 ? ExecKind.FILLED : ExecKind.PARTIALLY_FILLED, step, step * round));
    }
  }
  return reports;
}

/** The seed's PM shape: orders in one map, working position recomputed by a scan per confirmation. */
interface NaiveOrder { symbol: number; buy: boolean; quantity: number; filled: number; live: boolean }
class NaivePm {
  readonly orders = new Map<number, NaiveOrder>();
  readonly positions = new Float64Array(SYMBOLS);
  readonly targets = new Float64Array(SYMBOLS);
  decisions = 0;
  add(id: number, symbol: number, buy: boolean, quantity: number): void {
    this.orders.set(id, { symbol, buy, quantity, filled: 0, live: true });
  }
  onReport(r: ExecutionReport): void {
    const order = this.orders.get(r.clientOrderId);
    if (order === undefined) return;
    if (r.kind === ExecKind.PARTIALLY_FILLED || r.kind === ExecKind.FILLED) {
      const q = r.cumQuantity - order.filled;
      order.filled = r.cumQuantity;
      this.positions[order.symbol] = (this.positions[order.symbol] as number) + (order.buy ? q : -q);
      if (r.leavesQuantity === 0) order.live = false;
    }
    this.reconcile(order.symbol);
  }
  reconcile(symbol: number): void {
    let working = this.positions[symbol] as number;
    for (const o of this.orders.values()) if (o.live && o.symbol === symbol) working += (o.buy ? 1 : -1) * (o.quantity - o.filled);
    if ((this.targets[symbol] as number) - working >= 1) this.decisions += 1;
  }
}

function naiveFrom(commands: readonly Command[]): NaivePm {
  const naive = new NaivePm();
  for (const c of commands) naive.add(c.clientOrderId, c.symbol, c.side === Side.BUY, c.quantity);
  for (let s = 0; s < SYMBOLS; s += 1) naive.targets[s] = ORDERS_PER_SYMBOL * CHILD;
  return naive;
}

const seconds = (start: bigint): number => Number(process.hrtime.bigint() - start) / 1e9;
const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
};

function measureReports(): { pm: number; naive: number } {
  const { pm, sent } = setup();
  const stream = reportStream(sent.slice());
  let start = process.hrtime.bigint();
  for (const report of stream) pm.onReport(report);
  const pmRate = stream.length / seconds(start);
  if (pm.position(0) !== ORDERS_PER_SYMBOL * CHILD) throw new Error(`reports: position ${pm.position(0)}`);
  const naive = naiveFrom(sent);
  const sample = stream.slice(0, 11_000);
  start = process.hrtime.bigint();
  for (const report of sample) naive.onReport(report);
  return { pm: pmRate, naive: sample.length / seconds(start) };
}

function measureReconcile(): { pm: number; naive: number } {
  const { pm, sent, clock } = setup();
  const times: number[] = [];
  for (let pass = 1; pass <= RECONCILE_PASSES; pass += 1) {
    clock.ns = pass;
    const before = sent.length;
    const start = process.hrtime.bigint();
    for (let s = 0; s < SYMBOLS; s += 1) pm.setTarget(s, (ORDERS_PER_SYMBOL + pass) * CHILD);
    pm.tick(pass);
    times.push(seconds(start) * 1e6);
    if (sent.length !== before + SYMBOLS) throw new Error(`reconcile pass ${pass}: sent ${sent.length - before}`);
  }
  const naive = naiveFrom(sent.slice(0, SYMBOLS * ORDERS_PER_SYMBOL));
  const naiveTimes: number[] = [];
  for (let pass = 0; pass < 20; pass += 1) {
    const start = process.hrtime.bigint();
    for (let s = 0; s < SYMBOLS; s += 1) naive.reconcile(s);
    naiveTimes.push(seconds(start) * 1e6);
  }
  return { pm: median(times), naive: median(naiveTimes) };
}

function main(): void {
  const config = { options: { json: { type: 'boolean', default: false }, reps: { type: 'string', default: '7' } } } as const;
  const { json, reps } = parseBenchOptions('bench:pm', 'npm run bench:pm [-- --json] [--reps R]', config, (values) => ({
    json: values.json,
    reps: integerOption('reps', values.reps, 1, RUNS_MAX),
  }));
  measureReports();
  measureReconcile();
  const reports = Array.from({ length: reps }, measureReports);
  const reconciles = Array.from({ length: reps }, measureReconcile);
  const result = {
    pm_reports_per_s: median(reports.map((r) => r.pm)),
    naive_reports_per_s: median(reports.map((r) => r.naive)),
    pm_reconcile_us: median(reconciles.map((r) => r.pm)),
    naive_reconcile_us: median(reconciles.map((r) => r.naive)),
    live_orders: SYMBOLS * ORDERS_PER_SYMBOL,
    symbols: SYMBOLS,
    reps,
  };
  const reportsSpeedup = result.pm_reports_per_s / result.naive_reports_per_s;
  const reconcileSpeedup = result.naive_reconcile_us / result.pm_reconcile_us;
  if (json) {
    console.log(toJsonLine({ ...result, reports_speedup: reportsSpeedup, reconcile_speedup: reconcileSpeedup }));
    return;
  }
  console.log(`position manager: ${formatCount(result.live_orders)} live orders across ${result.symbols} symbols, median of ${reps}`);
  console.log(alignedTable(
    ['figure', 'incremental PM', 'naive full scan', 'ratio', 'target'],
    [
      ['reports/s (onReport)', formatCount(result.pm_reports_per_s), formatCount(result.naive_reports_per_s), formatRatio(reportsSpeedup), '>= 1,000,000'],
      ['reconcile pass, us', result.pm_reconcile_us.toFixed(1), result.naive_reconcile_us.toFixed(1), formatRatio(reconcileSpeedup), '<= 50'],
    ],
  ));
}

main();
