/**
 * LOBSTER message files (lobsterdata.com): one event per line, no header,
 * `time,type,orderId,size,price,direction`:
 * - time: seconds after midnight (decimals down to nanoseconds);
 * - type: 1 new limit order, 2 partial cancel (size = shares removed), 3 full delete (size = shares
 *   left), 4 execution of a visible resting order, 5 execution of a hidden order, 6 cross trade,
 *   7 trading halt;
 * - orderId: the exchange's order reference (0 for hidden executions);
 * - price: dollars x 10000, so a cent is 100 (halts carry -1, 0 or 1 instead);
 * - direction: 1 buy, -1 sell; for an execution, the side of the resting order.
 *
 * The file is parsed whole, into columns, before anything runs: the first malformed line stops the
 * parse with its line number and the reason.
 */
import { LobsimError } from '../../../engine/errors.js';

export const LobsterEvent = {
  NEW: 1,
  PARTIAL_CANCEL: 2,
  DELETE: 3,
  EXECUTE_VISIBLE: 4,
  EXECUTE_HIDDEN: 5,
  CROSS: 6,
  HALT: 7,
} as const;
export type LobsterEventCode = (typeof LobsterEvent)[keyof typeof LobsterEvent];
export const LOBSTER_EVENT_MAX = LobsterEvent.HALT;

export const LOBSTER_MESSAGE_FIELDS = 'time,type,orderId,size,price,direction';
/** LOBSTER's price of one cent (prices are dollars x 10000); visible orders trade in whole cents. */
export const LOBSTER_TICK = 100;
/** Order ids the replay keys by (owner, id) in one number: below 2^40 (LOBSTER's are below 2^32). */
export const LOBSTER_ORDER_ID_MAX = 2 ** 40 - 1;
/** Shares of one visible event (the engine instrument's max order quantity). */
export const LOBSTER_SIZE_MAX = 1_000_000_000;
const FIELD_COUNT = 6;

/** Columns, one entry per message, in file order. */
export interface LobsterMessages {
  readonly count: number;
  readonly timeSeconds: Float64Array;
  readonly type: Uint8Array;
  readonly orderId: Float64Array;
  readonly size: Float64Array;
  /** Dollars x 10000 (halts: -1, 0 or 1). */
  readonly price: Float64Array;
  /** 1 buy, -1 sell. */
  readonly direction: Int8Array;
}

export class LobsterInputError extends LobsimError {
  constructor(file: string, line: number, reason: string) {
    super('LOBSIM_ERR_INPUT', `${file}:${line}: ${reason}`);
    this.name = 'LobsterInputError';
  }
}

const INTEGER = /^-?\d+$/;
const DECIMAL = /^\d+(\.\d+)?$/;

export function integerField(name: string, text: string, min: number, max: number): number {
  if (!INTEGER.test(text)) throw new Error(`${name}: must be an integer, got '${text}'`);
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new Error(`${name}: must be an integer in [${min}, ${max}], got ${text}`);
  }
  return value;
}

/** The lines of a text file without a trailing empty line; blank lines elsewhere are errors. */
export function fileLines(text: string): string[] {
  const lines = text.split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

export function parseLobsterMessages(text: string, file: string): LobsterMessages {
  const lines = fileLines(text);
  const count = lines.length;
  const messages: LobsterMessages = {
    count,
    timeSeconds: new Float64Array(count),
    type: new Uint8Array(count),
    orderId: new Float64Array(count),
    size: new Float64Array(count),
    price: new Float64Array(count),
    direction: new Int8Array(count),
  };
  const SECONDS_PER_DAY = 86_400;
  for (let index = 0; index < count; index++) {
    try {
      const fields = lines[index]!.split(',');
      if (fields.length !== FIELD_COUNT) {
        throw new Error(`expected ${FIELD_COUNT} fields (${LOBSTER_MESSAGE_FIELDS}), got ${fields.length}`);
      }
      const [time, type, orderId, size, price, direction] = fields as [string, string, string, string, string, string];
      if (!DECIMAL.test(time) || Number(time) > SECONDS_PER_DAY) {
        throw new Error(`time: must be seconds after midnight in [0, ${SECONDS_PER_DAY}], got '${time}'`);
      }
      messages.timeSeconds[index] = Number(time);
      messages.type[index] = integerField('type', type, LobsterEvent.NEW, LOBSTER_EVENT_MAX);
      messages.orderId[index] = integerField('orderId', orderId, 0, LOBSTER_ORDER_ID_MAX);
      messages.size[index] = integerField('size', size, 0, Number.MAX_SAFE_INTEGER);
      messages.price[index] = integerField('price', price, -1, Number.MAX_SAFE_INTEGER);
      const eventType = messages.type[index]!;
      if (eventType >= LobsterEvent.NEW && eventType <= LobsterEvent.EXECUTE_VISIBLE) {
        // Events of the visible book: whole cents, at least one share.
        if (messages.price[index]! <= 0 || messages.price[index]! % LOBSTER_TICK !== 0) {
          throw new Error(`price: must be a positive multiple of ${LOBSTER_TICK} (whole cents) for a type ${eventType} event, got ${price}`);
        }
        integerField('size', size, 1, LOBSTER_SIZE_MAX);
      }
      const side = integerField('direction', direction, -1, 1);
      if (side === 0) throw new Error(`direction: must be 1 (buy) or -1 (sell), got 0`);
      messages.direction[index] = side;
      if (index > 0 && messages.timeSeconds[index]! < messages.timeSeconds[index - 1]!) {
        throw new Error(`time: must not decrease, got ${time} after ${messages.timeSeconds[index - 1]}`);
      }
    } catch (error) {
      throw new LobsterInputError(file, index + 1, (error as Error).message);
    }
  }
  return messages;
}
