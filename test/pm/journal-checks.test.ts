/**
 * PositionManager.recover refuses a journal the PM could not have written, naming the line and the
 * field, recovers nothing and leaves the file as it was (fuzz review: a duplicate snapshot order,
 * fractions, a side 7, a report kind 99, cum above the quantity, a negative epoch, a counter 0, an
 * unknown version and a missing header were all accepted).
 */
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ExecKind } from '../../engine/protocol.js';
import { PositionManager } from '../../engine/pm/position-manager.js';
import type { Command } from '../../engine/types.js';
import { FLAT_BBO, INSTRUMENTS, PM_OWNER, RecordingGateway, ReportScript, VirtualClock } from './support.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A journal file of `lines`, each ended by a newline; a string is the file's whole text. */
function journal(lines: string[] | string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'lobsim-pm-journal-'));
  dirs.push(dir);
  const file = path.join(dir, 'pm.jsonl');
  writeFileSync(file, typeof lines === 'string' ? lines : `${lines.join('\n')}\n`);
  return file;
}

const deps = () => ({ gateway: new RecordingGateway(), marketData: FLAT_BBO, clock: new VirtualClock() });
const recover = (file: string, gateway = new RecordingGateway()) => PositionManager.recover(file, { owner: PM_OWNER, instruments: INSTRUMENTS, childQuantityMax: 100, verify: true }, { ...deps(), gateway });

const HEADER = JSON.stringify({ k: 'hdr', v: 1, owner: PM_OWNER, ns: 0 });
const NEW = JSON.stringify({ k: 'new', c: 1, s: 0, sd: 0, p: 10_000, q: 100, ns: 1 });
const snap = (snapshot: Record<string, unknown>): string =>
  JSON.stringify({ k: 'snap', snapshot: { engineEpoch: 0, nextClientOrderId: 5, symbols: [], orders: [], ...snapshot }, ns: 1 });
const order = (fields: Partial<Record<'c' | 's' | 'sd' | 'p' | 'q' | 'oid' | 'cum' | 'lv' | 'st' | 'seq' | 'ns', number>> = {}): number[] => {
  const o = { c: 1, s: 0, sd: 0, p: 10_000, q: 100, oid: 1, cum: 0, lv: 100, st: 1, seq: 0, ns: 0, ...fields };
  return [o.c, o.s, o.sd, o.p, o.q, o.oid, o.cum, o.lv, o.st, o.seq, o.ns];
};
const rpt = (fields: Record<string, number>): string => JSON.stringify({ k: 'rpt', c: 1, seq: 2, kd: 4, rs: 0, oid: 1, cum: 100, lv: 0, lq: 100, ns: 2, ...fields });

