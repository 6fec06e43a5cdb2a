/**
 * Shared fixtures of the PM tests: instruments, a virtual clock, a PM over a ReferenceBook through
 * an InlineGateway, a counterparty, and a ledger of the owner's fills computed from engine reports.
 */
import { expect } from 'vitest';
import { Action, ExecKind, OrderType, Side, type SideCode } from '../../engine/protocol.js';
import { ReferenceBook } from '../../engine/reference-book.js';
import type { Command, ExecutionReport, InstrumentConfig } from '../../engine/types.js';
import { InlineGateway } from '../../engine/pm/inline-gateway.js';
import type { PmOptions } from '../../engine/pm/options.js';
import { PositionManager } from '../../engine/pm/position-manager.js';
import type { PmClock } from '../../engine/pm/types.js';

export const PM_OWNER = 7;
export const COUNTERPARTY = 99;

export const INSTRUMENTS: InstrumentConfig[] = [
  { symbol: 'AAA', tickSize: 1, lotSize: 1, maxOrderQuantity: 1_000_000, referencePrice: 10_000, bandBps: 5_000 },
  { symbol: 'BBB', tickSize: 5, lotSize: 10, maxOrderQuantity: 100_000, referencePrice: 2_000, bandBps: 5_000 },
];

export class VirtualClock implements PmClock {
  constructor(public ns = 0) {}
  nowNs(): number {
    return this.ns;
  }
  advance(ns: number): void {
    this.ns += ns;
  }
}

export interface Rig {
  book: ReferenceBook;
  gateway: InlineGateway;
  pm: PositionManager;
  clock: VirtualClock;
  counterparty: Counterparty;
}

export function makeRig(options: Partial<PmOptions> = {}, clock = new VirtualClock()): Rig {
  const book = new ReferenceBook({ instruments: INSTRUMENTS });
  const gateway = new InlineGateway(book);
  const pm = new PositionManager({ owner: PM_OWNER, instruments: INSTRUMENTS, verify: true, ...options }, { gateway, marketData: gateway, clock });
  gateway.connect(pm);
  return { book, gateway, pm, clock, counterparty: new Counterparty(gateway) };
}

/** Another participant: rests liquidity and takes it, through the gateway so the PM sees its fills. */
export class Counterparty {
  private nextId = 1;
  constructor(private readonly gateway: InlineGateway) {}

  rest(symbol: number, side: SideCode, price: number, quantity: number): ExecutionReport[] {
    return this.command(symbol, side, OrderType.LIMIT, price, quantity);
  }

  take(symbol: number, side: SideCode, quantity: number): ExecutionReport[] {
    return this.command(symbol, side, OrderType.MARKET, 0, quantity);
  }

  private command(symbol: number, side: SideCode, type: Command['type'], price: number, quantity: number): ExecutionReport[] {
    return this.gateway.execute({ action: Action.NEW, symbol, owner: COUNTERPARTY, clientOrderId: this.nextId++, orderId: 0, side, type, price, quantity });
  }
}

/** Signed fills of `owner` per symbol from a report stream (each trade once). */
export function ledger(reports: readonly ExecutionReport[], owner: number, symbols: number): number[] {
  const result = new Array<number>(symbols).fill(0);
  for (const r of reports) {
    if (r.owner !== owner) continue;
    if (r.kind !== ExecKind.PARTIALLY_FILLED && r.kind !== ExecKind.FILLED) continue;
    result[r.symbol] = (result[r.symbol] ?? 0) + (r.side === Side.BUY ? r.lastQuantity : -r.lastQuantity);
  }
  return result;
}

/** Runs the PM like a discrete-event simulator: tick at each wake, deliver reports, until idle or `untilNs`. */
export function runUntilIdle(rig: Rig, untilNs: number, onStep?: () => void): void {
  for (let step = 0; step < 1_000_000; step += 1) {
    rig.pm.tick(rig.clock.ns);
    rig.gateway.flush();
    onStep?.();
    rig.gateway.flush();
    const wake = rig.pm.nextWakeNs();
    if (wake === Infinity || wake > untilNs) return;
    rig.clock.ns = Math.max(rig.clock.ns, wake);
  }
  throw new Error('runUntilIdle: too many steps');
}

