/**
 * Finds a LOBSTER sample's two files: a zip as LOBSTER distributes it (read in memory, nothing is
 * extracted), or a message file whose order-book file sits beside it under LOBSTER's naming
 * (`<SYMBOL>_<date>_<start>_<end>_message_<N>.csv`, `..._orderbook_<N>.csv`).
 */
import { unzipSync } from 'fflate';
import { LobsimError } from '../../../engine/errors.js';

const MESSAGE_NAME = /(?:^|\/)([A-Za-z0-9.]+)_[^/]*_message_(\d+)\.csv$/;

export interface LobsterFiles {
  symbol: string;
  messageName: string;
  bookName: string;
  messageText: string;
  bookText: string;
}

/** The order-book file's name for a message file's name, or null if the name is not LOBSTER's. */
export function bookNameFor(messageName: string): string | null {
  if (!MESSAGE_NAME.test(messageName)) return null;
  return messageName.replace(/_message_(\d+)\.csv$/, '_orderbook_$1.csv');
}

export function symbolOf(messageName: string): string {
  return MESSAGE_NAME.exec(messageName)?.[1] ?? 'LOBSTER';
}

/** The message and order-book files of a LOBSTER zip; `zipName` names it in errors. */
export function lobsterFilesFromZip(bytes: Uint8Array, zipName: string): LobsterFiles {
  let entries: Record<string, Uint8Array>;
  try {
    // macOS Finder adds __MACOSX/._<name> resource forks beside each file: not LOBSTER's files.
    entries = unzipSync(bytes, { filter: (file) => file.name.endsWith('.csv') && !file.name.startsWith('__MACOSX/') && !/(^|\/)\._/.test(file.name) });
  } catch (error) {
    throw new LobsimError('LOBSIM_ERR_INPUT', `${zipName}: not a readable zip archive (${(error as Error).message})`);
  }
  const messages = Object.keys(entries).filter((name) => MESSAGE_NAME.test(name));
  if (messages.length !== 1) {
    throw new LobsimError('LOBSIM_ERR_INPUT', `${zipName}: expected one LOBSTER message file (*_message_<N>.csv), found ${messages.length}${messages.length > 1 ? `: ${messages.join(', ')}` : ''}`);
  }
  const messageName = messages[0]!;
  const bookName = bookNameFor(messageName)!;
  const book = entries[bookName];
  if (book === undefined) throw new LobsimError('LOBSIM_ERR_INPUT', `${zipName}: has ${messageName} but not its order-book file ${bookName}`);
  const decoder = new TextDecoder();
  return {
    symbol: symbolOf(messageName),
    messageName: `${zipName}:${messageName}`,
    bookName: `${zipName}:${bookName}`,
    messageText: decoder.decode(entries[messageName]),
    bookText: decoder.decode(book),
  };
}
