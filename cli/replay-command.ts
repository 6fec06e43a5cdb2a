/** `lobsim replay <commands.csv> [--json]`: runs a command file through the engine. */
import type { CommandModule } from 'yargs';
import { parseCommandsCsv } from '../sim/replay/commands-csv.js';
import { replay, type ReplaySummary } from '../sim/replay/replay.js';
import { readInputFile } from './read-input.js';

interface ReplayArgs {
  file: string;
  json: boolean;
}

function formatSummary(summary: ReplaySummary): string {
  const levels = (side: [number, number][]) => side.map(([price, qty]) => `${qty}@${price}`).join('  ') || '(empty)';
  return [
    `commands        ${summary.commands}`,
    `accepted        ${summary.accepted}`,
    `rejected        ${summary.rejected}`,
    `trades          ${summary.trades}`,
    `filled qty      ${summary.filledQty}`,
    `expired         ${summary.expired}`,
    `cancelled       ${summary.cancelled}`,
    `cancel rejected ${summary.cancelRejected}`,
    `resting orders  ${summary.restingOrders}`,
    `best bid / ask  ${summary.bestBid ?? '-'} / ${summary.bestAsk ?? '-'}`,
    `bids (top 5)    ${levels(summary.bids)}`,
    `asks (top 5)    ${levels(summary.asks)}`,
    `elapsed         ${summary.elapsedMs} ms`,
  ].join('\n');
}

export function replayCommand(setExit: (code: number) => void): CommandModule<object, ReplayArgs> {
  return {
    command: 'replay <file>',
    describe: 'Run a command CSV (action,id,side,price,qty,tif) through the engine and summarize',
    builder: (yargs) =>
      yargs
        .positional('file', { type: 'string', demandOption: true, describe: 'the command file' })
        .option('json', { type: 'boolean', default: false, describe: 'print the summary as one JSON object' }),
    handler: (args) => {
      const summary = replay(parseCommandsCsv(readInputFile(args.file).toString('utf8'), args.file));
      process.stdout.write(args.json ? `${JSON.stringify(summary)}\n` : `${formatSummary(summary)}\n`);
      setExit(0);
    },
  };
}
