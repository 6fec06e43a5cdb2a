/**
 * The reference order book: the oracle of the differential tests against the native core. It
 * implements docs/engine-semantics.md as directly as possible and is deliberately not fast.
 *
 * Layout: per instrument, bids and asks are arrays of levels kept sorted best first (bids by
 * descending price, asks ascending); a level is a price and its FIFO queue of orders. Empty levels
 * never exist: the last order out removes its level. Live (resting) orders are indexed by engine id
 * and by `${owner}:${clientOrderId}`. Level quantity and count are computed on demand, so they
 * cannot disagree with the queue.
 *
 * Order fields: quantity = cum + leaves always; a MARKET order's price is 0 (it never rests).
 *
 * Readings of the spec where it leaves room (each also noted where it applies):
 * - Malformed command fields (an action, side or type code not declared in protocol.ts; a
 *   non-integer, or an integer outside the record's range) are programmer errors: they throw a
 *   LobsimError with code LOBSIM_ERR_INPUT instead of producing a report. Side and type are
 *   checked for every action, as the native boundary checks them (a side of 0 or 1; a type of 0 to
 *   5, and not 0 for NEW), though only NEW uses them.
 * - A REPLACED report is emitted before the fills of a re-matching modify, and carries the new
 *   price, quantity = cum + new leaves, cum, and leaves = the new leaves.
 */
import { addressed, newOrderCommand } from './commands.js';
import { InvariantError, LobsimError } from './errors.js';
import { priceBand, show, STP_MODES, validateEngineOptions } from './options.js';
import {
  Action,
  ExecKind,
  OrderType,
  Reason,
  Side,
  StpMode,
  SYMBOL_ALL,
  type ExecKindCode,
  type ReasonCode,
  type SideCode,
  type StpModeCode,
} from './protocol.js';
import type {
  Bbo,
  Command,
  Depth,
  EngineOptions,
  ExecutionReport,
  InstrumentConfig,
  Level,
  Modify,
  NewOrder,
  OrderBookEngine,
  OrderRef,
  RestingOrder,
} from './types.js';

/** The order fields a report carries. */
interface OrderFields {
  readonly orderId: number;
  readonly owner: number;
  readonly clientOrderId: number;
  readonly symbol: number;
  readonly side: SideCode;
  price: number;
  quantity: number;
  cum: number;
  leaves: number;
}

type Order = OrderFields;

interface PriceLevel {
  readonly price: number;
  /** Queue order: the head has time priority. Never empty. */
  readonly orders: Order[];
}

interface Book {
  readonly instrument: Readonly<InstrumentConfig>;
  readonly bandLow: number;
  readonly bandHigh: number;
  /** Best (highest) first. */
  readonly bids: PriceLevel[];
  /** Best (lowest) first. */
  readonly asks: PriceLevel[];
}

interface Fill {
  readonly quantity: number;
  readonly price: number;
  readonly tradeId: number;
}

export interface ReferenceStats {
  restingOrders: number;
  levels: number;
  /** Last report sequence number. */
  seq: number;
  /** Last trade id. */
  trades: number;
  /** Last engine order id. */
  orders: number;
}

/** Largest owner (32 bits in the core). */
const OWNER_MAX = 0xffffffff;
/** Largest symbol index a record may carry (32 bits in the core; -1 is SYMBOL_ALL). */
const SYMBOL_FIELD_MAX = 0xffffffff;
const FNV_OFFSET_BASIS = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const UINT64_MASK = 0xffffffffffffffffn;

export class ReferenceBook implements OrderBookEngine {
  readonly instrumentCount: number;
  private readonly books: Book[];
  private readonly symbols: Map<string, number>;
  private readonly stp: StpModeCode;
  private readonly ordersMax: number;
  private readonly ordersById = new Map<number, Order>();
  private readonly ordersByClientId = new Map<string, Order>();
  private lastSeq = 0;
  private lastOrderId = 0;
  private lastTradeId = 0;
  /** Reports of the command being executed. */
  private out: ExecutionReport[] = [];

  constructor(options: EngineOptions) {
    const resolved = validateEngineOptions(options);
    this.books = resolved.instruments.map((instrument) => {
      const band = priceBand(instrument);
      return { instrument, bandLow: band.low, bandHigh: band.high, bids: [], asks: [] };
    });
    this.instrumentCount = this.books.length;
    this.symbols = new Map(resolved.instruments.map((instrument, index) => [instrument.symbol, index]));
    this.stp = STP_MODES[resolved.stp];
    this.ordersMax = resolved.ordersMax;
  }

