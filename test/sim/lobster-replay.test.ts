import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { zipSync, strToU8 } from 'fflate';
import { describe, expect, it } from 'vitest';
import { Engine } from '../../engine/engine.js';
import { ReferenceBook } from '../../engine/reference-book.js';
import type { OrderBookEngine } from '../../engine/types.js';
import { bookNameFor, lobsterFilesFromZip } from '../../sim/replay/lobster/archive.js';
import { parseLobsterBook } from '../../sim/replay/lobster/book-file.js';
import { parseLobsterMessages } from '../../sim/replay/lobster/messages.js';
import { lobsterInstrument, lobsterReplayPassed, replayLobster, type LobsterReplaySummary } from '../../sim/replay/lobster/replay.js';
import { ROOT } from '../support/run-cli.js';

const FIXTURE = path.join(ROOT, 'test', 'fixtures', 'lobster');
const MESSAGE_NAME = 'TEST_2012-06-21_34200000_57600000_message_2.csv';
const BOOK_NAME = 'TEST_2012-06-21_34200000_57600000_orderbook_2.csv';
const fixtureText = (name: string): string => readFileSync(path.join(FIXTURE, name), 'utf8');

// ../shared/data/lobster beside the repository (the workplace's copy), or LOBSIM_LOBSTER_DIR.
const DATA_DIR = process.env.LOBSIM_LOBSTER_DIR ?? path.resolve(ROOT, '..', 'shared', 'data', 'lobster');

function replayText(messageText: string, bookText: string, engineName: 'native' | 'reference' = 'native', symbol = 'TEST'): LobsterReplaySummary {
  const messages = parseLobsterMessages(messageText, 'messages.csv');
  const book = parseLobsterBook(bookText, 'orderbook.csv');
  const options = { instruments: [lobsterInstrument(symbol, book)], stp: 'off' as const };
  const engine: OrderBookEngine = engineName === 'native' ? new Engine(options) : new ReferenceBook(options);
  const summary = replayLobster(engine, symbol, messages, book);
  if (engine instanceof Engine) engine.close();
  return summary;
}

