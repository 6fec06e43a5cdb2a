/**
 * Replays a LOBSTER sample (real NASDAQ order flow) through an engine and checks the book it builds
 * against LOBSTER's own order-book file after every message.
 *
 * Each visible event becomes an engine command:
 * - a new limit order (1) rests as POST_ONLY: LOBSTER lists the marketable part of an order as
 *   executions, so what it lists as new never crosses the true book, and a reject here means the
 *   replayed book crossed;
 * - a partial cancel (2) is a MODIFY down to the shares left (time priority kept), a delete (3) a
 *   CANCEL;
 * - an execution of a visible order (4) is matched, not applied: an IOC from another owner takes the
 *   shares at the order's price, and the replay checks that matching gave them to that order. A
 *   fill of another order (a few executions sharing a timestamp are listed out of queue order) is
 *   counted and repaired.
 * Hidden executions (5), cross trades (6) and halts (7) do not change the visible book.
 *
 * A level-N file lists only the events at prices inside the top N levels at that moment, so the
 * book outside that window cannot be known: orders from before the window, or placed, cancelled or
 * executed outside it, never appear. Row by row, at prices inside the previous row's window the
 * replayed book must equal the file (a mismatch is an engine bug, counted, shown, then repaired so
 * one error does not cascade); at prices that have just entered the window the level is adopted
 * from the file (revealed): the missing shares rest as orders of a separate owner, excess shares
 * are taken as takeFromLevel says. Only prices inside both the previous and the current row's
 * window can be compared: the current row does not show the others.
 */
import { InvariantError, LobsimError } from '../../../engine/errors.js';
import { ExecKind, OrderType, reasonName, REPORT_SLOTS, Side, type SideCode } from '../../../engine/protocol.js';
import { encodeReport } from '../../../engine/records.js';
import type { ExecutionReport, InstrumentConfig, Level, OrderBookEngine } from '../../../engine/types.js';
import { EventLogHash, wordsOf } from '../../deterministic/event-log-hash.js';
import { BookColumn, LOBSTER_EMPTY_ASK_PRICE, type LobsterBookFile } from './book-file.js';
import { LOBSTER_SIZE_MAX, LOBSTER_TICK, LobsterEvent, type LobsterMessages } from './messages.js';

const OWNER_VISIBLE = 1;
const OWNER_AGGRESSOR = 2;
const OWNER_REVEALED = 3;
/** Engine order keys: owner * KEY_OWNER_STRIDE + client order id (the parser keeps ids below 2^40). */
const KEY_OWNER_STRIDE = 2 ** 40;
const MISMATCHES_KEPT = 10;
/** More levels than any book holds between its best price and the window's edge. */
const DEPTH_LEVELS_MAX = 1 << 22;

const EVENT_NAMES = ['new', 'partialCancel', 'delete', 'executeVisible', 'executeHidden', 'cross', 'halt'] as const;
type EventName = (typeof EVENT_NAMES)[number];

export interface LobsterMismatch {
  /** 1-based line of the order-book file (and of the message that led to it). */
  row: number;
  side: 'bid' | 'ask';
  price: number;
  expected: number;
  actual: number;
}

export interface LobsterReplaySummary {
  symbol: string;
  levels: number;
  messages: number;
  events: Record<EventName, number>;
  commands: number;
  trades: number;
  filledQty: number;
  /** Cancels, deletes and executions of orders the replay never saw placed (or already gone). */
  unknownOrderEvents: number;
  /** Executions of visible orders that matching gave to exactly the order LOBSTER names. */
  executionsMatched: number;
  /** Executions LOBSTER lists out of queue order (the named order was not first): applied to it directly. */
  executionsOutOfQueueOrder: number;
  /** Executions of the order first in queue that matching gave (partly) elsewhere: an engine bug; repaired. */
  executionsMisrouted: number;
  /** Executions whose message price differs from the named order's price. */
  executionPriceMismatches: number;
  /** Executions of unknown orders, taken from revealed liquidity at their price. */
  executionsOfRevealed: number;
  /** Deletes whose remaining size differs from the replayed order's leaves, partial cancels of all of them (a change unseen). */
  deleteSizeMismatches: number;
  /** New orders the engine rejected, by reason (POST_ONLY_WOULD_CROSS: the book crossed). */
  newOrdersRejected: Record<string, number>;
  rowsCompared: number;
  levelsCompared: number;
  mismatchedLevels: number;
  mismatchedRows: number;
  firstMismatches: LobsterMismatch[];
  revealedLevels: number;
  revealedQtyAdded: number;
  revealedQtyRemoved: number;
  restingOrders: number;
  /** The event-log hash (sim/deterministic) of every report record, in order: equal engines give equal digests. */
  reportDigest: string;
  elapsedMs: number;
  messagesPerSecond: number;
}