  /** The index of a configured symbol, or -1 (which NEW rejects as UNKNOWN_SYMBOL). */
  symbolIndex(symbol: string): number {
    return this.symbols.get(symbol) ?? -1;
  }

  execute(command: Command): ExecutionReport[] {
    checkCommand(command);
    assert(this.out.length === 0, 'execute is not reentrant');
    switch (command.action) {
      case Action.NEW:
        this.onNew(command);
        break;
      case Action.CANCEL:
        this.onCancel(command);
        break;
      case Action.MODIFY:
        this.onModify(command);
        break;
      case Action.MASS_CANCEL:
        this.onMassCancel(command);
        break;
    }
    const reports = this.out;
    this.out = [];
    return reports;
  }

  submit(order: NewOrder): ExecutionReport[] {
    return this.execute(newOrderCommand(order));
  }

  cancel(ref: OrderRef): ExecutionReport[] {
    return this.execute(addressed(Action.CANCEL, ref, 0, 0));
  }

  modify(change: Modify): ExecutionReport[] {
    return this.execute(addressed(Action.MODIFY, change, change.price, change.quantity));
  }

  massCancel(owner: number, symbol: number = SYMBOL_ALL): ExecutionReport[] {
    return this.execute({ ...addressed(Action.MASS_CANCEL, { owner }, 0, 0), symbol });
  }

  bbo(symbol: number): Bbo {
    const book = this.bookAt(symbol);
    const top = (levels: PriceLevel[]): Level | null => (levels[0] ? levelView(levels[0]) : null);
    return { bid: top(book.bids), ask: top(book.asks) };
  }

  depth(symbol: number, levels: number): Depth {
    const book = this.bookAt(symbol);
    if (!Number.isInteger(levels) || levels < 0) {
      throw new LobsimError('LOBSIM_ERR_INPUT', `levels: must be an integer >= 0, got ${show(levels)}`);
    }
    return { bids: book.bids.slice(0, levels).map(levelView), asks: book.asks.slice(0, levels).map(levelView) };
  }

  snapshot(symbol: number): RestingOrder[] {
    return canonicalOrders(this.bookAt(symbol)).map((order) => ({
      side: order.side,
      price: order.price,
      orderId: order.orderId,
      owner: order.owner,
      clientOrderId: order.clientOrderId,
      quantity: order.quantity,
      leaves: order.leaves,
    }));
  }

  stats(): ReferenceStats {
    const levels = this.books.reduce((sum, book) => sum + book.bids.length + book.asks.length, 0);
    return {
      restingOrders: this.ordersById.size,
      levels,
      seq: this.lastSeq,
      trades: this.lastTradeId,
      orders: this.lastOrderId,
    };
  }

  /**
   * FNV-1a 64 over every book in canonical order, as 16 lowercase hex digits. Byte layout (the C++
   * core's state_hash feeds the identical bytes):
   *
   *   for each symbol index ascending:
   *     for side in (bids, asks):
   *       for each level, best first:
   *         u64le(symbol index) u64le(side: 0 bid, 1 ask) u64le(level price)
   *         for each order in queue order:
   *           u64le(orderId) u64le(owner) u64le(clientOrderId) u64le(quantity) u64le(leaves)
   *
   * u64le(v) is the int64 v as 8 little-endian bytes (two's complement). Each level names its symbol
   * and side, so a bid and an ask at one price hash differently; hash = 0xcbf29ce484222325, then per byte b:
   * hash = ((hash ^ b) * 0x100000001b3) mod 2^64.
   */
  stateHash(): string {
    let hash = FNV_OFFSET_BASIS;
    const feed = (value: number): void => {
      let bits = BigInt.asUintN(64, BigInt(value));
      for (let byte = 0; byte < 8; byte++) {
        hash = ((hash ^ (bits & 0xffn)) * FNV_PRIME) & UINT64_MASK;
        bits >>= 8n;
      }
    };
    this.books.forEach((book, symbol) => {
      for (const [side, levels] of [[Side.BUY, book.bids], [Side.SELL, book.asks]] as const) {
        for (const level of levels) {
          feed(symbol);
          feed(side);
          feed(level.price);
          for (const order of level.orders) {
            feed(order.orderId);
            feed(order.owner);
            feed(order.clientOrderId);
            feed(order.quantity);
            feed(order.leaves);
          }
        }
      }
    });
    return hash.toString(16).padStart(16, '0');
  }

