/**
 * Numeric flags read as text and converted here: yargs' `type: 'number'` turns `--seed abc` into
 * NaN, and the error that follows can only say "got NaN", not what was typed.
 */
import { LobsimError } from '../engine/errors.js';

type Coerce = (text: unknown) => number | undefined;

/** A yargs `coerce` for `--name`: the flag's text as a finite number, or a usage error quoting it. */
export function numberFlag(name: string): Coerce {
  return (text: unknown) => {
    if (text === undefined) return undefined;
    const shown = Array.isArray(text) ? text.join(' ') : String(text);
    const value = Array.isArray(text) || shown.trim() === '' ? Number.NaN : Number(shown.trim());
    if (!Number.isFinite(value)) throw new LobsimError('LOBSIM_ERR_USAGE', `--${name}: must be a number, got ${JSON.stringify(shown)}`);
    return value;
  };
}

/** numberFlag, also in (0, max]; `what` names the kind of number in the error ('a percentage'). */
export function positiveFlag(name: string, max: number, what = 'a number'): Coerce {
  const toNumber = numberFlag(name);
  return (text: unknown) => {
    const value = toNumber(text);
    if (value !== undefined && !(value > 0 && value <= max)) {
      throw new LobsimError('LOBSIM_ERR_USAGE', `--${name}: must be ${what} in (0, ${max}], got ${value}`);
    }
    return value;
  };
}