/** A replay passes when the book equalled the file at every known price, matching served every execution to the order first in queue, and the engine rejected no order. */
export function lobsterReplayPassed(summary: LobsterReplaySummary): boolean {
  return summary.mismatchedLevels === 0 && summary.executionsMisrouted === 0 && Object.keys(summary.newOrdersRejected).length === 0;
}

/** The instrument of a replay: LOBSTER's raw price units, a cent tick, a band of +-50% around the first mid. */
export function lobsterInstrument(symbol: string, book: LobsterBookFile): InstrumentConfig {
  const ask = book.data[BookColumn.askPrice]!;
  const bid = book.data[BookColumn.bidPrice]!;
  const mid = ask > 0 && ask < LOBSTER_EMPTY_ASK_PRICE && bid > 0 ? (ask + bid) / 2 : bid > 0 ? bid : ask;
  if (!(mid > 0 && mid < LOBSTER_EMPTY_ASK_PRICE)) throw new LobsimError('LOBSIM_ERR_INPUT', 'order-book file: its first row has neither a bid nor an ask to center the price band on');
  return {
    symbol,
    tickSize: LOBSTER_TICK,
    lotSize: 1,
    maxOrderQuantity: LOBSTER_SIZE_MAX,
    referencePrice: Math.round(mid / LOBSTER_TICK) * LOBSTER_TICK,
    bandBps: 5_000,
  };
}

interface LiveOrder {
  owner: number;
  clientOrderId: number;
  side: SideCode;
  price: number;
  leaves: number;
}

/** The visible side of one order-book row: prices best first, and the window they span. */
interface RowSide {
  prices: number[];
  sizes: number[];
  /** Fewer than N levels: the whole side is visible. */
  whole: boolean;
}

class ReplayState {
  readonly live = new Map<number, LiveOrder>();
  /** Per (side, price): the keys of its live orders in queue order (Map keeps insertion order). */
  readonly queues = new Map<number, Set<number>>();
  readonly hash = new EventLogHash();
  private readonly record = new Float64Array(REPORT_SLOTS);
  private readonly recordWords = wordsOf(this.record);
  commands = 0;
  trades = 0;
  filledQty = 0;
  private lastTradeId = 0;

  static key(owner: number, clientOrderId: number): number {
    return owner * KEY_OWNER_STRIDE + clientOrderId;
  }

  static levelKey(side: SideCode, price: number): number {
    return side === Side.BUY ? price : -price;
  }

  queue(side: SideCode, price: number): Set<number> {
    const levelKey = ReplayState.levelKey(side, price);
    let queue = this.queues.get(levelKey);
    if (queue === undefined) {
      queue = new Set();
      this.queues.set(levelKey, queue);
    }
    return queue;
  }