describe('recover refuses what the PM could not have written', () => {
  const cases: [string, string[] | string, string][] = [
    ['no header line', ['{"k":"tgt","s":0,"q":100,"ns":1}'], 'line 1: k: must be "hdr" (a journal starts with its header), got "tgt"'],
    ['only a torn line', '{"k":"hd', 'no header record (the file holds no complete line)'],
    ['header version 99', ['{"k":"hdr","v":99,"owner":7,"ns":0}'], 'line 1: hdr.v: must be 1 (the journal version this PM reads), got 99'],
    ['new with side 7', [HEADER, '{"k":"new","c":1,"s":0,"sd":7,"p":10000,"q":100,"ns":1}'], 'line 2: new.sd: must be an integer in [0, 1], got 7'],
    ['new with a negative price', [HEADER, '{"k":"new","c":1,"s":0,"sd":0,"p":-5,"q":100,"ns":1}'], 'line 2: new.p: must be an integer in [1, 9007199254740991], got -5'],
    ['new with quantity 0', [HEADER, '{"k":"new","c":1,"s":0,"sd":0,"p":10000,"q":0,"ns":1}'], 'line 2: new.q: must be an integer in [1, 4294967295], got 0'],
    ['a fractional quantity', [HEADER, '{"k":"new","c":1,"s":0,"sd":0,"p":10000,"q":10.5,"ns":1}'], 'line 2: new.q: must be an integer in [1, 4294967295], got 10.5'],
    ['report kind 99', [HEADER, NEW, rpt({ kd: 99 })], 'line 3: rpt.kd: must be an integer in [1, 8], got 99'],
    ['report cum above the quantity', [HEADER, NEW, rpt({ cum: 100_000, lq: 100_000 })], "line 3 (rpt) cannot be replayed: rpt.cum: cum 100000 is above the order's quantity 100"],
    ['report cum + leaves off the quantity', [HEADER, NEW, rpt({ kd: 3, cum: 40, lv: 10 })], "line 3 (rpt) cannot be replayed: rpt.lv: leaves 10 + cum 40 is not the order's quantity 100"],
    ['report seq not above the last', [HEADER, NEW, rpt({ kd: 3, cum: 40, lv: 60 }), rpt({ seq: 2 })], "line 4 (rpt) cannot be replayed: rpt.seq: must be above order 1's last applied seq 2, got 2"],
    ['report of no order', [HEADER, rpt({})], 'line 2 (rpt) cannot be replayed: rpt.c: no order 1 (reports follow their order\'s creation)'],
    ['negative epoch', [HEADER, '{"k":"epoch","e":-3,"ns":1}'], 'line 2: epoch.e: must be an integer in [0, 9007199254740991], got -3'],
    ['target off the lot', [HEADER, '{"k":"tgt","s":1,"q":15,"ns":1}'], 'line 2 (tgt) cannot be replayed: tgt.q: must be a safe integer multiple of lotSize 10, got 15'],
    ['cancel of a cancelling order', [HEADER, NEW, '{"k":"cxl","c":1,"ns":2}', '{"k":"cxl","c":1,"ns":3}'], 'line 4 (cxl) cannot be replayed: cxl.c: order 1 in PENDING_CANCEL cannot be cancelled'],
    ['snapshot counter 0', [HEADER, snap({ nextClientOrderId: 0 })], 'line 2: snap.snapshot.nextClientOrderId: must be an integer in [1, 9007199254740992], got 0'],
    ['snapshot duplicate order', [HEADER, snap({ orders: [order(), order()] })], 'line 2: snap.snapshot.orders[1][0] (c): duplicate of snap.snapshot.orders[0][0] (client order id 1)'],
    ['snapshot fractional field', [HEADER, snap({ orders: [order({ p: 10_000.5 })] })], 'line 2: snap.snapshot.orders[0][3] (p): must be an integer in [1, 9007199254740991], got 10000.5'],
    ['snapshot cum above quantity', [HEADER, snap({ orders: [order({ cum: 500 })] })], 'line 2: snap.snapshot.orders[0][6] (cum): must be an integer in [0, 100] (at most its quantity), got 500'],
    ['snapshot leaves above the quantity', [HEADER, snap({ orders: [order({ lv: 101 })] })], 'line 2: snap.snapshot.orders[0][7] (lv): must be an integer in [1, 100] (a live order: at least 1, at most its quantity), got 101'],
    ['snapshot leaves 0', [HEADER, snap({ orders: [order({ lv: 0 })] })], 'line 2: snap.snapshot.orders[0][7] (lv): must be an integer in [1, 100] (a live order: at least 1, at most its quantity), got 0'],
    ['adopt booked above the engine\'s cum', [HEADER, '{"k":"adopt","c":1,"s":0,"sd":0,"p":10000,"q":100,"oid":1,"cum":20,"lv":80,"bk":30,"sq":2,"ns":1}'],
      'line 2 (adopt) cannot be replayed: adopt.bk: must be at most cum 20 (the engine cannot have filled less than was booked), got 30'],
    ['adopt booked a fraction', [HEADER, '{"k":"adopt","c":1,"s":0,"sd":0,"p":10000,"q":100,"oid":1,"cum":20,"lv":80,"bk":0.5,"ns":1}'], 'line 2: adopt.bk: must be an integer in [0, 4294967295], got 0.5'],
    ['sync cum below what was booked', [HEADER, NEW, rpt({ kd: 3, cum: 40, lv: 60 }), '{"k":"sync","c":1,"oid":1,"cum":30,"lv":70,"ns":3}'],
      'line 4 (sync) cannot be replayed: sync.cum: cum 30 is below the 40 already booked'],
    ['report price 0', [HEADER, NEW, rpt({ kd: 7, cum: 0, lv: 50, lq: 0, p: 0 })], 'line 3: rpt.p: must be an integer in [1, 9007199254740991], got 0'],
    ['sync price a fraction', [HEADER, NEW, '{"k":"sync","c":1,"oid":1,"cum":0,"lv":100,"p":10000.5,"ns":3}'], 'line 3: sync.p: must be an integer in [1, 9007199254740991], got 10000.5'],
    ['snapshot order state 99', [HEADER, snap({ orders: [order({ st: 99 })] })], 'line 2: snap.snapshot.orders[0][8] (st): must be a live order state (0, 1, 2, 4, 8), got 99'],
    ['snapshot order id at the counter', [HEADER, snap({ orders: [order({ c: 5 })] })], 'line 2: snap.snapshot.orders[0][0] (c): must be below snap.snapshot.nextClientOrderId 5, got 5'],
    ['snapshot unknown symbol', [HEADER, snap({ symbols: [{ s: 5, pos: 1, tgt: null, halted: false }] })], 'line 2 (snap) cannot be replayed: snap.snapshot.symbols[0].s: must be an instrument index in [0, 1], got 5'],
    ['snapshot target off the lot', [HEADER, snap({ symbols: [{ s: 1, pos: 0, tgt: 15, halted: false }] })], 'line 2 (snap) cannot be replayed: snap.snapshot.symbols[0].tgt: must be a safe integer multiple of lotSize 10, got 15'],
    ['snapshot after other records', [HEADER, NEW, snap({})], 'line 3 (snap) cannot be replayed: snap: a snapshot must directly follow the header (the PM writes it there when it compacts the journal)'],
  ];

  it.each(cases)('%s', (_name, lines, message) => {
    const file = journal(lines);
    const text = readFileSync(file, 'utf8');
    expect(() => recover(file)).toThrow(expect.objectContaining({ code: 'LOBSIM_ERR_INPUT', message: `pm journal ${file}: ${message}` }));
    expect(readFileSync(file, 'utf8')).toBe(text);
  });

  it('recovers a journal whose counter is at the last id: one more order, then a clear error and no state for the next', () => {
    const gateway = new RecordingGateway();
    const pm = recover(journal([HEADER, snap({ nextClientOrderId: 2 ** 53 - 1, symbols: [{ s: 0, pos: 0, tgt: null, halted: false }] })]), gateway);
    pm.setTarget(0, 300);
    const exhausted = 'pm: client order ids exhausted (the next would be 9007199254740992, above 9007199254740991, the largest the engine takes): no new order can be sent';
    expect(() => pm.tick()).toThrow(expect.objectContaining({ code: 'LOBSIM_ERR_INPUT', message: exhausted }));
    expect(gateway.commands.map((c) => c.clientOrderId)).toEqual([2 ** 53 - 1]);
    expect(pm.state().nextClientOrderId).toBe(2 ** 53);
    expect(pm.liveOrderCount).toBe(1);
    pm.validate();
    // Every later try fails the same way, before anything is recorded: ids never repeat.
    expect(() => pm.tick(pm.nextWakeNs())).toThrow(exhausted);
    expect(gateway.commands).toHaveLength(1);
    expect(pm.state().nextClientOrderId).toBe(2 ** 53);
    expect(pm.liveOrderCount).toBe(1);
    pm.validate();
    pm.close();
  });
});

