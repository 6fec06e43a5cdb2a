/**
 * `lobsim compare <baseline> <candidate> [-o compare.html]`: per metric side by side with deltas
 * and verdicts, as a plain-text table (and an HTML page with -o). Exit 0 when written (compare
 * informs; `lobsim gate` decides), 2 on bad input.
 */
import type { Argv, CommandModule } from 'yargs';
import { compareRunSets } from '../reports/compare.js';
import { gateOptions } from '../reports/gate/options.js';
import { checkHtmlOutput } from './output-path.js';
import { toleranceFlags, toleranceOverrides, type ToleranceArgs } from './gate-flags.js';

interface CompareArgs extends ToleranceArgs {
  baseline: string;
  candidate: string;
  output?: string;
}

export function compareCommand(setExit: (code: number) => void): CommandModule<object, CompareArgs> {
  return {
    command: 'compare <baseline> <candidate>',
    describe: 'Compare two result files or sweep folders, metric by metric',
    builder: (yargs: Argv) =>
      toleranceFlags(
        yargs
          .positional('baseline', { type: 'string', demandOption: true, describe: 'result.json or sweep folder' })
          .positional('candidate', { type: 'string', demandOption: true, describe: 'result.json or sweep folder' })
          .option('output', { alias: 'o', type: 'string', describe: 'also write an HTML comparison here' }),
      ) as unknown as Argv<CompareArgs>,
    handler: (args) => {
      if (args.output !== undefined) checkHtmlOutput('-o/--output', args.output, [args.baseline, args.candidate]);
      const comparison = compareRunSets(args.baseline, args.candidate, gateOptions(toleranceOverrides(args), 'flags'), args.output);
      process.stdout.write(`${comparison.text}\n`);
      if (comparison.htmlFile !== null) process.stdout.write(`comparison written to ${comparison.htmlFile}\n`);
      setExit(0);
    },
  };
}
