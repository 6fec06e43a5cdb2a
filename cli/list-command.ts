/** `lobsim list [--json]`: the shipped scenarios with mode, clients x rate, duration and description. */
import type { CommandModule } from 'yargs';
import { formatScenarioList, listScenarios } from '../sim/scenario/list.js';

interface ListArgs {
  json: boolean;
}

export function listCommand(setExit: (code: number) => void): CommandModule<object, ListArgs> {
  return {
    command: 'list',
    describe: 'List the shipped scenarios (scenarios/*.json)',
    builder: (yargs) => yargs.option('json', { type: 'boolean', default: false, describe: 'print the list as one JSON array' }),
    handler: (args) => {
      const entries = listScenarios();
      if (args.json) {
        const rows = entries.map(({ name, scenario, error }) =>
          scenario === undefined
            ? { name, error }
            : {
                name,
                description: scenario.description,
                mode: scenario.mode,
                clients: scenario.clients.count,
                ratePerSecond: scenario.clients.ratePerSecond,
                durationMs: scenario.durationMs,
                instruments: scenario.instruments.length,
              },
        );
        process.stdout.write(`${JSON.stringify(rows)}\n`);
      } else {
        process.stdout.write(`${formatScenarioList(entries)}\n`);
      }
      // An invalid shipped scenario is bad input, not a failed run.
      setExit(entries.every((entry) => entry.scenario !== undefined) ? 0 : 2);
    },
  };
}