describe('recover accepts what the PM itself wrote', () => {
  const options = { owner: PM_OWNER, instruments: INSTRUMENTS, verify: true };

  it('a compacted journal holding an order with leaves = quantity and cum > 0 (a fill booked while its ack was lost)', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lobsim-pm-journal-'));
    dirs.push(dir);
    const file = path.join(dir, 'pm.jsonl');
    const gateway = new RecordingGateway();
    const pm = new PositionManager({ ...options, journalPath: file }, { ...deps(), gateway });
    const script = new ReportScript(pm);
    pm.setTarget(0, 100);
    pm.tick();
    const buy = gateway.commands[0] as Command;
    script.seq += 1;  // The ack, lost in transport: the partial fill meets a PENDING_NEW order.
    script.deliver(buy, ExecKind.PARTIALLY_FILLED, { orderId: 5, lastQuantity: 30, cumQuantity: 30, leavesQuantity: 70 });
    expect(pm.stats().illegalTransitions).toBe(1);
    expect(pm.state().symbols[0]?.liveOrders[0]).toMatchObject({ state: 'PENDING_NEW', cum: 30, leaves: 100, quantity: 100 });
    pm.compactJournal();
    pm.close();
    const first = PositionManager.recover(file, options, deps());  // Compacts again: the snapshot is read back.
    expect(first.state().symbols).toEqual(pm.state().symbols);
    first.close();
    const second = PositionManager.recover(file, options, deps());
    expect(second.state().symbols).toEqual(pm.state().symbols);
    expect(second.position(0)).toBe(30);
    second.close();
  });

  it('a journal written before stale reports were recognized: the stale report is skipped as onReport skips it', () => {
    // Written by the PM before b7e5c3e: a fill of cum 30 was still in flight when
    // reconcileWithEngine synced the order at cum 50, and was journaled when it arrived.
    const file = journal([
      HEADER,
      '{"k":"tgt","s":0,"q":100,"ns":0}',
      '{"k":"new","c":1,"s":0,"sd":0,"p":10000,"q":100,"ns":0}',
      '{"k":"rpt","c":1,"seq":1,"kd":1,"rs":0,"oid":1,"cum":0,"lv":100,"lq":0,"ns":0}',
      '{"k":"sync","c":1,"oid":1,"cum":50,"lv":50,"ns":0}',
      '{"k":"rpt","c":1,"seq":4,"kd":3,"rs":0,"oid":1,"cum":30,"lv":70,"lq":30,"ns":0}',
      '{"k":"rpt","c":1,"seq":7,"kd":3,"rs":0,"oid":1,"cum":50,"lv":50,"lq":20,"ns":0}',
    ]);
    const pm = recover(file);
    expect(pm.position(0)).toBe(50);
    expect(pm.state().symbols[0]?.liveOrders).toEqual([expect.objectContaining({ clientOrderId: 1, state: 'PARTIALLY_FILLED', cum: 50, leaves: 50 })]);
    expect(pm.stats()).toMatchObject({ reportsInconsistent: 0, illegalTransitions: 0 });
    pm.close();
  });

  it('a journal written before the PM took a MODIFY\'s price, knew refused modifies or synced acks: replayed as onReport now applies them', () => {
    // Written by the PM before these were recognized: the order was synced while its ack was in
    // flight (an illegal transition then), modified to 60 at 10,010 (REPLACED, no price journaled,
    // nor the sync's), and a modify was refused (CANCEL_REJECTED PRICE_OUT_OF_BAND, illegal then).
    const file = journal([
      HEADER,
      '{"k":"tgt","s":0,"q":100,"ns":0}',
      '{"k":"new","c":1,"s":0,"sd":0,"p":10000,"q":100,"ns":0}',
      '{"k":"sync","c":1,"oid":1,"cum":0,"lv":100,"ns":0}',
      '{"k":"rpt","c":1,"seq":1,"kd":1,"rs":0,"oid":1,"cum":0,"lv":100,"lq":0,"ns":0}',
      '{"k":"rpt","c":1,"seq":3,"kd":7,"rs":0,"oid":1,"cum":0,"lv":60,"lq":0,"ns":0}',
      '{"k":"rpt","c":1,"seq":4,"kd":8,"rs":7,"oid":1,"cum":0,"lv":60,"lq":0,"ns":0}',
    ]);
    const pm = recover(file);
    expect(pm.state().symbols[0]?.liveOrders).toEqual([expect.objectContaining({ clientOrderId: 1, state: 'WORKING', price: 10_000, quantity: 60, leaves: 60 })]);
    expect(pm.stats()).toMatchObject({ reportsInconsistent: 0, illegalTransitions: 0 });
    pm.close();
  });

  it('a clock that fails while the journal is compacted: recover throws and keeps no descriptor of the journal open', () => {
    const file = journal([HEADER, '{"k":"tgt","s":0,"q":100,"ns":0}']);
    const text = readFileSync(file, 'utf8');
    const openOnJournal = (): number => readdirSync('/proc/self/fd').filter((fd) => {
      try {
        return readlinkSync(`/proc/self/fd/${fd}`) === file;
      } catch {
        return false;  // The directory's own descriptor, closed by now.
      }
    }).length;
    const clock = { nowNs: () => Number.NaN };
    expect(() => PositionManager.recover(file, options, { ...deps(), clock })).toThrow('pm clock.nowNs(): must return a finite number of ns >= 0, got NaN');
    expect(openOnJournal()).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(text);
  });
});
