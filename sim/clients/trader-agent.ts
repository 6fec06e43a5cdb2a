/**
 * A trader agent: one client of the engine, drawing its order flow from its own named streams
 * (client/<id>/<purpose>), so that adding a client or a draw never shifts another client's flow.
 *
 * It knows only what reached it: its live orders are the GTC orders whose ACCEPTED report arrived
 * and no final report (filled, cancelled, expired) yet; it cancels those at the scenario's rate, and
 * prices new orders around the market data it was last given. Client order ids are 1, 2, 3, ...
 * per client; `plannedNs` keeps each one's planned send time so latencies are measured from it.
 */
import { Action, ExecKind, OrderType, Side, type SideCode } from '../../engine/protocol.js';
import { tickBand } from '../../engine/options.js';
import type { Command, InstrumentConfig } from '../../engine/types.js';
import { CancelPolicy, LiveOrders, NEVER_NS } from '../flow/cancel-policy.js';
import { LognormalSize } from '../flow/lognormal-size.js';
import { NO_QUOTE, NormalPrice } from '../flow/normal-price.js';
import { OrderTypeMix } from '../flow/order-type-mix.js';
import { PoissonArrivals, type RateSegment } from '../flow/poisson-arrivals.js';
import { SideSampler } from '../flow/side.js';
import type { RandomStream, RandomStreams } from '../random/streams.js';
import type { ClientFlow } from '../scenario/types.js';
import { NetworkDelay } from './network-delay.js';

/** What a client sees of one symbol: prices in ticks, NO_QUOTE when a side is empty. */
export interface Quote {
  midTicks: number;
  bidTicks: number;
  askTicks: number;
}

const NS_PER_MS = 1_000_000;

/** Bits of TraderAgent.flags. */
export const OrderFlag = { RESTING_TYPE: 1, FILL_SEEN: 2, FINISHED: 4 } as const;
const PLANNED_INITIAL_ORDERS = 256;
/** Largest per-order capacity reserveExpectedOrders() takes from an estimate; past it the arrays grow as orders come. */
const PLANNED_RESERVED_MAX = 1 << 22;
/**
 * Headroom of reserveExpectedOrders() over the expected order count, in standard deviations of the Poisson count
 * (sd = sqrt(mean)): the run rarely outgrows it, and then the arrays simply grow.
 */
const RESERVE_SIGMAS = 5;

/** The arrival-rate schedule of one client: the base rate with the scenario's spikes laid over it. */
export function rateSchedule(flow: ClientFlow): RateSegment[] {
  const segments: RateSegment[] = [{ startNs: 0, ratePerSecond: flow.ratePerSecond }];
  // A segment starting where the last one starts replaces it: a spike at 0 replaces the base rate's
  // first segment, and a spike starting where the one before it ends replaces the base rate between
  // them (the schedule's starts are strictly increasing).
  const add = (startNs: number, ratePerSecond: number) => {
    const last = segments[segments.length - 1]!;
    if (last.startNs === startNs) last.ratePerSecond = ratePerSecond;
    else segments.push({ startNs, ratePerSecond });
  };
  const spikes = [...flow.spikes].sort((a, b) => a.startMs - b.startMs);
  for (const spike of spikes) {
    add(spike.startMs * NS_PER_MS, spike.ratePerSecond);
    add((spike.startMs + spike.durationMs) * NS_PER_MS, flow.ratePerSecond);
  }
  return segments;
}

