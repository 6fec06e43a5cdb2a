/**
 * The PM over a ReferenceBook through the InlineGateway: convergence with a liquidity provider,
 * the seed's large liquidation (section 5.2), engine restart (question 4) and PM restart from the
 * journal (section 5.3).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Action, Side } from '../../engine/protocol.js';
import { ReferenceBook } from '../../engine/reference-book.js';
import type { Command, ExecutionReport } from '../../engine/types.js';
import { InlineGateway } from '../../engine/pm/inline-gateway.js';
import { PositionManager } from '../../engine/pm/position-manager.js';
import { Counterparty, INSTRUMENTS, ledger, makeRig, PM_OWNER, runUntilIdle, VirtualClock } from './support.js';

const MS = 1_000_000;
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
const journalPath = (): string => {
  const dir = mkdtempSync(path.join(tmpdir(), 'lobsim-pm-'));
  dirs.push(dir);
  return path.join(dir, 'pm.jsonl');
};

/** Records every report the engine emits (the ground-truth ledger). */
function recordAll(gateway: InlineGateway): ExecutionReport[] {
  const all: ExecutionReport[] = [];
  const send = gateway.send.bind(gateway);
  const execute = gateway.execute.bind(gateway);
  gateway.send = (command: Command) => {
    const engine = gateway.currentEngine;
    const original = engine.execute.bind(engine);
    engine.execute = (c: Command) => {
      const reports = original(c);
      all.push(...reports);
      return reports;
    };
    try {
      send(command);
    } finally {
      engine.execute = original;
    }
  };
  gateway.execute = (command: Command) => {
    const reports = execute(command);
    all.push(...reports);
    return reports;
  };
  return all;
}

