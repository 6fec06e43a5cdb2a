/**
 * LOBSTER order-book files: row k is the visible book right after message k, N levels a side,
 * `askPrice1,askSize1,bidPrice1,bidSize1,askPrice2,...` (4N integer columns, no header). A level
 * the book does not have reads 9999999999 (ask) or -9999999999 (bid) with size 0.
 */
import { fileLines, integerField, LobsterInputError } from './messages.js';

/** LOBSTER's price of an ask level the book does not have; a missing bid is its negation. */
export const LOBSTER_EMPTY_ASK_PRICE = 9_999_999_999;
export const LOBSTER_LEVELS_MAX = 200;

/** Row k, level j (0 = best): data[(k * levels + j) * 4 + column], columns as in the file. */
export interface LobsterBookFile {
  readonly rows: number;
  readonly levels: number;
  readonly data: Float64Array;
}

export const BookColumn = { askPrice: 0, askSize: 1, bidPrice: 2, bidSize: 3 } as const;

export function parseLobsterBook(text: string, file: string): LobsterBookFile {
  const lines = fileLines(text);
  const first = lines[0]?.split(',').length ?? 0;
  if (first === 0 || first % 4 !== 0 || first / 4 > LOBSTER_LEVELS_MAX) {
    throw new LobsterInputError(file, 1, `expected 4 columns per level (askPrice,askSize,bidPrice,bidSize) for 1 to ${LOBSTER_LEVELS_MAX} levels, got ${first} columns`);
  }
  const levels = first / 4;
  const data = new Float64Array(lines.length * first);
  for (let row = 0; row < lines.length; row++) {
    try {
      const fields = lines[row]!.split(',');
      if (fields.length !== first) throw new Error(`expected ${first} columns (${levels} levels), got ${fields.length}`);
      for (let column = 0; column < first; column++) {
        const level = Math.floor(column / 4) + 1;
        const kind = column % 4;
        const name = `${['askPrice', 'askSize', 'bidPrice', 'bidSize'][kind]}${level}`;
        const value = integerField(name, fields[column]!, kind === BookColumn.bidPrice ? -LOBSTER_EMPTY_ASK_PRICE : 0, kind === BookColumn.askPrice ? LOBSTER_EMPTY_ASK_PRICE : Number.MAX_SAFE_INTEGER);
        data[row * first + column] = value;
      }
    } catch (error) {
      throw new LobsterInputError(file, row + 1, (error as Error).message);
    }
  }
  return { rows: lines.length, levels, data };
}
