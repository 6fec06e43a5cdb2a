/**
 * Numeric flags read as text and converted here: yargs' `type: 'number'` turns `--seed abc` into
 * NaN, and the error that follows can only say "got NaN", not what was typed.
 */
import { LobsimError } from '../engine/errors.js';

type Coerce = (text: unknown) => number | undefined;

/** A decimal number as typed: `Number()` alone also takes 0x10, 0b1, 0o7, Infinity and '  '. */
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A yargs `coerce` for `--name`: the flag's text as a finite number, or a usage error quoting it. */
export function numberFlag(name: string): Coerce {
  return (text: unknown) => {
    if (text === undefined) return undefined;
    const shown = Array.isArray(text) ? text.join(' ') : String(text);
    const value = Array.isArray(text) || !DECIMAL.test(shown.trim()) ? Number.NaN : Number(shown.trim());
    if (!Number.isFinite(value)) {
      const other = !Array.isArray(text) && shown.trim() !== '' && Number.isFinite(Number(shown.trim())) ? ' (a decimal number: 0x, 0b and 0o forms are not taken, as in --set)' : '';
      throw new LobsimError('LOBSIM_ERR_USAGE', `--${name}: must be a number, got ${JSON.stringify(shown)}${other}`);
    }
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
