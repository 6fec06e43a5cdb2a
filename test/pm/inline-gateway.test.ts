/**
 * InlineGateway: its option and collaborators are checked (fuzz review: a NaN flushReportsMax
 * turned the loop guard off, 0 and -1 were accepted, null engines and sinks gave raw TypeErrors),
 * and no report is lost when the guard trips or the sink throws.
 */
import { describe, expect, it } from 'vitest';
import { Side } from '../../engine/protocol.js';
import { ReferenceBook } from '../../engine/reference-book.js';
import type { ExecutionReport } from '../../engine/types.js';
import { FLUSH_REPORTS_MAX_LIMIT, InlineGateway } from '../../engine/pm/inline-gateway.js';
import { PositionManager } from '../../engine/pm/position-manager.js';
import { Counterparty, INSTRUMENTS, PM_OWNER, VirtualClock } from './support.js';

/** A PM buying 100 from a resting sell: its ACCEPTED and FILLED reports wait in the gateway. */
function rig(flushReportsMax?: number) {
  const book = new ReferenceBook({ instruments: INSTRUMENTS });
  const gateway = new InlineGateway(book, flushReportsMax);
  const pm = new PositionManager({ owner: PM_OWNER, instruments: INSTRUMENTS, verify: true, pricePolicy: 'cross' }, { gateway, marketData: gateway, clock: new VirtualClock() });
  gateway.connect(pm);
  new Counterparty(gateway).rest(0, Side.SELL, 10_001, 100);
  pm.setTarget(0, 100);
  pm.tick();
  return { book, gateway, pm };
}

describe('InlineGateway', () => {
  it('refuses a flushReportsMax that is not an integer in [1, limit]', () => {
    const book = new ReferenceBook({ instruments: INSTRUMENTS });
    for (const value of [Number.NaN, 0, -1, 1.5, '5', FLUSH_REPORTS_MAX_LIMIT + 1]) {
      expect(() => new InlineGateway(book, value as never)).toThrow(expect.objectContaining({
        code: 'LOBSIM_ERR_CONFIG',
        message: `InlineGateway flushReportsMax: must be an integer in [1, 9007199254740991], got ${typeof value === 'string' ? `"${value}"` : String(value)}`,
      }));
    }
    expect(() => new InlineGateway(book, 1)).not.toThrow();
  });

  it('names a missing engine or sink, and send or flush before connect is a usage error', () => {
    const book = new ReferenceBook({ instruments: INSTRUMENTS });
    expect(() => new InlineGateway(null as never)).toThrow(new TypeError('InlineGateway engine: must be an object with execute() and bbo() methods, got null'));
    const gateway = new InlineGateway(book);
    expect(() => gateway.replaceEngine({} as never)).toThrow(new TypeError('InlineGateway engine: must be an object with execute() and bbo() methods, got an object'));
    expect(() => gateway.flush()).toThrow(expect.objectContaining({ code: 'LOBSIM_ERR_USAGE', message: 'InlineGateway: flush before connect (connect(pm) first)' }));
    // The PM's send would lose its reports; another participant's execute may run before.
    const order = { action: 1, symbol: 0, owner: PM_OWNER, clientOrderId: 1, orderId: 0, side: Side.BUY, type: 1, price: 10_000, quantity: 10 } as const;
    expect(() => gateway.send(order as never)).toThrow(expect.objectContaining({ code: 'LOBSIM_ERR_USAGE', message: 'InlineGateway: send before connect (connect(pm) first): its reports would be lost' }));
    expect(gateway.commandsSent).toBe(0);
    expect(book.stats().seq).toBe(0);
    expect(gateway.execute({ ...order, owner: PM_OWNER + 1 } as never)[0]?.kind).toBe(1);
    expect(() => gateway.connect(null as never)).toThrow(new TypeError('InlineGateway sink: must be an object with an integer owner and an onReport() method, got null'));
  });

  it('keeps the report that trips the guard queued: the next flush delivers it', () => {
    const { gateway, pm } = rig(1);
    expect(gateway.pending).toBe(2);
    expect(() => gateway.flush()).toThrow(expect.objectContaining({ code: 'LOBSIM_ERR_RUN', message: 'InlineGateway: more than 1 reports in one flush (a resubmission loop? else raise flushReportsMax); 1 stay queued' }));
    expect(gateway.pending).toBe(1);
    expect(pm.position(0)).toBe(0);
    expect(gateway.flush()).toBe(1);
    expect(pm.position(0)).toBe(100);
    expect(pm.liveOrderCount).toBe(0);
  });

  it('keeps a report the sink threw on queued', () => {
    const { book, gateway, pm } = rig();
    let failures = 1;
    const delivered: ExecutionReport[] = [];
    gateway.connect({ owner: PM_OWNER, onReport: (report) => {
      if (failures-- > 0) throw new Error('sink busy');
      delivered.push(report);
      pm.onReport(report);
    } });
    expect(() => gateway.flush()).toThrow('sink busy');
    expect(gateway.pending).toBe(2);
    expect(gateway.flush()).toBe(2);
    expect(delivered.map((r) => r.kind)).toEqual([1, 4]);
    expect(pm.position(0)).toBe(100);
    book.validate();
  });
});
