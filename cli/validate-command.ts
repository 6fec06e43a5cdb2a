/**
 * `lobsim validate <file|name> [--set key=value ...] [--json]`: loads a scenario as `run` would and
 * prints `OK` with a one-line summary (exit 0), or every problem, one per line (exit 2).
 */
import type { CommandModule } from 'yargs';
import { ScenarioError } from '../sim/scenario/errors.js';
import { summarizeScenario } from '../sim/scenario/list.js';
import { loadScenario } from '../sim/scenario/load.js';

interface ValidateArgs {
  scenario: string;
  set: string[];
  json: boolean;
}

export function validateCommand(setExit: (code: number) => void): CommandModule<object, ValidateArgs> {
  return {
    command: 'validate <scenario>',
    describe: 'Check a scenario file (or shipped scenario name) against the schema and the cross-field rules',
    builder: (yargs) =>
      yargs
        .positional('scenario', { type: 'string', demandOption: true, describe: 'a scenario name (see `lobsim list`) or a .json file' })
        .option('set', { type: 'string', array: true, default: [], describe: 'override a field: --set clients.count=10 (repeatable)' })
        .option('json', { type: 'boolean', default: false, describe: 'print the resolved scenario as JSON' }),
    handler: (args) => {
      try {
        const scenario = loadScenario(args.scenario, { overrides: args.set.map(String) });
        process.stdout.write(args.json ? `${JSON.stringify(scenario, null, 2)}\n` : `OK ${summarizeScenario(scenario)}\n`);
        setExit(0);
      } catch (error) {
        if (!(error instanceof ScenarioError)) throw error;
        process.stderr.write(`${error.lines.join('\n')}\n`);
        setExit(2);
      }
    },
  };
}
