/**
 * `lobsim report <result.json | sweep folder> [-o report.html]`: one self-contained HTML file.
 * Exit 0 when written (whatever the run's verdict; the page shows it), 2 on bad input.
 */
import type { Argv, CommandModule } from 'yargs';
import { writeReport } from '../reports/report.js';
import { checkHtmlOutput } from './output-path.js';

interface ReportArgs {
  input: string;
  output?: string;
}

export function reportCommand(setExit: (code: number) => void): CommandModule<object, ReportArgs> {
  return {
    command: 'report <input>',
    describe: 'Write a self-contained HTML report of a result.json or a sweep folder',
    builder: (yargs: Argv) =>
      yargs
        .positional('input', { type: 'string', demandOption: true, describe: 'a result.json or a sweep folder (summary.json + seed-N/)' })
        .option('output', { alias: 'o', type: 'string', describe: 'HTML file (default: report.html beside the input)' }) as unknown as Argv<ReportArgs>,
    handler: (args) => {
      if (args.output !== undefined) checkHtmlOutput('-o/--output', args.output, [args.input]);
      const written = writeReport(args.input, args.output);
      process.stdout.write(`${written.kind} report (${written.passed ? 'PASS' : 'FAIL'}) written to ${written.file}\n`);
      setExit(0);
    },
  };
}
