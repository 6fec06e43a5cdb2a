/**
 * The shipped scenarios as a table (`lobsim list`) and the one-line summary of a scenario
 * (`lobsim validate`). A scenario that fails to load is listed with its first error, not hidden.
 */
import { ScenarioError } from './errors.js';
import { loadScenario, scenarioNames } from './load.js';
import { packageScenariosDir } from './schema.js';
import type { Scenario } from './types.js';

export interface ScenarioListEntry {
  name: string;
  /** The loaded scenario, or undefined when it does not load. */
  scenario?: Scenario;
  /** The first problem when it does not load. */
  error?: string;
}

export function listScenarios(scenariosDir: string = packageScenariosDir()): ScenarioListEntry[] {
  return scenarioNames(scenariosDir).map((name) => {
    try {
      return { name, scenario: loadScenario(name, { scenariosDir }) };
    } catch (error) {
      if (!(error instanceof ScenarioError)) throw error;
      return { name, error: `${error.lines[0] ?? error.message}${error.issues.length > 1 ? ` (and ${error.issues.length - 1} more)` : ''}` };
    }
  });
}

/** `5 s`, `500 ms`, `10 min`, `1.5 h`. */
export function formatDurationMs(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000 || ms % 1000 !== 0) return `${ms / 1000} s`;
  if (ms < 3_600_000) return `${+(ms / 60_000).toFixed(2)} min`;
  return `${+(ms / 3_600_000).toFixed(2)} h`;
}

/** `100 x 100/s`: clients times the base rate per client. */
export function formatFlow(scenario: Scenario): string {
  const spikes = scenario.clients.spikes.length;
  return `${scenario.clients.count} x ${scenario.clients.ratePerSecond}/s${spikes > 0 ? ` (+${spikes} spike${spikes === 1 ? '' : 's'})` : ''}`;
}

/** One line: `smoke: deterministic, 20 x 50/s, 2 instruments, 5 s, seed 1, 2 thresholds`. */
export function summarizeScenario(scenario: Scenario): string {
  const instruments = `${scenario.instruments.length} instrument${scenario.instruments.length === 1 ? '' : 's'}`;
  const thresholds = `${scenario.thresholds.length} threshold${scenario.thresholds.length === 1 ? '' : 's'}`;
  return `${scenario.name}: ${scenario.mode}, ${formatFlow(scenario)}, ${instruments}, ${formatDurationMs(scenario.durationMs)}, seed ${scenario.seed}, ${thresholds}`;
}

/** The list as aligned text columns: name, mode, clients x rate, duration, description. */
export function formatScenarioList(entries: readonly ScenarioListEntry[]): string {
  const rows = entries.map(({ name, scenario, error }) =>
    scenario === undefined
      ? [name, 'invalid', '-', '-', error ?? '']
      : [name, scenario.mode, formatFlow(scenario), formatDurationMs(scenario.durationMs), scenario.description],
  );
  const table = [['NAME', 'MODE', 'CLIENTS x RATE', 'DURATION', 'DESCRIPTION'], ...rows];
  const widths = [0, 1, 2, 3].map((column) => Math.max(...table.map((row) => (row[column] as string).length)));
  return table.map((row) => row.map((cell, column) => (column < 4 ? cell.padEnd(widths[column] as number) : cell)).join('  ').trimEnd()).join('\n');
}