  /** O(resting orders). Throws an InvariantError describing the first broken invariant. */
  validate(): void {
    const seen = new Set<number>();
    this.books.forEach((book, symbol) => {
      this.validateSide(book, symbol, Side.BUY, seen);
      this.validateSide(book, symbol, Side.SELL, seen);
      const bid = book.bids[0];
      const ask = book.asks[0];
      check(!bid || !ask || bid.price < ask.price, `symbol ${symbol}: book crossed, bid ${bid?.price} >= ask ${ask?.price}`);
    });
    check(seen.size === this.ordersById.size, `${this.ordersById.size} orders indexed by id, ${seen.size} in books`);
    check(
      seen.size === this.ordersByClientId.size,
      `${this.ordersByClientId.size} orders indexed by client id, ${seen.size} in books`,
    );
    check(seen.size <= this.ordersMax, `${seen.size} resting orders exceed ordersMax ${this.ordersMax}`);
  }

  private validateSide(book: Book, symbol: number, side: SideCode, seen: Set<number>): void {
    const levels = side === Side.BUY ? book.bids : book.asks;
    const where = `symbol ${symbol} ${side === Side.BUY ? 'bids' : 'asks'}`;
    levels.forEach((level, index) => {
      const previous = levels[index - 1];
      check(!previous || isBetter(side, previous.price, level.price), `${where}: level ${index} (${level.price}) out of order`);
      check(level.orders.length > 0, `${where}: level ${level.price} is empty`);
      for (const order of level.orders) {
        const what = `${where} level ${level.price}: order ${order.orderId}`;
        check(!seen.has(order.orderId), `${what} queued twice`);
        seen.add(order.orderId);
        check(order.symbol === symbol && order.side === side && order.price === level.price, `${what} is misplaced`);
        check(order.leaves > 0, `${what} has leaves ${order.leaves}`);
        check(order.cum >= 0 && order.cum + order.leaves === order.quantity, `${what}: cum + leaves != quantity`);
        check(this.ordersById.get(order.orderId) === order, `${what} is not indexed by id`);
        check(this.ordersByClientId.get(clientKey(order.owner, order.clientOrderId)) === order, `${what} is not indexed by client id`);
        check(order.price % book.instrument.tickSize === 0, `${what} is off tick`);
        check(order.price >= book.bandLow && order.price <= book.bandHigh, `${what} is outside the band`);
      }
    });
  }

  private onNew(command: Command): void {
    const price = command.type === OrderType.MARKET ? 0 : command.price;
    const reason = this.newOrderRejectReason(command);
    if (reason !== Reason.NONE) {
      const { symbol, owner, clientOrderId, side, quantity } = command;
      this.emit(ExecKind.REJECTED, reason, { orderId: 0, symbol, owner, clientOrderId, side, price, quantity, cum: 0, leaves: 0 });
      return;
    }
    const order: Order = {
      orderId: ++this.lastOrderId,
      owner: command.owner,
      clientOrderId: command.clientOrderId,
      symbol: command.symbol,
      side: command.side,
      price,
      quantity: command.quantity,
      cum: 0,
      leaves: command.quantity,
    };
    this.emit(ExecKind.ACCEPTED, Reason.NONE, order);
    if (command.type === OrderType.FOK && this.fillableQuantity(order) < order.quantity) {
      order.leaves = 0;
      this.emit(ExecKind.EXPIRED, Reason.FOK_UNFILLABLE, order);
      return;
    }
    const alive = this.match(order, command.type === OrderType.MARKET);
    if (!alive || order.leaves === 0) return;
    if (command.type === OrderType.LIMIT || command.type === OrderType.POST_ONLY) {
      this.rest(order);
    } else {
      assert(command.type !== OrderType.FOK, `feasible FOK ${order.orderId} left a remainder`);
      order.leaves = 0;
      this.emit(ExecKind.EXPIRED, Reason.IOC_REMAINDER, order);
    }
  }