  /** Keeps `live` and `queues` in step with the engine's reports, folds them into the digest. */
  absorb(reports: ExecutionReport[]): void {
    this.commands++;
    for (const report of reports) {
      this.fold(report);
      const key = ReplayState.key(report.owner, report.clientOrderId);
      switch (report.kind) {
        case ExecKind.ACCEPTED:
          if (report.owner !== OWNER_AGGRESSOR) {
            const order: LiveOrder = { owner: report.owner, clientOrderId: report.clientOrderId, side: report.side, price: report.price, leaves: report.leavesQuantity };
            this.live.set(key, order);
            this.queue(order.side, order.price).add(key);
          }
          break;
        case ExecKind.PARTIALLY_FILLED:
        case ExecKind.FILLED:
          if (report.tradeId !== this.lastTradeId) {
            this.lastTradeId = report.tradeId;
            this.trades++;
            this.filledQty += report.lastQuantity;
          }
          if (report.owner !== OWNER_AGGRESSOR) this.setLeaves(key, report.leavesQuantity);
          break;
        case ExecKind.CANCELLED:
          this.setLeaves(key, 0);
          break;
        case ExecKind.REPLACED: {
          const order = this.live.get(key);
          if (order !== undefined && report.leavesQuantity > order.leaves) {
            // A modify up loses time priority: the order moves to the back of its queue.
            const queue = this.queue(order.side, order.price);
            queue.delete(key);
            queue.add(key);
          }
          this.setLeaves(key, report.leavesQuantity);
          break;
        }
        default:
          break;
      }
    }
  }

  private setLeaves(key: number, leaves: number): void {
    const order = this.live.get(key);
    if (order === undefined) return;
    if (leaves > 0) {
      order.leaves = leaves;
      return;
    }
    this.live.delete(key);
    const levelKey = ReplayState.levelKey(order.side, order.price);
    const queue = this.queues.get(levelKey)!;
    queue.delete(key);
    if (queue.size === 0) this.queues.delete(levelKey);
  }

  private fold(report: ExecutionReport): void {
    encodeReport(report, this.record, 0);
    this.hash.addRecords(this.recordWords, 0, 1, REPORT_SLOTS);
  }
}

function readRowSide(book: LobsterBookFile, row: number, side: SideCode): RowSide {
  const priceColumn = side === Side.BUY ? BookColumn.bidPrice : BookColumn.askPrice;
  const prices: number[] = [];
  const sizes: number[] = [];
  for (let level = 0; level < book.levels; level++) {
    const at = (row * book.levels + level) * 4;
    const price = book.data[at + priceColumn]!;
    const size = book.data[at + priceColumn + 1]!;
    if (size === 0 || Math.abs(price) === LOBSTER_EMPTY_ASK_PRICE) break;
    prices.push(price);
    sizes.push(size);
  }
  return { prices, sizes, whole: prices.length < book.levels };
}

function inWindow(window: RowSide, side: SideCode, price: number): boolean {
  if (window.whole) return true;
  const edge = window.prices[window.prices.length - 1]!;
  return side === Side.BUY ? price >= edge : price <= edge;
}

const opposite = (side: SideCode): SideCode => (side === Side.BUY ? Side.SELL : Side.BUY);