describe('PM end to end over the reference book', () => {
  it('converges to a target when a counterparty provides liquidity', () => {
    const rig = makeRig({ pricePolicy: 'cross', childQuantityMax: 300, childIntervalNs: MS, repriceTicksMin: 1, repriceIntervalNs: 5 * MS });
    const all = recordAll(rig.gateway);
    rig.pm.setTargets([{ symbol: 0, quantity: 2_000 }, { symbol: 1, quantity: -1_500 }]);
    const replenish = (): void => {
      if (rig.book.bbo(0).ask === null) rig.counterparty.rest(0, Side.SELL, 10_002, 250);
      if (rig.book.bbo(1).bid === null) rig.counterparty.rest(1, Side.BUY, 1_995, 200);
    };
    replenish();
    runUntilIdle(rig, 1_000 * MS, replenish);
    expect([rig.pm.position(0), rig.pm.position(1)]).toEqual([2_000, -1_500]);
    expect(ledger(all, PM_OWNER, 2)).toEqual([2_000, -1_500]);
    expect(rig.pm.liveOrderCount).toBe(0);
    expect(rig.pm.anomalies()).toEqual([]);
  });

  it('liquidates 100,000 shares in paced children of at most 1,000', () => {
    const rig = makeRig({ pricePolicy: 'cross', orderType: 'ioc', childQuantityMax: 1_000, childOrdersLiveMax: 1, childIntervalNs: 10 * MS });
    const all = recordAll(rig.gateway);
    rig.pm.setTarget(0, -100_000);
    let bidPrice = 10_000;
    const replenish = (): void => {
      if (rig.book.bbo(0).bid === null) rig.counterparty.rest(0, Side.BUY, bidPrice--, 700);
    };
    replenish();
    runUntilIdle(rig, 10_000 * MS, replenish);
    const news = (): number => all.filter((r) => r.owner === PM_OWNER && r.kind === 1).length;
    expect(rig.pm.position(0)).toBe(-100_000);
    expect(ledger(all, PM_OWNER, 2)[0]).toBe(-100_000);
    expect(news()).toBeGreaterThanOrEqual(100);
    expect(Math.max(...all.filter((r) => r.owner === PM_OWNER && r.kind === 1).map((r) => r.quantity))).toBe(1_000);
    expect(rig.clock.ns).toBeGreaterThanOrEqual(99 * 10 * MS);
  });

  it('engine restart: live orders are lost, working falls back to position, new ids go out', () => {
    const rig = makeRig({ pricePolicy: 'join', childQuantityMax: 100, childOrdersLiveMax: 3 });
    rig.counterparty.rest(0, Side.SELL, 10_000, 150);
    rig.pm.setTarget(0, 500);
    rig.pm.tick();
    rig.gateway.flush();
    const before = rig.pm.state().symbols[0];
    expect(before?.liveOrders.length).toBe(3);
    const oldIds = before?.liveOrders.map((o) => o.clientOrderId) ?? [];
    const position = rig.pm.position(0);
    const fresh = new ReferenceBook({ instruments: INSTRUMENTS });
    rig.gateway.replaceEngine(fresh);
    rig.pm.onEngineEpoch(1);
    rig.gateway.flush();
    const after = rig.pm.state().symbols[0];
    expect(rig.pm.stats()).toMatchObject({ engineRestarts: 1, ordersLost: 3 });
    expect(after?.position).toBe(position);
    expect(after?.working).toBe(position + 300);
    const newIds = after?.liveOrders.map((o) => o.clientOrderId) ?? [];
    expect(Math.min(...newIds)).toBeGreaterThan(Math.max(...oldIds));
    expect(fresh.snapshot(0).filter((o) => o.owner === PM_OWNER).map((o) => o.clientOrderId)).toEqual(newIds);
  });

  it('PM restart: recovers from the journal, replays missed reports, adopts and reconciles with the engine', () => {
    const file = journalPath();
    const clock = new VirtualClock();
    const rig = makeRig({ journalPath: file, pricePolicy: 'cross', childQuantityMax: 100, childOrdersLiveMax: 2 }, clock);
    const all = recordAll(rig.gateway);
    rig.counterparty.rest(0, Side.SELL, 10_000, 150);
    rig.pm.setTarget(0, 400);
    rig.pm.setTarget(1, -200);
    rig.pm.tick();
    rig.gateway.flush();
    // Fills happen while the PM is down: the gateway holds reports nobody delivers.
    const counterparty = new Counterparty(rig.gateway);
    counterparty.take(0, Side.SELL, 30);
    const missed = all.filter((r) => r.owner === PM_OWNER).slice(-2);
    expect(missed.length).toBeGreaterThan(0);
    const positionAtCrash = rig.pm.position(0);
    expect(positionAtCrash).toBe(150);
    rig.pm.close();
    const truth = ledger(all, PM_OWNER, 2);

    const gateway = new InlineGateway(rig.book);
    const pm = PositionManager.recover(file, { owner: PM_OWNER, instruments: INSTRUMENTS, pricePolicy: 'cross', childQuantityMax: 100, childOrdersLiveMax: 2, journalPath: file, verify: true }, { gateway, marketData: gateway, clock });
    gateway.connect(pm);
    expect(pm.target(0)).toBe(400);
    expect(pm.target(1)).toBe(-200);
    expect(pm.position(0)).toBe(positionAtCrash);
    pm.onReports(all.filter((r) => r.owner === PM_OWNER));
    expect([pm.position(0), pm.position(1)]).toEqual(truth);
    expect(pm.stats().reportsDuplicate).toBeGreaterThan(0);
    // An order the PM never journaled (e.g. sent by a previous incarnation): adopted, then cancelled as excess.
    rig.book.submit({ symbol: 1, owner: PM_OWNER, clientOrderId: 9_999, side: Side.SELL, type: 1, price: 2_100, quantity: 500 });
    pm.reconcileWithEngineBooks(rig.book);
    gateway.flush();
    expect(pm.stats().ordersAdopted).toBe(1);
    expect(rig.book.snapshot(1).some((o) => o.clientOrderId === 9_999)).toBe(false);
    const engineIds = [0, 1].flatMap((s) => rig.book.snapshot(s).filter((o) => o.owner === PM_OWNER).map((o) => o.clientOrderId)).sort((a, b) => a - b);
    const pmIds = pm.state().symbols.flatMap((s) => s.liveOrders.map((o) => o.clientOrderId)).sort((a, b) => a - b);
    expect(pmIds).toEqual(engineIds);
    expect(pm.state().nextClientOrderId).toBeGreaterThan(9_999);
    // The compacted journal recovers the same state again.
    pm.close();
    expect(readFileSync(file, 'utf8').split('\n')[1]).toContain('"k":"snap"');
    const again = PositionManager.recover(file, { owner: PM_OWNER, instruments: INSTRUMENTS }, { gateway, marketData: gateway, clock });
    expect(again.state().symbols).toEqual(pm.state().symbols);
    again.close();
  });

  it('recover refuses a journal of another owner', () => {
    const file = journalPath();
    const rig = makeRig({ journalPath: file });
    rig.pm.close();
    expect(() => PositionManager.recover(file, { owner: PM_OWNER + 1, instruments: INSTRUMENTS }, { gateway: rig.gateway, marketData: rig.gateway, clock: rig.clock })).toThrow(/line 1 \(hdr\) cannot be replayed: hdr\.owner: must be the PM's owner 8, got 7$/);
  });

  it('recover refuses a journal with a malformed or unreplayable record, naming it, and leaves the file as it was', () => {
    const header = JSON.stringify({ k: 'hdr', v: 1, owner: PM_OWNER, ns: 0 });
    const order = JSON.stringify({ k: 'new', c: 1, s: 0, sd: 0, p: 1_000, q: 10, ns: 1 });
    const cases: [string[], RegExp][] = [
      [[header, 'null'], /line 2: must be a JSON object$/],
      [[header, '{"k":"tgt","s":0,"q":null,"ns":1}'], /line 2: tgt\.q: must be an integer in \[-9007199254740991, 9007199254740991\], got null$/],
      [[header, '{"k":"rpt","c":1,"seq":1,"kd":4,"rs":0,"oid":1,"cum":"zz","lv":0,"lq":10,"ns":2}'], /line 2: rpt\.cum: must be an integer in \[0, 4294967295\], got "zz"$/],
      [[header, '{"k":"__proto__","ns":1}'], /line 2: k: must be one of hdr, tgt, /],
      [[header, '{"k":"snap","snapshot":null,"ns":1}'], /line 2: snap\.snapshot: must be an object$/],
      [[header, JSON.stringify({ k: 'new', c: 1, s: 99, sd: 0, p: 1_000, q: 10, ns: 1 })], /line 2 \(new\) cannot be replayed: new\.s: must be an instrument index in \[0, 1\], got 99$/],
      [[header, order, order], /line 3 \(new\) cannot be replayed: new\.c: order 1 was already created$/],
    ];
    const clock = new VirtualClock();
    const deps = { gateway: { send: () => undefined }, marketData: { bbo: () => ({ bid: null, ask: null }) }, clock };
    for (const [lines, message] of cases) {
      const file = journalPath();
      const text = `${lines.join('\n')}\n`;
      writeFileSync(file, text);
      expect(() => PositionManager.recover(file, { owner: PM_OWNER, instruments: INSTRUMENTS }, deps), lines[1]).toThrow(message);
      expect(() => PositionManager.recover(file, { owner: PM_OWNER, instruments: INSTRUMENTS }, deps)).toThrow(expect.objectContaining({ code: 'LOBSIM_ERR_INPUT' }));
      expect(readFileSync(file, 'utf8')).toBe(text);
    }
  });

  it('InlineGateway refuses a resubmission loop instead of hanging', () => {
    const book = new ReferenceBook({ instruments: INSTRUMENTS });
    const gateway = new InlineGateway(book, 5);
    const sink = { owner: PM_OWNER, onReport: () => gateway.send({ action: Action.CANCEL, symbol: 0, owner: PM_OWNER, clientOrderId: 1, orderId: 0, side: 0, type: 1, price: 0, quantity: 0 }) };
    gateway.connect(sink);
    gateway.send({ action: Action.CANCEL, symbol: 0, owner: PM_OWNER, clientOrderId: 1, orderId: 0, side: 0, type: 1, price: 0, quantity: 0 });
    expect(() => gateway.flush()).toThrow(/resubmission loop/);
  });
});
