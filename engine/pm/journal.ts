/**
 * The PM journal: append-only JSON lines, one record per state change the PM must survive a restart
 * with (targets applied, orders and cancels sent, reports applied, engine epochs, halts, recovery
 * adjustments). `PositionManager.recover` replays it through the same code paths as live
 * operation, so a recovered PM has exactly the state the journal describes.
 *
 * Durability: records are buffered and written before every new order leaves the PM (write-ahead: a
 * journaled order may not have been sent, but a sent order is always journaled) and at the end of
 * every public call; `fsync` (optional) after each write. A cancel is journaled once `send` returned:
 * if the PM dies before writing it, the recovered PM sees the order active and may cancel it again,
 * which the engine answers harmlessly; if `send` throws, nothing was journaled and nothing changed. A torn last line (crash mid-write) is
 * skipped on read and counted. Limits: the file grows until `compact` rewrites it as one snapshot.
 */
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { LobsimError } from '../errors.js';
import { JOURNAL_VERSION, recordProblem } from './journal-checks.js';

export { JOURNAL_VERSION };

export type JournalRecord =
  | { k: 'hdr'; v: number; owner: number; ns: number }
  | { k: 'tgt'; s: number; q: number; ns: number }
  | { k: 'new'; c: number; s: number; sd: number; p: number; q: number; ns: number }
  | { k: 'cxl'; c: number; ns: number }
  /** p: the order's new price, on a REPLACED (absent in journals of PMs before it was taken). */
  | { k: 'rpt'; c: number; seq: number; kd: number; rs: number; oid: number; cum: number; lv: number; lq: number; p?: number | undefined; ns: number }
  | { k: 'epoch'; e: number; ns: number }
  | { k: 'resume'; s: number; ns: number }
  | { k: 'lost'; c: number; ns: number }
  /** p: the engine's price of the order (absent in journals of PMs before it was taken). */
  | { k: 'sync'; c: number; oid: number; cum: number; lv: number; p?: number; ns: number }
  /** bk, sq: what was booked of the order, and its last applied seq, when the PM had closed it (absent: 0). */
  | { k: 'adopt'; c: number; s: number; sd: number; p: number; q: number; oid: number; cum: number; lv: number; bk?: number; sq?: number; ns: number }
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
    try {
      this.fd = openSync(path, 'a');
    } catch (error) {
      // A folder missing at run time (a scenario may name one its run makes): name the option.
      throw new LobsimError('LOBSIM_ERR_INPUT', `pm journalPath: cannot open ${JSON.stringify(path)}: ${(error as Error).message}`);
    }
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

  /**
   * Replaces the file with `records` (write to a temporary file, fsync, rename), then appends. If
   * it fails, no descriptor leaks: the temporary one is closed, and the journal's own stays open
   * until the rename is done (a failure after that leaves the writer closed: fd -1).
   */
  rewrite(records: readonly JournalRecord[]): void {
    this.flush();
    const temporary = `${this.path}.tmp`;
    const fd = openSync(temporary, 'w');
    try {
      writeSync(fd, records.map((record) => JSON.stringify(record)).join('\n') + '\n');
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, this.path);
    const previous = this.fd;
    this.fd = -1;
    closeSync(previous);
    this.fd = openSync(this.path, 'a');
  }

  /** Flushes and closes; a second close (or one after a failed rewrite) does nothing. */
  close(): void {
    if (this.fd === -1) return;
    try {
      this.flush();
    } finally {
      closeSync(this.fd);
      this.fd = -1;
    }
  }
}

export interface JournalContents {
  records: JournalRecord[];
  /** The line number (from 1) of each record, for replay's messages. */
  lines: number[];
  /** Unparsable lines skipped: only a torn last line is expected. */
  skipped: number;
}

/**
 * The records of a journal, each a known kind with its fields in range (journal-checks.ts), the
 * first a header: a file without one is not a journal this PM wrote (the PM writes it on creation).
 */
export function readJournal(path: string): JournalContents {
  if (!existsSync(path)) throw new LobsimError('LOBSIM_ERR_INPUT', `pm journal: no file at ${path}`);
  const lines = readFileSync(path, 'utf8').split('\n');
  const records: JournalRecord[] = [];
  const numbers: number[] = [];
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
    const record = parsed as JournalRecord;
    if (records.length === 0 && record.k !== 'hdr') {
      throw new LobsimError('LOBSIM_ERR_INPUT', `pm journal ${path}: line ${index + 1}: k: must be "hdr" (a journal starts with its header), got ${JSON.stringify(record.k)}`);
    }
    records.push(record);
    numbers.push(index + 1);
  });
  if (records.length === 0) throw new LobsimError('LOBSIM_ERR_INPUT', `pm journal ${path}: no header record (the file holds no complete line)`);
  return { records, lines: numbers, skipped };
}
