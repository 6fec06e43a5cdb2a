/**
 * Numeric flags read as text and converted here: yargs' `type: 'number'` turns `--seed abc` into
 * NaN, and the error that follows can only say "got NaN", not what was typed.
 */
import { LobsimError } from '../engine/errors.js';

/** A yargs `coerce` for `--name`: the flag's text as a finite number, or a usage error quoting it. */
export function numberFlag(name: string): (text: unknown) => number | undefined {
  return (text: unknown) => {
    if (text === undefined) return undefined;
    const value = typeof text === 'number' ? text : Number(String(text).trim());
    if (Array.isArray(text) || String(text).trim() === '' || !Number.isFinite(value)) {
      throw new LobsimError('LOBSIM_ERR_USAGE', `--${name}: must be a number, got ${JSON.stringify(Array.isArray(text) ? text.join(' ') : String(text))}`);
    }
    return value;
  };
}

/** A percent flag in (0, maxPercent], as a number of percent. */
export function percentFlag(name: string, maxPercent: number): (text: unknown) => number | undefined {
  const toNumber = numberFlag(name);
  return (text: unknown) => {
    const value = toNumber(text);
    if (value !== undefined && !(value > 0 && value <= maxPercent)) {
      throw new LobsimError('LOBSIM_ERR_USAGE', `--${name}: must be a percentage in (0, ${maxPercent}], got ${value}`);
    }
    return value;
  };
}