export class TraderAgent {
  readonly owner: number;
  /** Planned send time of each client order id (index = client order id). */
  plannedNs = new Float64Array(PLANNED_INITIAL_ORDERS);
  /** Planned send time of the cancel of each client order id, or 0. */
  cancelPlannedNs = new Float64Array(PLANNED_INITIAL_ORDERS);
  /** Per client order id: OrderFlag bits (resting type, first fill seen, finished). */
  flags = new Uint8Array(PLANNED_INITIAL_ORDERS);
  /** Per client order id: its symbol (a cancel by client order id names it, for shard routing). */
  symbolOf = new Uint16Array(PLANNED_INITIAL_ORDERS);
  private readonly live = new LiveOrders();
  private readonly arrivals: PoissonArrivals;
  private readonly sizes: LognormalSize;
  private readonly prices: NormalPrice;
  private readonly sides: SideSampler;
  private readonly types: OrderTypeMix;
  private readonly cancels: CancelPolicy;
  private readonly symbols: RandomStream;
  private readonly delay: NetworkDelay;
  private readonly bands: { low: number; high: number }[];
  private nextOrderNs: number;
  private clientOrderIdLast = 0;

  constructor(
    readonly clientIndex: number,
    streams: RandomStreams,
    flow: ClientFlow,
    private readonly instruments: readonly InstrumentConfig[],
    oneWayUs: { mean: number; sd: number },
  ) {
    const stream = (purpose: string) => streams.stream(`client/${clientIndex}/${purpose}`);
    this.owner = clientIndex + 1;
    this.arrivals = new PoissonArrivals(stream('arrivals'), { schedule: rateSchedule(flow) });
    this.sizes = new LognormalSize(stream('sizes'), { mean: flow.sizes.mean, sd: flow.sizes.sd, lotSize: 1, maxLots: 0xffffffff });
    this.prices = new NormalPrice(stream('prices'), flow.prices);
    this.sides = new SideSampler(stream('sides'), { buyProbability: flow.buyProbability });
    this.types = new OrderTypeMix(stream('types'), flow.types);
    this.cancels = new CancelPolicy(stream('cancels'), { fractionPerMinute: flow.cancelFractionPerMinute });
    this.symbols = stream('symbols');
    this.delay = new NetworkDelay(stream('latency'), oneWayUs);
    this.bands = instruments.map(tickBand);
    this.nextOrderNs = this.arrivals.next(0);
  }

  /** When this client acts next (integer ns of virtual time). */
  get nextEventNs(): number {
    return Math.min(this.nextOrderNs, this.cancels.nextCancelNs);
  }

  /**
   * Sizes the per-order arrays once for a run of `durationNs` of virtual time, from the expected
   * number of arrivals, and returns that expected count: a doubling array copies itself and faults
   * its pages in again at every step, a cost paid in the middle of the run.
   */
  reserveExpectedOrders(durationNs: number): number {
    const expected = this.arrivals.expectedCount(0, durationNs);
    const capacity = Math.min(PLANNED_RESERVED_MAX, Math.ceil(expected + RESERVE_SIGMAS * Math.sqrt(expected)) + 2);
    if (capacity > this.plannedNs.length) this.resize(capacity);
    return expected;
  }

  get liveOrderCount(): number {
    return this.live.size;
  }

  /** A one-way network delay drawn from the client's latency stream, integer ns >= 1. */
  drawOneWayNs(): number {
    return this.delay.drawNs();
  }

  /**
   * The client's next command at `nowNs` (= nextEventNs), given the quotes it last saw. Returns the
   * command and its planned time; the caller adds the network delay.
   */
  act(nowNs: number, quotes: readonly Quote[], command: Command): void {
    if (this.nextOrderNs <= this.cancels.nextCancelNs) {
      this.newOrder(nowNs, quotes, command);
      this.nextOrderNs = this.arrivals.next(nowNs);
    } else {
      this.cancelOne(nowNs, command);
    }
  }