/** `names`: what errors call the two files. */
export function replayLobster(engine: OrderBookEngine, symbolName: string, messages: LobsterMessages, book: LobsterBookFile,
  names = { messages: 'the message file', book: 'order-book file' }): LobsterReplaySummary {
  if (book.rows !== messages.count) {
    throw new LobsimError('LOBSIM_ERR_INPUT', `${names.book}: has ${book.rows} rows, ${names.messages} ${messages.count} messages (one row per message)`);
  }
  const symbol = engine.symbolIndex(symbolName);
  const state = new ReplayState();
  const events = Object.fromEntries(EVENT_NAMES.map((name) => [name, 0])) as Record<EventName, number>;
  const summary: LobsterReplaySummary = {
    symbol: symbolName, levels: book.levels, messages: messages.count, events, commands: 0, trades: 0, filledQty: 0,
    unknownOrderEvents: 0, executionsMatched: 0, executionsOutOfQueueOrder: 0, executionsMisrouted: 0, executionPriceMismatches: 0, executionsOfRevealed: 0, deleteSizeMismatches: 0,
    newOrdersRejected: {}, rowsCompared: 0, levelsCompared: 0, mismatchedLevels: 0, mismatchedRows: 0, firstMismatches: [],
    revealedLevels: 0, revealedQtyAdded: 0, revealedQtyRemoved: 0, restingOrders: 0, reportDigest: '', elapsedMs: 0, messagesPerSecond: 0,
  };
  // The index of the last message that names each order id: an order named later is still live.
  const lastMention = new Map<number, number>();
  for (let index = 0; index < messages.count; index++) lastMention.set(messages.orderId[index]!, index);
  let aggressorIds = 0;
  let revealedIds = 0;

  const run = (reports: ExecutionReport[]): ExecutionReport[] => {
    state.absorb(reports);
    return reports;
  };
  const rest = (owner: number, clientOrderId: number, side: SideCode, price: number, quantity: number): ExecutionReport[] =>
    run(engine.submit({ symbol, owner, clientOrderId, side, type: OrderType.POST_ONLY, price, quantity }));
  /** Takes `quantity` shares off a live order, keeping its place in the queue. */
  const reduce = (order: LiveOrder, quantity: number): void => {
    const ref = { owner: order.owner, clientOrderId: order.clientOrderId };
    run(quantity >= order.leaves ? engine.cancel(ref) : engine.modify({ ...ref, price: order.price, quantity: order.leaves - quantity }));
  };
  /** Adds revealed shares at the back of a level. */
  const reveal = (side: SideCode, price: number, quantity: number): void => {
    const reports = rest(OWNER_REVEALED, ++revealedIds, side, price, quantity);
    if (reports[0]?.kind === ExecKind.REJECTED) countReject(reports[0]);
  };
  /**
   * Takes shares off a level, choosing which orders lost them. Orders of the level that LOBSTER
   * never names again may have left it unseen while their price was outside the window: they go
   * first. Then revealed orders, which stand for orders the replay never saw. Orders that a later
   * message names are still there, so they go last. Within each group, from the front of the queue.
   * An unknown order's shares (`unknown`) are taken from revealed orders before stale ones.
   */
  const takeFromLevel = (side: SideCode, price: number, quantity: number, unknown: boolean, now: number): number => {
    const group = (key: number): number => {
      const order = state.live.get(key)!;
      if (order.owner === OWNER_REVEALED) return unknown ? 0 : 1;
      if ((lastMention.get(order.clientOrderId) ?? -1) <= now) return unknown ? 1 : 0;
      return 2;
    };
    // Array.prototype.sort is stable: the queue order holds within a group.
    const keys = [...(state.queues.get(ReplayState.levelKey(side, price)) ?? [])].sort((a, b) => group(a) - group(b));
    let left = quantity;
    for (const key of keys) {
      if (left === 0) break;
      const order = state.live.get(key)!;
      const taken = Math.min(left, order.leaves);
      reduce(order, taken);
      left -= taken;
    }
    return quantity - left;
  };
  const countReject = (report: ExecutionReport): void => {
    const name = reasonName(report.reason);
    summary.newOrdersRejected[name] = (summary.newOrdersRejected[name] ?? 0) + 1;
  };

  /**
   * Whether price-time priority serves `key` first, by the replay's own record of the queues (each
   * level's orders in the order the engine accepted them; a modify up moves one to the back): its
   * level is the best of its side, it is at the front, and it holds all `size` shares.
   */
  const servedFirst = (key: number, order: LiveOrder, size: number): boolean => {
    const levelKey = ReplayState.levelKey(order.side, order.price);
    if (order.leaves < size || state.queues.get(levelKey)!.values().next().value !== key) return false;
    for (const other of state.queues.keys()) if (Math.sign(other) === Math.sign(levelKey) && other > levelKey) return false;
    return true;
  };

  const execute = (id: number, size: number, messagePrice: number, now: number): void => {
    const key = ReplayState.key(OWNER_VISIBLE, id);
    const target = state.live.get(key)!;
    const { side, price } = target;
    if (messagePrice !== price) summary.executionPriceMismatches++;
    if (!servedFirst(key, target, size)) {
      // LOBSTER lists this execution out of queue order (a few executions sharing a timestamp
      // are): apply it to the order it names instead of matching it.
      summary.executionsOutOfQueueOrder++;
      const taken = Math.min(target.leaves, size);
      reduce(target, taken);
      if (taken < size) takeFromLevel(side, price, size - taken, true, now);
      return;
    }
    const reports = run(engine.submit({ symbol, owner: OWNER_AGGRESSOR, clientOrderId: ++aggressorIds, side: opposite(side), type: OrderType.IOC, price, quantity: size }));
    let toTarget = 0;
    const others: { owner: number; clientOrderId: number; side: SideCode; price: number; quantity: number }[] = [];
    for (const report of reports) {
      const fill = report.kind === ExecKind.FILLED || report.kind === ExecKind.PARTIALLY_FILLED;
      if (!fill || report.owner === OWNER_AGGRESSOR) continue;
      if (report.owner === OWNER_VISIBLE && report.clientOrderId === id && report.lastPrice === price) toTarget += report.lastQuantity;
      else others.push({ owner: report.owner, clientOrderId: report.clientOrderId, side: report.side, price: report.price, quantity: report.lastQuantity });
    }
    if (toTarget === size) {
      summary.executionsMatched++;
      return;
    }
    // The order was first in its queue, yet matching filled another one, at another price, or not
    // all of it: the engine broke price-time priority. Counted (the replay fails), then repaired:
    // the other orders get their shares back, the named order loses the rest.
    summary.executionsMisrouted++;
    for (const other of others) {
      const live = state.live.get(ReplayState.key(other.owner, other.clientOrderId));
      if (live !== undefined) {
        run(engine.modify({ owner: live.owner, clientOrderId: live.clientOrderId, price: live.price, quantity: live.leaves + other.quantity }));
      } else if (other.owner === OWNER_REVEALED) {
        reveal(other.side, other.price, other.quantity);
      } else {
        rest(other.owner, other.clientOrderId, other.side, other.price, other.quantity);
      }
    }
    let owed = size - toTarget;
    const still = state.live.get(key);
    if (still !== undefined && owed > 0) {
      const taken = Math.min(still.leaves, owed);
      reduce(still, taken);
      owed -= taken;
    }
    if (owed > 0) takeFromLevel(side, price, owed, true, now);
  };

  const apply = (index: number): void => {
    const type = messages.type[index]!;
    events[EVENT_NAMES[type - 1]!]++;
    const id = messages.orderId[index]!;
    const size = messages.size[index]!;
    const side: SideCode = messages.direction[index] === 1 ? Side.BUY : Side.SELL;
    switch (type) {
      case LobsterEvent.NEW: {
        const reports = rest(OWNER_VISIBLE, id, side, messages.price[index]!, size);
        if (reports[0]?.kind === ExecKind.REJECTED) countReject(reports[0]);
        break;
      }
      case LobsterEvent.PARTIAL_CANCEL:
      case LobsterEvent.DELETE: {
        const order = state.live.get(ReplayState.key(OWNER_VISIBLE, id));
        if (order === undefined) {
          // An order placed before the window showed its price: its shares are revealed liquidity.
          summary.unknownOrderEvents++;
          takeFromLevel(side, messages.price[index]!, size, true, index);
          break;
        }
        // The level loses the shares LOBSTER names. Where the replayed order holds more (a part
        // went unseen outside the window), the rest belongs to orders the replay never saw; where
        // it holds less, the other orders of the level stood in for the rest.
        const { price, leaves } = order;
        const removed = type === LobsterEvent.DELETE ? leaves : Math.min(size, leaves);
        reduce(order, removed);
        if (type === LobsterEvent.DELETE ? leaves !== size : leaves <= size) summary.deleteSizeMismatches++;
        if (removed > size) reveal(order.side, price, removed - size);
        else if (removed < size) takeFromLevel(order.side, price, size - removed, true, index);
        break;
      }
      case LobsterEvent.EXECUTE_VISIBLE:
        if (state.live.has(ReplayState.key(OWNER_VISIBLE, id))) {
          execute(id, size, messages.price[index]!, index);
        } else {
          // An order the window never showed being placed: its shares are held by the revealed
          // (or stale) orders that stood in for it at that price.
          summary.unknownOrderEvents++;
          if (takeFromLevel(side, messages.price[index]!, size, true, index) > 0) summary.executionsOfRevealed++;
        }
        break;
      default:
        break;
    }
  };

  /** The replayed book's levels on both sides, at least down to each window's edge (or all of them). */
  const ourLevels = (now: [RowSide, RowSide]): [Level[], Level[]] => {
    const reaches = (levels: Level[], side: SideCode, depth: number): boolean =>
      levels.length < depth || !inWindow(now[side]!, side, levels[levels.length - 1]!.price);
    for (let depth = 2 * book.levels + 8; ; depth *= 2) {
      if (depth > DEPTH_LEVELS_MAX) throw new InvariantError(`depth(): more than ${DEPTH_LEVELS_MAX} levels inside the window`);
      const { bids, asks } = engine.depth(symbol, depth);
      if (reaches(bids, Side.BUY, depth) && reaches(asks, Side.SELL, depth)) return [bids, asks];
    }
  };

  const compare = (row: number, previous: [RowSide, RowSide] | null): [RowSide, RowSide] => {
    const now: [RowSide, RowSide] = [readRowSide(book, row, Side.BUY), readRowSide(book, row, Side.SELL)];
    let mismatched = false;
    // Shares are taken off before any are added, so that a revealed order never meets a stale one
    // on the other side.
    const additions: [SideCode, number, number][] = [];
    const ours = ourLevels(now);
    for (const side of [Side.BUY, Side.SELL] as const) {
      const window = now[side]!;
      const expected = new Map<number, number>();
      window.prices.forEach((price, level) => expected.set(price, window.sizes[level]!));
      const actual = new Map<number, number>();
      for (const level of ours[side]!) {
        // A level without shares must not exist: -1 never equals what the file says.
        if (inWindow(window, side, level.price)) actual.set(level.price, level.quantity > 0 ? level.quantity : -1);
      }
      const prices = new Set([...expected.keys(), ...actual.keys()]);
      for (const price of prices) {
        const want = expected.get(price) ?? 0;
        const have = actual.get(price) ?? 0;
        const known = previous !== null && inWindow(previous[side]!, side, price);
        if (known) summary.levelsCompared++;
        if (want === have) continue;
        if (known) {
          summary.mismatchedLevels++;
          mismatched = true;
          if (summary.firstMismatches.length < MISMATCHES_KEPT) {
            summary.firstMismatches.push({ row: row + 1, side: side === Side.BUY ? 'bid' : 'ask', price, expected: want, actual: have });
          }
        } else {
          summary.revealedLevels++;
        }
        if (have < 0) continue; // Nothing to repair in the replay: the engine's level itself is wrong.
        if (want > have) {
          additions.push([side, price, want - have]);
          if (!known) summary.revealedQtyAdded += want - have;
        } else {
          takeFromLevel(side, price, have - want, false, row);
          if (!known) summary.revealedQtyRemoved += have - want;
        }
      }
    }
    for (const [side, price, quantity] of additions) reveal(side, price, quantity);
    if (previous !== null) summary.rowsCompared++;
    if (mismatched) summary.mismatchedRows++;
    return now;
  };

  const started = performance.now();
  let previous: [RowSide, RowSide] | null = null;
  for (let index = 0; index < messages.count; index++) {
    apply(index);
    previous = compare(index, previous);
  }
  summary.elapsedMs = Math.round((performance.now() - started) * 1000) / 1000;
  engine.validate();
  summary.commands = state.commands;
  summary.trades = state.trades;
  summary.filledQty = state.filledQty;
  summary.restingOrders = state.live.size;
  summary.reportDigest = state.hash.digest();
  summary.messagesPerSecond = Math.round(messages.count / (summary.elapsedMs / 1000));
  return summary;
}
