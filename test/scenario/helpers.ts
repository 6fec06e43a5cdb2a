/** Shared helpers for the scenario tests: a minimal valid scenario and error capture. */
import { ScenarioError } from '../../sim/scenario/errors.js';
import { validateScenario } from '../../sim/scenario/load.js';
import type { Scenario } from '../../sim/scenario/types.js';

export const MINIMAL = {
  name: 't',
  description: 'a test scenario',
  durationMs: 1000,
  symbols: { count: 1 },
  clients: { count: 1, ratePerSecond: 1 },
} as const;

/** MINIMAL with top-level keys replaced (a key set to undefined is removed). */
export function scenarioWith(changes: Record<string, unknown> = {}): Record<string, unknown> {
  const raw: Record<string, unknown> = structuredClone({ ...MINIMAL }) as Record<string, unknown>;
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined) delete raw[key];
    else raw[key] = structuredClone(value);
  }
  return raw;
}

export function load(raw: unknown, overrides: string[] = []): Scenario {
  return validateScenario(structuredClone(raw), 't.json', overrides);
}

/** The error lines a load produces (fails the test if it loads). */
export function errorsOf(action: () => unknown): string[] {
  try {
    action();
  } catch (error) {
    if (error instanceof ScenarioError) return error.lines;
    throw error;
  }
  throw new Error('expected a ScenarioError, but the scenario loaded');
}

export function issuesFor(raw: unknown, overrides: string[] = []): string[] {
  return errorsOf(() => load(raw, overrides));
}