  /** Validation of a NEW in the order of the spec; Reason.NONE when it passes. */
  private newOrderRejectReason(command: Command): ReasonCode {
    const book = this.books[command.symbol];
    if (!book) return Reason.UNKNOWN_SYMBOL;
    const quantityReason = this.quantityRejectReason(book, command.quantity, 0);
    if (quantityReason !== Reason.NONE) return quantityReason;
    if (command.type !== OrderType.MARKET) {
      const priceReason = this.priceRejectReason(book, command.price);
      if (priceReason !== Reason.NONE) return priceReason;
    }
    if (this.ordersByClientId.has(clientKey(command.owner, command.clientOrderId))) return Reason.DUPLICATE_CLIENT_ORDER_ID;
    const canRest = command.type === OrderType.LIMIT || command.type === OrderType.POST_ONLY;
    if (canRest && this.ordersById.size >= this.ordersMax) return Reason.ENGINE_FULL;
    if (command.type === OrderType.POST_ONLY && this.wouldCross(book, command.side, command.price)) {
      return Reason.POST_ONLY_WOULD_CROSS;
    }
    return Reason.NONE;
  }

  /** `quantity` is the new leaves; `cum` what the order has already filled (0 for a NEW). */
  private quantityRejectReason(book: Book, quantity: number, cum: number): ReasonCode {
    if (quantity <= 0) return Reason.QTY_INVALID;
    if (quantity % book.instrument.lotSize !== 0) return Reason.QTY_NOT_LOT_MULTIPLE;
    if (cum + quantity > book.instrument.maxOrderQuantity) return Reason.QTY_ABOVE_MAX;
    return Reason.NONE;
  }

  private priceRejectReason(book: Book, price: number): ReasonCode {
    if (price <= 0) return Reason.PRICE_INVALID;
    if (price % book.instrument.tickSize !== 0) return Reason.PRICE_OFF_TICK;
    if (price < book.bandLow || price > book.bandHigh) return Reason.PRICE_OUT_OF_BAND;
    return Reason.NONE;
  }

  private wouldCross(book: Book, side: SideCode, price: number): boolean {
    if (side === Side.BUY) return book.asks[0] !== undefined && price >= book.asks[0].price;
    return book.bids[0] !== undefined && price <= book.bids[0].price;
  }

  /**
   * What matching would fill now, capped at the order's quantity, walking the same levels in the
   * same order as match(): STP cancel-incoming stops at the first same-owner order, cancel-resting
   * skips same-owner orders, off counts them.
   */
  private fillableQuantity(taker: Order): number {
    let fillable = 0;
    for (const level of this.oppositeLevels(taker)) {
      if (!crosses(taker, level.price, false)) break;
      for (const maker of level.orders) {
        if (maker.owner === taker.owner && this.stp === StpMode.CANCEL_INCOMING) return fillable;
        if (maker.owner === taker.owner && this.stp === StpMode.CANCEL_RESTING) continue;
        fillable += maker.leaves;
        if (fillable >= taker.quantity) return taker.quantity;
      }
    }
    return fillable;
  }

  /**
   * Matches an incoming (or re-matching modified) order against the opposite side. Returns false
   * when STP cancel-incoming cancelled the order (its processing ends; nothing of it rests).
   */
  private match(taker: Order, market: boolean): boolean {
    const levels = this.oppositeLevels(taker);
    while (taker.leaves > 0) {
      const level = levels[0];
      if (!level || !crosses(taker, level.price, market)) break;
      const maker = level.orders[0];
      assert(maker !== undefined, `empty level ${level.price}`);
      if (maker.owner === taker.owner && this.stp === StpMode.CANCEL_INCOMING) {
        taker.leaves = 0;
        this.emit(ExecKind.CANCELLED, Reason.SELF_TRADE, taker);
        return false;
      }
      if (maker.owner === taker.owner && this.stp === StpMode.CANCEL_RESTING) {
        this.unrest(maker);
        maker.leaves = 0;
        this.emit(ExecKind.CANCELLED, Reason.SELF_TRADE, maker);
        continue;
      }
      this.fill(taker, maker);
    }
    return true;
  }

  private fill(taker: Order, maker: Order): void {
    const quantity = Math.min(taker.leaves, maker.leaves);
    assert(quantity > 0, `empty fill of ${taker.orderId} against ${maker.orderId}`);
    const fill: Fill = { quantity, price: maker.price, tradeId: ++this.lastTradeId };
    for (const order of [taker, maker]) {
      order.leaves -= quantity;
      order.cum += quantity;
    }
    this.emit(taker.leaves === 0 ? ExecKind.FILLED : ExecKind.PARTIALLY_FILLED, Reason.NONE, taker, fill);
    this.emit(maker.leaves === 0 ? ExecKind.FILLED : ExecKind.PARTIALLY_FILLED, Reason.NONE, maker, fill);
    if (maker.leaves === 0) this.unrest(maker);
  }