  private newOrder(nowNs: number, quotes: readonly Quote[], command: Command): void {
    const symbol = this.instruments.length === 1 ? 0 : this.symbols.int(0, this.instruments.length - 1);
    const instrument = this.instruments[symbol]!;
    const quote = quotes[symbol]!;
    const side: SideCode = this.sides.next();
    const type = this.types.next();
    const priceTicks = this.prices.next(side, quote.midTicks, quote.bidTicks, quote.askTicks);
    const lots = Math.max(1, Math.round(this.sizes.next() / instrument.lotSize));
    const quantity = Math.min(lots * instrument.lotSize, instrument.maxOrderQuantity - (instrument.maxOrderQuantity % instrument.lotSize));
    const clientOrderId = ++this.clientOrderIdLast;
    this.ensureCapacity(clientOrderId);
    this.plannedNs[clientOrderId] = nowNs;
    this.symbolOf[clientOrderId] = symbol;
    this.flags[clientOrderId] = type === OrderType.LIMIT || type === OrderType.POST_ONLY ? OrderFlag.RESTING_TYPE : 0;
    command.action = Action.NEW;
    command.symbol = symbol;
    command.owner = this.owner;
    command.clientOrderId = clientOrderId;
    command.orderId = 0;
    command.side = side;
    command.type = type;
    const band = this.bands[symbol]!;
    command.price = type === OrderType.MARKET ? 0 : Math.min(band.high, Math.max(band.low, priceTicks * instrument.tickSize));
    command.quantity = quantity;
  }

  private cancelOne(nowNs: number, command: Command): void {
    const index = this.cancels.fire(nowNs, this.live.size);
    const clientOrderId = this.live.at(index);
    this.live.remove(clientOrderId);
    this.cancels.update(nowNs, this.live.size);
    this.cancelPlannedNs[clientOrderId] = nowNs;
    command.action = Action.CANCEL;
    command.symbol = this.symbolOf[clientOrderId]!;
    command.owner = this.owner;
    command.clientOrderId = clientOrderId;
    command.orderId = 0;
    command.side = Side.BUY;
    command.type = 0 as Command['type'];
    command.price = 0;
    command.quantity = 0;
  }

  /**
   * A report for this client reached it at `nowNs`: keep the live set as the client knows it.
   * Reports of one order can arrive out of order (each message has its own network delay): a final
   * report that overtook the ACCEPTED marks the order finished, and the late ACCEPTED is ignored.
   */
  onReport(nowNs: number, kind: number, clientOrderId: number): void {
    const flags = this.flags[clientOrderId]!;
    if (kind === ExecKind.ACCEPTED) {
      if ((flags & OrderFlag.RESTING_TYPE) !== 0 && (flags & OrderFlag.FINISHED) === 0) {
        this.live.add(clientOrderId);
        this.cancels.update(nowNs, this.live.size);
      }
      return;
    }
    if (kind === ExecKind.FILLED || kind === ExecKind.CANCELLED || kind === ExecKind.EXPIRED || kind === ExecKind.REJECTED) {
      this.flags[clientOrderId] = flags | OrderFlag.FINISHED;
      if (this.live.remove(clientOrderId)) this.cancels.update(nowNs, this.live.size);
    }
  }

  /**
   * Whether onReport(kind, clientOrderId) can change this client's state: an ACCEPTED of an order
   * that may rest, and every final report. The harness queues only those for delivery.
   */
  learnsFrom(kind: number, clientOrderId: number): boolean {
    if (kind === ExecKind.ACCEPTED) return (this.flags[clientOrderId]! & OrderFlag.RESTING_TYPE) !== 0;
    return kind === ExecKind.FILLED || kind === ExecKind.CANCELLED || kind === ExecKind.EXPIRED || kind === ExecKind.REJECTED;
  }

  private ensureCapacity(clientOrderId: number): void {
    if (clientOrderId < this.plannedNs.length) return;
    this.resize(this.plannedNs.length * 2);
  }

  private resize(capacity: number): void {
    const grow = <T extends Float64Array | Uint8Array | Uint16Array>(array: T, make: (n: number) => T): T => {
      const grown = make(capacity);
      grown.set(array);
      return grown;
    };
    this.plannedNs = grow(this.plannedNs, (n) => new Float64Array(n));
    this.cancelPlannedNs = grow(this.cancelPlannedNs, (n) => new Float64Array(n));
    this.flags = grow(this.flags, (n) => new Uint8Array(n));
    this.symbolOf = grow(this.symbolOf, (n) => new Uint16Array(n));
  }
}

export { NEVER_NS, NO_QUOTE };