/** A gateway that only records commands: reports are scripted by the test. */
export class RecordingGateway {
  readonly commands: Command[] = [];
  send(command: Command): void {
    this.commands.push(command);
  }
}

export const FLAT_BBO = { bbo: () => ({ bid: { price: 9_999, quantity: 100, count: 1 }, ask: { price: 10_001, quantity: 100, count: 1 } }) };

export function scriptedPm(options: Partial<PmOptions> = {}, clock = new VirtualClock()): { pm: PositionManager; gateway: RecordingGateway; clock: VirtualClock; script: ReportScript } {
  const gateway = new RecordingGateway();
  const pm = new PositionManager({ owner: PM_OWNER, instruments: INSTRUMENTS, verify: true, cancelWaveIntervalNs: 0, ...options }, { gateway, marketData: FLAT_BBO, clock });
  return { pm, gateway, clock, script: new ReportScript(pm) };
}

/** Builds engine-like reports for orders the PM sent (a scripted engine). */
export class ReportScript {
  seq = 0;
  private nextOrderId = 1000;
  readonly orderIds = new Map<number, number>();
  constructor(private readonly pm: PositionManager) {}

  make(command: Command, kind: ExecutionReport['kind'], fields: Partial<ExecutionReport> = {}): ExecutionReport {
    this.seq += 1;
    let orderId = this.orderIds.get(command.clientOrderId);
    if (orderId === undefined && kind === ExecKind.ACCEPTED) {
      orderId = this.nextOrderId++;
      this.orderIds.set(command.clientOrderId, orderId);
    }
    return {
      seq: this.seq, kind, reason: 0, orderId: orderId ?? 0, owner: PM_OWNER, clientOrderId: command.clientOrderId, symbol: command.symbol,
      side: command.side, price: command.price, quantity: command.quantity, lastQuantity: 0, lastPrice: 0, cumQuantity: 0,
      leavesQuantity: 0, tradeId: 0, tsReceiveNs: 0, tsMatchNs: 0, tsDispatchNs: 0, ...fields,
    };
  }

  deliver(command: Command, kind: ExecutionReport['kind'], fields: Partial<ExecutionReport> = {}): ExecutionReport {
    const report = this.make(command, kind, fields);
    this.pm.onReport(report);
    return report;
  }

  accept(command: Command): ExecutionReport {
    return this.deliver(command, ExecKind.ACCEPTED, { leavesQuantity: command.quantity });
  }

  fill(command: Command, quantity: number, cum: number): ExecutionReport {
    const leaves = command.quantity - cum;
    return this.deliver(command, leaves === 0 ? ExecKind.FILLED : ExecKind.PARTIALLY_FILLED, {
      lastQuantity: quantity, lastPrice: command.price, cumQuantity: cum, leavesQuantity: leaves, tradeId: this.seq,
    });
  }
}

/** What a refused call must leave as it was: state (positions, orders, stats, id counter), anomalies, alerts, timers. */
export function observable(pm: PositionManager): string {
  return JSON.stringify({ state: pm.state(), anomalies: pm.anomalies(), alerts: pm.alerts(), wake: pm.nextWakeNs() });
}

/** Asserts that `call` is refused with `code` and `message`, and changes nothing observable. */
export function expectRefused(pm: PositionManager, call: () => unknown, code: string, message: string | RegExp): void {
  const before = observable(pm);
  let error: unknown;
  try {
    call();
  } catch (thrown) {
    error = thrown;
  }
  expect(error, 'the call is refused').toBeInstanceOf(Error);
  expect((error as Error).message).toEqual(typeof message === 'string' ? message : expect.stringMatching(message));
  expect((error as { code?: string }).code).toBe(code);
  expect(observable(pm), 'a refused call changes nothing').toBe(before);
  pm.validate();
}