  private onCancel(command: Command): void {
    const order = this.find(command);
    if (!order) {
      this.emitUnknownOrder(command);
      return;
    }
    this.unrest(order);
    order.leaves = 0;
    this.emit(ExecKind.CANCELLED, Reason.CANCEL_REQUESTED, order);
  }

  private onModify(command: Command): void {
    const order = this.find(command);
    if (!order) {
      this.emitUnknownOrder(command);
      return;
    }
    const book = this.books[order.symbol];
    assert(book !== undefined, `order ${order.orderId} has symbol ${order.symbol}`);
    let reason = this.quantityRejectReason(book, command.quantity, order.cum);
    if (reason === Reason.NONE) reason = this.priceRejectReason(book, command.price);
    if (reason !== Reason.NONE) {
      this.emit(ExecKind.CANCEL_REJECTED, reason, order);
      return;
    }
    const keepsPriority = command.price === order.price && command.quantity <= order.leaves;
    if (!keepsPriority) this.unrest(order);
    order.price = command.price;
    order.leaves = command.quantity;
    order.quantity = order.cum + command.quantity;
    this.emit(ExecKind.REPLACED, Reason.NONE, order);
    if (keepsPriority) return;
    // Re-matches as an incoming LIMIT order; post-only applied at entry only, so no cross check.
    if (this.match(order, false) && order.leaves > 0) this.rest(order);
  }

  private onMassCancel(command: Command): void {
    const all = command.symbol === SYMBOL_ALL;
    for (let symbol = 0; symbol < this.books.length; symbol++) {
      if (!all && symbol !== command.symbol) continue;
      const victims = canonicalOrders(this.books[symbol]!).filter((order) => order.owner === command.owner);
      for (const order of victims) {
        this.unrest(order);
        order.leaves = 0;
        this.emit(ExecKind.CANCELLED, Reason.MASS_CANCEL, order);
      }
    }
  }

  /** A live order by engine id (the owner must match) or, when orderId is 0, by client id. */
  private find(command: Command): Order | undefined {
    if (command.orderId !== 0) {
      const order = this.ordersById.get(command.orderId);
      return order && order.owner === command.owner ? order : undefined;
    }
    return this.ordersByClientId.get(clientKey(command.owner, command.clientOrderId));
  }

  private emitUnknownOrder(command: Command): void {
    const { owner, orderId, clientOrderId } = command;
    this.emit(ExecKind.CANCEL_REJECTED, Reason.UNKNOWN_ORDER, {
      orderId,
      owner,
      clientOrderId,
      symbol: 0,
      side: Side.BUY,
      price: 0,
      quantity: 0,
      cum: 0,
      leaves: 0,
    });
  }

  private emit(kind: ExecKindCode, reason: ReasonCode, order: OrderFields, fill?: Fill): void {
    this.out.push({
      seq: ++this.lastSeq,
      kind,
      reason,
      orderId: order.orderId,
      owner: order.owner,
      clientOrderId: order.clientOrderId,
      symbol: order.symbol,
      side: order.side,
      price: order.price,
      quantity: order.quantity,
      lastQuantity: fill?.quantity ?? 0,
      lastPrice: fill?.price ?? 0,
      cumQuantity: order.cum,
      leavesQuantity: order.leaves,
      tradeId: fill?.tradeId ?? 0,
      tsReceiveNs: 0,
      tsMatchNs: 0,
      tsDispatchNs: 0,
    });
  }

  /** Queues the order at the back of its price level (creating the level) and indexes it. */
  private rest(order: Order): void {
    assert(order.leaves > 0, `order ${order.orderId} rests with leaves ${order.leaves}`);
    const key = clientKey(order.owner, order.clientOrderId);
    assert(!this.ordersById.has(order.orderId) && !this.ordersByClientId.has(key), `order ${order.orderId} rests twice`);
    const levels = this.ownLevels(order);
    let index = 0;
    while (index < levels.length && isBetter(order.side, levels[index]!.price, order.price)) index++;
    const level = levels[index];
    if (level && level.price === order.price) level.orders.push(order);
    else levels.splice(index, 0, { price: order.price, orders: [order] });
    this.ordersById.set(order.orderId, order);
    this.ordersByClientId.set(key, order);
  }