describe('LOBSTER message and order-book files', () => {
  it('parses every field of a message line into columns', () => {
    const messages = parseLobsterMessages('34200.015105074,4,15818974,4,5794000,1\n34200.1,7,0,0,-1,-1\n', 'm.csv');
    expect(messages.count).toBe(2);
    expect([messages.timeSeconds[0], messages.type[0], messages.orderId[0], messages.size[0], messages.price[0], messages.direction[0]])
      .toEqual([34200.015105074, 4, 15818974, 4, 5794000, 1]);
    expect([messages.type[1], messages.price[1], messages.direction[1]]).toEqual([7, -1, -1]);
  });

  it.each([
    ['34200.1,4,1,4,5794000', 'm.csv:1: expected 6 fields (time,type,orderId,size,price,direction), got 5'],
    ['34200.1,8,1,4,5794000,1', 'm.csv:1: type: must be an integer in [1, 7], got 8'],
    ['34200.1,1,x,4,5794000,1', "m.csv:1: orderId: must be an integer, got 'x'"],
    ['34200.1,1,1,-4,5794000,1', 'm.csv:1: size: must be an integer in [0, 9007199254740991], got -4'],
    ['34200.1,1,1,4,5794000,0', 'm.csv:1: direction: must be 1 (buy) or -1 (sell), got 0'],
    ['34200.1,1,1,4,5794050,1', 'm.csv:1: price: must be a positive multiple of 100 (whole cents) for a type 1 event, got 5794050'],
    ['34200.1,3,1,4,0,1', 'm.csv:1: price: must be a positive multiple of 100 (whole cents) for a type 3 event, got 0'],
    ['34200.1,4,1,0,5794000,1', 'm.csv:1: size: must be an integer in [1, 1000000000], got 0'],
    ['34200.1,1,1099511627776,4,5794000,1', 'm.csv:1: orderId: must be an integer in [0, 1099511627775], got 1099511627776'],
    ['noon,1,1,4,5794000,1', "m.csv:1: time: must be seconds after midnight in [0, 86400], got 'noon'"],
    ['34200.2,1,1,4,5794000,1\n34200.1,1,2,4,5794000,1', 'm.csv:2: time: must not decrease, got 34200.1 after 34200.2'],
    ['34200.1,1,1,4,5794000,1\n\n34200.2,1,2,4,5794000,1', 'm.csv:2: expected 6 fields (time,type,orderId,size,price,direction), got 1'],
  ])('stops a message file at its first bad line: %s', (text, message) => {
    expect(() => parseLobsterMessages(text, 'm.csv')).toThrow(message);
  });

  it('parses an order-book file of N levels and names a bad cell by its column', () => {
    const book = parseLobsterBook(fixtureText(BOOK_NAME), BOOK_NAME);
    expect([book.rows, book.levels]).toEqual([10, 2]);
    expect(Array.from(book.data.subarray(0, 8))).toEqual([1020000, 30, 1000000, 100, 9999999999, 0, 990000, 50]);
    expect(() => parseLobsterBook('1,2,3', 'b.csv')).toThrow('b.csv:1: expected 4 columns per level');
    expect(() => parseLobsterBook('1,2,3,4\n1,2,3', 'b.csv')).toThrow('b.csv:2: expected 4 columns (1 levels), got 3');
    expect(() => parseLobsterBook('5,-1,3,4', 'b.csv')).toThrow('b.csv:1: askSize1: must be an integer in [0, 9007199254740991], got -1');
  });

  it('finds both files in a zip, and says what is missing', () => {
    const zip = zipSync({ [`sample/${MESSAGE_NAME}`]: strToU8(fixtureText(MESSAGE_NAME)), [`sample/${BOOK_NAME}`]: strToU8(fixtureText(BOOK_NAME)), 'sample/ReadMe.txt': strToU8('x') });
    const files = lobsterFilesFromZip(zip, 's.zip');
    expect(files.symbol).toBe('TEST');
    expect(files.bookName).toBe(`s.zip:sample/${BOOK_NAME}`);
    expect(files.bookText).toBe(fixtureText(BOOK_NAME));
    expect(() => lobsterFilesFromZip(zipSync({ [MESSAGE_NAME]: strToU8('') }), 's.zip')).toThrow(`s.zip: has ${MESSAGE_NAME} but not its order-book file ${BOOK_NAME}`);
    expect(() => lobsterFilesFromZip(zipSync({ 'a.csv': strToU8('') }), 's.zip')).toThrow('s.zip: expected one LOBSTER message file (*_message_<N>.csv), found 0');
    expect(() => lobsterFilesFromZip(strToU8('not a zip'), 's.zip')).toThrow('s.zip: not a readable zip archive');
    expect(bookNameFor('x.csv')).toBeNull();
  });
});

