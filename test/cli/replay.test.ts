import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ReferenceBook } from '../../engine/reference-book.js';
import { parseCommandsCsv } from '../../sim/replay/commands-csv.js';
import { Action, ExecKind } from '../../engine/protocol.js';
import { runCli } from '../support/run-cli.js';

const dir = mkdtempSync(path.join(tmpdir(), 'lobsim-replay-'));
const csv = (name: string, text: string) => {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
};

describe('lobsim replay', () => {
  it('summarizes a command file as JSON', () => {
    const file = csv(
      'basic.csv',
      [
        'action,id,side,price,qty,tif',
        'new,1,buy,100,10,GTC',
        'new,2,buy,99,5,GTC',
        'new,3,sell,101,7,GTC',
        'new,4,sell,100,4,GTC', // trades 4 @ 100 against id 1
        'new,5,sell,98,20,IOC', // trades 6 @ 100, 5 @ 99, 9 expire
        'new,6,buy,101,50,FOK', // only 7 available: killed
        'cancel,1,,,,', // already filled: cancel rejected
        'cancel,3,,,,',
        'cancel,42,,,,', // unknown
        'new,7,buy,0,5,GTC', // rejected: price <= 0
        'new,8,buy,97,3,GTC',
      ].join('\n'),
    );
    const result = runCli(['replay', file, '--json']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary).toMatchObject({
      commands: 11, trades: 3, filledQty: 15, cancelled: 1, cancelRejected: 2, rejected: 1, expired: 2,
      restingOrders: 1, bestBid: 97, bestAsk: null, bids: [[97, 3]], asks: [],
    });
    expect(summary.elapsedMs).toBeGreaterThanOrEqual(0);
  });

  it('agrees with the reference book on the example file', () => {
    const result = runCli(['replay', 'examples/commands.csv', '--json']);
    expect(result.status).toBe(0);
    const summary = JSON.parse(result.stdout);
    // The same file through the reference book.
    const rows = parseCommandsCsv(readFileSync('examples/commands.csv', 'utf8'), 'examples/commands.csv');
    const book = new ReferenceBook({
      instruments: [{ symbol: 'R', tickSize: 1, lotSize: 1, maxOrderQuantity: 0xffffffff, referencePrice: Math.max(1, ...rows.map((r) => r.price)), bandBps: 10_000 }],
    });
    let trades = 0, filledQty = 0, cancelRejected = 0;
    for (const row of rows) {
      const reports =
        row.action === Action.NEW
          ? book.submit({ symbol: 0, owner: 1, clientOrderId: row.id, side: row.side, type: row.type, price: row.price, quantity: row.quantity })
          : book.cancel({ owner: 1, clientOrderId: row.id });
      for (const [index, report] of reports.entries()) {
        if ((report.kind === ExecKind.FILLED || report.kind === ExecKind.PARTIALLY_FILLED) && reports[index - 1]?.tradeId !== report.tradeId) {
          trades++;
          filledQty += report.lastQuantity;
        }
        if (report.kind === ExecKind.CANCEL_REJECTED) cancelRejected++;
      }
    }
    expect(summary.commands).toBe(rows.length);
    expect(summary.trades).toBe(trades);
    expect(summary.filledQty).toBe(filledQty);
    expect(summary.cancelRejected).toBe(cancelRejected);
    expect(summary.restingOrders).toBe(book.snapshot(0).length);
    expect(trades).toBeGreaterThan(100);
  });

  it('prints a readable table without --json', () => {
    const result = runCli(['replay', 'examples/commands.csv']);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^commands\s+2000$/m);
    expect(result.stdout).toMatch(/^best bid \/ ask\s+\d+ \/ \d+$/m);
  });

  const malformed: [string, string, RegExp][] = [
    ['a bad header', 'action,id,side\nnew,1,buy', /:1: the header must be 'action,id,side,price,qty,tif'/],
    ['a fractional price', 'action,id,side,price,qty,tif\nnew,1,buy,100,5,GTC\nnew,2,buy,10.5,5,GTC', /:3: price: must be an integer, got '10\.5'/],
    ['an unknown action', 'action,id,side,price,qty,tif\namend,1,buy,100,5,GTC', /:2: action: must be 'new' or 'cancel', got 'amend'/],
    ['a bad side', 'action,id,side,price,qty,tif\nnew,1,up,100,5,GTC', /:2: side: must be 'buy' or 'sell', got 'up'/],
    ['a bad tif', 'action,id,side,price,qty,tif\nnew,1,buy,100,5,DAY', /:2: tif: must be GTC, IOC or FOK, got 'DAY'/],
    ['a missing field', 'action,id,side,price,qty,tif\nnew,1,buy,100,5', /:2: expected 6 fields/],
    ['a zero id', 'action,id,side,price,qty,tif\nnew,0,buy,100,5,GTC', /:2: id: must be an integer in \[1, /],
    ['a huge quantity', 'action,id,side,price,qty,tif\nnew,1,buy,100,99999999999999999999,GTC', /:2: qty: must be an integer in/],
  ];
  for (const [name, text, message] of malformed) {
    it(`stops on ${name} with the line number and reason, exit 2`, () => {
      const result = runCli(['replay', csv(`bad-${name.replace(/\W/g, '')}.csv`, text), '--json']);
      expect(result.status).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(message);
    });
  }

  it('names a missing file, exit 2', () => {
    const result = runCli(['replay', path.join(dir, 'nope.csv')]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/nope\.csv: cannot read \(ENOENT\)/);
  });

  it('rejects unknown options, exit 2', () => {
    const result = runCli(['replay', 'examples/commands.csv', '--jsn']);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/Unknown argument: jsn/);
  });
});