  /** Takes the order out of its level (removing the level if emptied) and out of the indexes. */
  private unrest(order: Order): void {
    const levels = this.ownLevels(order);
    const index = levels.findIndex((level) => level.price === order.price);
    const level = levels[index];
    assert(level !== undefined, `order ${order.orderId}: no level ${order.price}`);
    const position = level.orders.indexOf(order);
    assert(position >= 0, `order ${order.orderId} is not queued at ${order.price}`);
    level.orders.splice(position, 1);
    if (level.orders.length === 0) levels.splice(index, 1);
    const indexedById = this.ordersById.delete(order.orderId);
    const indexedByClientId = this.ordersByClientId.delete(clientKey(order.owner, order.clientOrderId));
    assert(indexedById && indexedByClientId, `order ${order.orderId} was not fully indexed`);
  }

  private ownLevels(order: Order): PriceLevel[] {
    const book = this.books[order.symbol]!;
    return order.side === Side.BUY ? book.bids : book.asks;
  }

  private oppositeLevels(order: Order): PriceLevel[] {
    const book = this.books[order.symbol]!;
    return order.side === Side.BUY ? book.asks : book.bids;
  }

  private bookAt(symbol: number): Book {
    const book = Number.isInteger(symbol) ? this.books[symbol] : undefined;
    if (!book) {
      throw new LobsimError('LOBSIM_ERR_INPUT', `symbol: must be an instrument index in [0, ${this.books.length - 1}], got ${show(symbol)}`);
    }
    return book;
  }
}

/** Does a resting level at `levelPrice` cross the taker's limit? A market order crosses any. */
function crosses(taker: Order, levelPrice: number, market: boolean): boolean {
  if (market) return true;
  return taker.side === Side.BUY ? levelPrice <= taker.price : levelPrice >= taker.price;
}

/** Is price `a` strictly better than `b` for a resting order on `side`? */
function isBetter(side: SideCode, a: number, b: number): boolean {
  return side === Side.BUY ? a > b : a < b;
}

/** Bids best to worst, then asks best to worst, queue order within a level. */
function canonicalOrders(book: Book): Order[] {
  return [...book.bids, ...book.asks].flatMap((level) => level.orders);
}

function levelView(level: PriceLevel): Level {
  const quantity = level.orders.reduce((sum, order) => sum + order.leaves, 0);
  return { price: level.price, quantity, count: level.orders.length };
}

function clientKey(owner: number, clientOrderId: number): string {
  return `${owner}:${clientOrderId}`;
}

const ACTIONS: readonly number[] = Object.values(Action);
const SIDES: readonly number[] = Object.values(Side);
const ORDER_TYPES: readonly number[] = Object.values(OrderType);

/** Rejects command fields that no record could carry or the core would not accept. */
function checkCommand(command: Command): void {
  if (!ACTIONS.includes(command.action)) inputError('action', `one of ${ACTIONS.join(', ')}`, command.action);
  integerField(command.symbol, -1, SYMBOL_FIELD_MAX, 'symbol');
  integerField(command.owner, 0, OWNER_MAX, 'owner');
  integerField(command.clientOrderId, 0, Number.MAX_SAFE_INTEGER, 'clientOrderId');
  integerField(command.orderId, 0, Number.MAX_SAFE_INTEGER, 'orderId');
  integerField(command.price, -Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, 'price');
  integerField(command.quantity, -Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, 'quantity');
  if (!SIDES.includes(command.side)) inputError('side', `one of ${SIDES.join(', ')}`, command.side);
  if (command.action === Action.NEW) {
    if (!ORDER_TYPES.includes(command.type)) inputError('type', `one of ${ORDER_TYPES.join(', ')}`, command.type);
  } else if ((command.type as number) !== 0 && !ORDER_TYPES.includes(command.type)) {
    inputError('type', `0 or one of ${ORDER_TYPES.join(', ')}`, command.type);
  }
}

function integerField(value: number, min: number, max: number, field: string): void {
  if (!Number.isInteger(value) || value < min || value > max) inputError(field, `an integer in [${min}, ${max}]`, value);
}

function inputError(field: string, allowed: string, value: unknown): never {
  throw new LobsimError('LOBSIM_ERR_INPUT', `command.${field}: must be ${allowed}, got ${show(value)}`);
}

/** An internal invariant (a bug if it fails). */
function assert(condition: boolean, message: string): asserts condition {
  if (!condition) throw new InvariantError(message);
}

/** A checked invariant reported by validate(). */
function check(condition: boolean, message: string): void {
  if (!condition) throw new InvariantError(message);
}
