/**
 * `lobsim lobster <sample.zip | message.csv [orderbook.csv]> [--engine native|reference] [--json]`:
 * replays a LOBSTER sample of real NASDAQ order flow through the engine and checks the book it
 * builds against LOBSTER's order-book file after every message. Exit 0 when the book equals the
 * file at every price the file lets it know, 1 otherwise (a mismatch, or a new order the engine
 * rejected: one that crossed the replayed book, or an off-tick price).
 */
import path from 'node:path';
import type { CommandModule } from 'yargs';
import { Engine } from '../engine/engine.js';
import { LobsimError } from '../engine/errors.js';
import { ReferenceBook } from '../engine/reference-book.js';
import type { OrderBookEngine } from '../engine/types.js';
import { bookNameFor, lobsterFilesFromZip, symbolOf, type LobsterFiles } from '../sim/replay/lobster/archive.js';
import { parseLobsterBook } from '../sim/replay/lobster/book-file.js';
import { parseLobsterMessages } from '../sim/replay/lobster/messages.js';
import { readInputFile } from './read-input.js';
import { lobsterInstrument, lobsterReplayPassed, replayLobster, type LobsterReplaySummary } from '../sim/replay/lobster/replay.js';

const ENGINES = ['native', 'reference'] as const;
type EngineName = (typeof ENGINES)[number];

interface LobsterArgs {
  input: string;
  book: string | undefined;
  engine: EngineName;
  json: boolean;
}

function lobsterFiles(input: string, book: string | undefined): LobsterFiles {
  if (input.toLowerCase().endsWith('.zip')) {
    if (book !== undefined) throw new LobsimError('LOBSIM_ERR_USAGE', `${book}: a zip holds its own order-book file; give the zip alone`);
    return lobsterFilesFromZip(readInputFile(input), input);
  }
  const sibling = bookNameFor(path.basename(input));
  const bookFile = book ?? (sibling === null ? null : path.join(path.dirname(input), sibling));
  if (bookFile === null) {
    throw new LobsimError('LOBSIM_ERR_USAGE', `${input}: not a LOBSTER zip or message file name (<SYMBOL>_<date>_<start>_<end>_message_<N>.csv); name its order-book file as the second argument`);
  }
  return {
    symbol: symbolOf(path.basename(input)),
    messageName: input,
    bookName: bookFile,
    messageText: readInputFile(input).toString('utf8'),
    bookText: readInputFile(bookFile).toString('utf8'),
  };
}

const count = (value: number): string => value.toLocaleString('en-US');

export function formatLobsterSummary(summary: LobsterReplaySummary, engine: EngineName): string {
  const { events } = summary;
  const rejected = Object.entries(summary.newOrdersRejected).map(([reason, n]) => `${count(n)} ${reason}`).join(', ');
  const lines = [
    `${summary.symbol}, ${summary.levels} level${summary.levels === 1 ? '' : 's'} a side, ${engine} engine: ${count(summary.messages)} messages ` +
      `(new ${count(events.new)}, partial cancel ${count(events.partialCancel)}, delete ${count(events.delete)}, ` +
      `executions ${count(events.executeVisible)} visible / ${count(events.executeHidden)} hidden, cross ${count(events.cross)}, halt ${count(events.halt)})`,
    `book check       ${count(summary.levelsCompared)} levels compared in ${count(summary.rowsCompared)} rows: ${count(summary.mismatchedLevels)} mismatched`,
    ...summary.firstMismatches.map((m) => `  row ${count(m.row)}: ${m.side} ${m.price}: LOBSTER ${count(m.expected)}, engine ${count(m.actual)}`),
    `new orders       ${count(events.new)} rested post-only${rejected === '' ? ', none rejected' : `; rejected: ${rejected}`}`,
    `executions       ${count(summary.executionsMatched)} matched to the order LOBSTER names, ${count(summary.executionsMisrouted)} misrouted by matching, ` +
      `${count(summary.executionsOutOfQueueOrder)} listed out of queue order (applied directly), ${count(summary.executionsOfRevealed)} of revealed orders` +
      `${summary.executionPriceMismatches > 0 ? `, ${count(summary.executionPriceMismatches)} at another price than their order's` : ''}`,
    `window           ${count(summary.revealedLevels)} levels revealed (+${count(summary.revealedQtyAdded)} / -${count(summary.revealedQtyRemoved)} shares), ` +
      `${count(summary.unknownOrderEvents)} events of orders never shown, ${count(summary.deleteSizeMismatches)} deletes of a size changed unseen`,
    `engine           ${count(summary.commands)} commands, ${count(summary.trades)} trades, ${count(summary.filledQty)} shares, ${count(summary.restingOrders)} orders resting at the end`,
    `report digest    ${summary.reportDigest}`,
    `elapsed          ${count(Math.round(summary.elapsedMs))} ms (${count(summary.messagesPerSecond)} messages/s)`,
    lobsterReplayPassed(summary)
      ? 'PASS: the replayed book equals LOBSTER\'s at every price inside the window'
      : 'FAIL: the replayed book differs from LOBSTER\'s inside the window, matching misrouted an execution, or the engine rejected an order (see above)',
  ];
  return lines.join('\n');
}

export function lobsterCommand(setExit: (code: number) => void): CommandModule<object, LobsterArgs> {
  return {
    command: 'lobster <input> [book]',
    describe: 'Replay a LOBSTER sample (real NASDAQ order flow) and check the book against its order-book file',
    builder: (yargs) =>
      yargs
        .positional('input', { type: 'string', demandOption: true, describe: 'a LOBSTER sample zip, or its *_message_<N>.csv' })
        .positional('book', { type: 'string', describe: "the *_orderbook_<N>.csv (default: the message file's sibling)" })
        .option('engine', { choices: ENGINES, default: 'native' as EngineName, describe: 'the native engine or the TypeScript reference book' })
        .option('json', { type: 'boolean', default: false, describe: 'print the summary as one JSON object' }),
    handler: (args) => {
      const files = lobsterFiles(args.input, args.book);
      const messages = parseLobsterMessages(files.messageText, files.messageName);
      const book = parseLobsterBook(files.bookText, files.bookName);
      const options = { instruments: [lobsterInstrument(files.symbol, book)], stp: 'off' as const };
      const engine: OrderBookEngine = args.engine === 'native' ? new Engine(options) : new ReferenceBook(options);
      const summary = replayLobster(engine, files.symbol, messages, book, { messages: files.messageName, book: files.bookName });
      if (engine instanceof Engine) engine.close();
      process.stdout.write(args.json ? `${JSON.stringify({ engine: args.engine, ...summary })}\n` : `${formatLobsterSummary(summary, args.engine)}\n`);
      setExit(lobsterReplayPassed(summary) ? 0 : 1);
    },
  };
}
