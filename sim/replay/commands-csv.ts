/**
 * Parses a replay command file: CSV with the header `action,id,side,price,qty,tif`.
 * - action: `new` or `cancel`; id: the client order id (a positive integer);
 * - side: `buy` or `sell`; price: integer price units; qty: integer quantity;
 * - tif: `GTC`, `IOC` or `FOK` for `new`, empty for `cancel` (a cancel's side/price/qty may be empty).
 * The whole file is checked before anything runs: the first malformed line stops the parse with its
 * line number and the reason, so a bad file never half-runs.
 */
import { LobsimError } from '../../engine/errors.js';
import { Action, OrderType, Side, type ActionCode, type OrderTypeCode, type SideCode } from '../../engine/protocol.js';

export const REPLAY_CSV_HEADER = 'action,id,side,price,qty,tif';

export interface ReplayRow {
  action: ActionCode;
  id: number;
  side: SideCode;
  type: OrderTypeCode;
  price: number;
  quantity: number;
}

const TIF_TYPES: Record<string, OrderTypeCode> = { GTC: OrderType.LIMIT, IOC: OrderType.IOC, FOK: OrderType.FOK };
const SIDES: Record<string, SideCode> = { buy: Side.BUY, sell: Side.SELL };
const INTEGER = /^-?\d+$/;

export class ReplayInputError extends LobsimError {
  constructor(file: string, line: number, reason: string) {
    super('LOBSIM_ERR_INPUT', `${file}:${line}: ${reason}`);
    this.name = 'ReplayInputError';
  }
}

function integerField(name: string, text: string, min: number): number {
  if (!INTEGER.test(text)) throw new Error(`${name}: must be an integer, got '${text}'`);
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < min) {
    throw new Error(`${name}: must be an integer in [${min}, ${Number.MAX_SAFE_INTEGER}], got ${text}`);
  }
  return value;
}

function parseRow(fields: string[]): ReplayRow {
  if (fields.length !== 6) throw new Error(`expected 6 fields (${REPLAY_CSV_HEADER}), got ${fields.length}`);
  const [action, id, side, price, qty, tif] = fields.map((field) => field.trim()) as [string, string, string, string, string, string];
  const clientOrderId = integerField('id', id, 1);
  if (action === 'cancel') {
    return { action: Action.CANCEL, id: clientOrderId, side: Side.BUY, type: OrderType.LIMIT, price: 0, quantity: 0 };
  }
  if (action !== 'new') throw new Error(`action: must be 'new' or 'cancel', got '${action}'`);
  const sideCode = SIDES[side];
  if (sideCode === undefined) throw new Error(`side: must be 'buy' or 'sell', got '${side}'`);
  const type = TIF_TYPES[tif];
  if (type === undefined) throw new Error(`tif: must be GTC, IOC or FOK, got '${tif}'`);
  // Prices and quantities may be zero or negative here: the engine rejects them with a reason
  // code, which the summary counts; only text that is not an integer is malformed.
  return {
    action: Action.NEW,
    id: clientOrderId,
    side: sideCode,
    type,
    price: integerField('price', price, -Number.MAX_SAFE_INTEGER),
    quantity: integerField('qty', qty, -Number.MAX_SAFE_INTEGER),
  };
}

export function parseCommandsCsv(text: string, file: string): ReplayRow[] {
  const lines = text.split(/\r?\n/);
  if (lines[0]?.trim() !== REPLAY_CSV_HEADER) {
    throw new ReplayInputError(file, 1, `the header must be '${REPLAY_CSV_HEADER}', got '${lines[0] ?? ''}'`);
  }
  const rows: ReplayRow[] = [];
  for (let index = 1; index < lines.length; index++) {
    const line = lines[index]!;
    if (line.trim() === '') continue;
    try {
      rows.push(parseRow(line.split(',')));
    } catch (error) {
      throw new ReplayInputError(file, index + 1, (error as Error).message);
    }
  }
  return rows;
}
