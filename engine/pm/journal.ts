/**
 * The PM journal: append-only JSON lines, one record per state change the PM must survive a restart
 * with (targets applied, orders and cancels sent, reports applied, engine epochs, halts, recovery
 * adjustments). `PositionManager.recover` replays it through the same code paths as live
 * operation, so a recovered PM has exactly the state the journal describes.
 *
 * Durability: records are buffered and written before every command leaves the PM (write-ahead: a
 * journaled order may not have been sent, but a sent order is always journaled) and at the end of
 * every public call; `fsync` (optional) after each write. A torn last line (crash mid-write) is
 * skipped on read and counted. Limits: the file grows until `compact` rewrites it as one snapshot.
 */
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { LobsimError } from '../errors.js';

export const JOURNAL_VERSION = 1;

export type JournalRecord =
  | { k: 'hdr'; v: number; owner: number; ns: number }
  | { k: 'tgt'; s: number; q: number; ns: number }
  | { k: 'new'; c: number; s: number; sd: number; p: number; q: number; ns: number }
  | { k: 'cxl'; c: number; ns: number }
  | { k: 'rpt'; c: number; seq: number; kd: number; rs: number; oid: number; cum: number; lv: number; lq: number; ns: number }
  | { k: 'epoch'; e: number; ns: number }
  | { k: 'resume'; s: number; ns: number }
  | { k: 'lost'; c: number; ns: number }
  | { k: 'sync'; c: number; oid: number; cum: number; lv: number; ns: number }
  | { k: 'adopt'; c: number; s: number; sd: number; p: number; q: number; oid: number; cum: number; lv: number; ns: number }
  | { k: 'snap'; snapshot: JournalSnapshot; ns: number };

export interface JournalSnapshot {
  engineEpoch: number;
  nextClientOrderId: number;
  symbols: { s: number; pos: number; tgt: number | null; halted: boolean }[];
  /** Live orders: [clientOrderId, symbol, side, price, quantity, orderId, cum, leaves, state, lastSeq, sentNs]. */
  orders: number[][];
}

export class JournalWriter {
  private fd: number;
  private buffer: string[] = [];

  constructor(
    readonly path: string,
    private readonly fsync: boolean,
  ) {
    this.fd = openSync(path, 'a');
  }

  append(record: JournalRecord): void {
    this.buffer.push(JSON.stringify(record));
  }

  /** Writes the buffered records (and fsyncs when configured). */
  flush(): void {
    if (this.buffer.length === 0) return;
    const text = this.buffer.join('\n') + '\n';
    this.buffer = [];
    writeSync(this.fd, text);
    if (this.fsync) fsyncSync(this.fd);
  }

  /** Replaces the file with `records` (write to a temporary file, fsync, rename), then appends. */
  rewrite(records: readonly JournalRecord[]): void {
    this.flush();
    closeSync(this.fd);
    const temporary = `${this.path}.tmp`;
    const fd = openSync(temporary, 'w');
    writeSync(fd, records.map((record) => JSON.stringify(record)).join('\n') + '\n');
    fsyncSync(fd);
    closeSync(fd);
    renameSync(temporary, this.path);
    this.fd = openSync(this.path, 'a');
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
    this.fd = -1;
  }
}

export interface JournalContents {
  records: JournalRecord[];
  /** Unparsable lines skipped: only a torn last line is expected. */
  skipped: number;
}

export function readJournal(path: string): JournalContents {
  if (!existsSync(path)) throw new LobsimError('LOBSIM_ERR_INPUT', `pm journal: no file at ${path}`);
  const lines = readFileSync(path, 'utf8').split('\n');
  const records: JournalRecord[] = [];
  let skipped = 0;
  lines.forEach((line, index) => {
    if (line.length === 0) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      if (index < lines.length - 1) {
        throw new LobsimError('LOBSIM_ERR_INPUT', `pm journal ${path}: line ${index + 1} is not JSON and is not the last line`);
      }
      skipped += 1;
      return;
    }
    const problem = recordProblem(parsed);
    if (problem !== null) throw new LobsimError('LOBSIM_ERR_INPUT', `pm journal ${path}: line ${index + 1}: ${problem}`);
    records.push(parsed as JournalRecord);
  });
  return { records, skipped };
}

/** The integer fields of each record kind (every record also has `ns`, a time: finite, >= 0). */
const RECORD_FIELDS: Record<string, readonly string[]> = {
  hdr: ['v', 'owner'],
  tgt: ['s', 'q'],
  new: ['c', 's', 'sd', 'p', 'q'],
  cxl: ['c'],
  rpt: ['c', 'seq', 'kd', 'rs', 'oid', 'cum', 'lv', 'lq'],
  epoch: ['e'],
  resume: ['s'],
  lost: ['c'],
  sync: ['c', 'oid', 'cum', 'lv'],
  adopt: ['c', 's', 'sd', 'p', 'q', 'oid', 'cum', 'lv'],
  snap: [],
};
const SNAPSHOT_ORDER_FIELDS = 11;

const isInteger = (value: unknown): boolean => typeof value === 'number' && Number.isSafeInteger(value);

/**
 * What is wrong with a parsed line as a journal record, or null: its kind is known and each of its
 * fields the right type, so that replay meets numbers, not NaN or null (a journal is a file anyone
 * can edit; what replay then finds inconsistent is reported by recover, with the record).
 */
function recordProblem(value: unknown): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'must be a JSON object';
  const record = value as Record<string, unknown>;
  const fields = typeof record.k === 'string' && Object.hasOwn(RECORD_FIELDS, record.k) ? RECORD_FIELDS[record.k] : undefined;
  if (fields === undefined) return `k: must be one of ${Object.keys(RECORD_FIELDS).join(', ')}, got ${JSON.stringify(record.k)}`;
  if (typeof record.ns !== 'number' || !Number.isFinite(record.ns) || record.ns < 0) return `ns: must be a finite number >= 0, got ${JSON.stringify(record.ns)}`;
  for (const field of fields) {
    if (!isInteger(record[field])) return `${record.k}.${field}: must be a safe integer, got ${JSON.stringify(record[field])}`;
  }
  return record.k === 'snap' ? snapshotProblem(record.snapshot) : null;
}

function snapshotProblem(value: unknown): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'snap.snapshot: must be an object';
  const snapshot = value as Record<string, unknown>;
  for (const field of ['engineEpoch', 'nextClientOrderId']) {
    if (!isInteger(snapshot[field])) return `snap.snapshot.${field}: must be a safe integer, got ${JSON.stringify(snapshot[field])}`;
  }
  if (!Array.isArray(snapshot.symbols)) return 'snap.snapshot.symbols: must be an array';
  for (const [index, symbol] of snapshot.symbols.entries()) {
    const entry = symbol as Record<string, unknown> | null;
    const ok = typeof entry === 'object' && entry !== null && isInteger(entry.s) && isInteger(entry.pos) && (entry.tgt === null || isInteger(entry.tgt)) && typeof entry.halted === 'boolean';
    if (!ok) return `snap.snapshot.symbols[${index}]: must be { s, pos, tgt (integer or null), halted (boolean) }`;
  }
  if (!Array.isArray(snapshot.orders)) return 'snap.snapshot.orders: must be an array';
  for (const [index, order] of snapshot.orders.entries()) {
    if (!Array.isArray(order) || order.length !== SNAPSHOT_ORDER_FIELDS || !order.every((field) => typeof field === 'number' && Number.isFinite(field))) {
      return `snap.snapshot.orders[${index}]: must be ${SNAPSHOT_ORDER_FIELDS} finite numbers`;
    }
  }
  return null;
}