describe('replaying a LOBSTER sample', () => {
  it('rebuilds the hand-made sample exactly, revealing what the window had not shown', () => {
    for (const engine of ['native', 'reference'] as const) {
      const summary = replayText(fixtureText(MESSAGE_NAME), fixtureText(BOOK_NAME), engine);
      expect(summary).toMatchObject({
        messages: 10,
        events: { new: 3, partialCancel: 1, delete: 2, executeVisible: 2, executeHidden: 1, cross: 0, halt: 1 },
        // One execution matched against order 1 by an IOC, one of an order the window never showed.
        trades: 1, filledQty: 40, executionsMatched: 1, executionsOfRevealed: 1, unknownOrderEvents: 1, executionsOutOfQueueOrder: 0,
        // Row 1 reveals the bid at 990000 and the ask at 1020000, row 7 the bid at 980000.
        revealedLevels: 3, revealedQtyAdded: 105, revealedQtyRemoved: 0,
        rowsCompared: 9, levelsCompared: 29, mismatchedLevels: 0, newOrdersRejected: {}, restingOrders: 4,
      });
      expect(lobsterReplayPassed(summary)).toBe(true);
    }
  });

  it('reports a level that differs from the file inside the window, and fails', () => {
    const rows = fixtureText(BOOK_NAME).split('\n');
    rows[2] = '1010000,20,1000000,70,1020000,30,990000,50'; // Row 3: 70 where the execution left 60.
    const summary = replayText(fixtureText(MESSAGE_NAME), rows.join('\n'));
    expect(summary.firstMismatches[0]).toEqual({ row: 3, side: 'bid', price: 1000000, expected: 70, actual: 60 });
    expect(summary.mismatchedRows).toBe(2); // Repaired to 70 at row 3, so row 4 (back to 60) differs too.
    expect(lobsterReplayPassed(summary)).toBe(false);
  });

  it('counts a new order that crosses the replayed book as a failure', () => {
    const messages = fixtureText(MESSAGE_NAME).split('\n');
    messages[1] = '34200.200000000,1,2,20,1000000,-1'; // A sell at the best bid: LOBSTER would list executions.
    const summary = replayText(messages.join('\n'), fixtureText(BOOK_NAME));
    expect(summary.newOrdersRejected).toEqual({ POST_ONLY_WOULD_CROSS: 1 });
    expect(lobsterReplayPassed(summary)).toBe(false);
  });

  it('applies an execution LOBSTER lists out of queue order to the order it names, without matching it', () => {
    const messages = ['34200.1,1,1,10,1000000,1', '34200.2,1,2,5,1000000,1', '34200.3,4,2,5,1000000,1', '34200.4,4,1,10,1000000,1'].join('\n');
    const book = ['9999999999,0,1000000,10', '9999999999,0,1000000,15', '9999999999,0,1000000,10', '9999999999,0,-9999999999,0'].join('\n');
    for (const engine of ['native', 'reference'] as const) {
      const summary = replayText(messages, book, engine);
      expect(summary).toMatchObject({ executionsOutOfQueueOrder: 1, executionsMatched: 1, executionsMisrouted: 0, trades: 1, filledQty: 10, mismatchedLevels: 0, levelsCompared: 2 });
      expect(lobsterReplayPassed(summary)).toBe(true);
    }
  });

  it('refuses files of different lengths', () => {
    expect(() => replayText(fixtureText(MESSAGE_NAME), fixtureText(BOOK_NAME).split('\n').slice(0, 9).join('\n')))
      .toThrow('order-book file: has 9 rows, the message file 10 messages (one row per message)');
  });
});

// Real NASDAQ order flow (2012-06-21, a full trading day): the native engine and the reference book
// must rebuild LOBSTER's book at every price inside the window, and write the same report stream.
describe.each([
  ['LOBSTER_SampleFile_GOOG_2012-06-21_1.zip', 'GOOG', 49_482],
  ['LOBSTER_SampleFile_AMZN_2012-06-21_5.zip', 'AMZN', 155_935],
])('real data: %s', (zipName, symbol, messageCount) => {
  const zipPath = path.join(DATA_DIR, zipName);
  const missing = !existsSync(zipPath);
  it.skipIf(missing)(`rebuilds the book exactly with both engines${missing ? ` (skipped: ${zipPath} not found; set LOBSIM_LOBSTER_DIR)` : ''}`, () => {
    const files = lobsterFilesFromZip(readFileSync(zipPath), zipName);
    expect(files.symbol).toBe(symbol);
    const native = replayText(files.messageText, files.bookText, 'native', symbol);
    const reference = replayText(files.messageText, files.bookText, 'reference', symbol);
    for (const summary of [native, reference]) {
      expect(summary.messages).toBe(messageCount);
      expect(summary.firstMismatches).toEqual([]);
      expect(summary.newOrdersRejected).toEqual({});
      // Every execution of the order first in queue went to that order, at its price.
      expect(summary.executionsMisrouted).toBe(0);
      expect(lobsterReplayPassed(summary)).toBe(true);
      expect(summary.levelsCompared).toBeGreaterThan(messageCount);
      // The data's own exceptions (executions sharing a timestamp listed out of queue order) are rare.
      expect(summary.executionsOutOfQueueOrder).toBeLessThan(0.01 * summary.events.executeVisible);
      expect(summary.executionsMatched).toBeGreaterThan(0.5 * summary.events.executeVisible);
    }
    const { elapsedMs: _n, messagesPerSecond: _m, ...nativeRest } = native;
    const { elapsedMs: _r, messagesPerSecond: _s, ...referenceRest } = reference;
    expect(nativeRest).toEqual(referenceRest);
  }, 60_000);
});
