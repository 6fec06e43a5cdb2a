/**
 * Lognormal order sizes in whole lots.
 *
 * Model: X = exp(mu + sigma * Z), Z standard normal, with mu and sigma chosen so that X has the
 * given mean m and standard deviation s (quantity units):
 *   sigma^2 = ln(1 + s^2 / m^2),  mu = ln(m) - sigma^2 / 2.
 * The drawn size is lots = min(maxLots, max(1, round(X / lotSize))): rounded to the nearest lot,
 * at least one lot, at most maxLots. Rounding and clamping shift the mean slightly (for the seed's
 * m = 100, s = 200, lot 1 and the default cap the rounded mean is 100.0002; lots that are large
 * against m shift it more, since every draw below one lot becomes one lot).
 *
 * Invariants: one normal draw per size (normals come in pairs from the stream); the result is
 * an integer in [1, maxLots]; quantity = lots * lotSize is what the engine receives.
 */
import type { RandomStream } from '../random/streams.js';
import { integerIn, numberIn, optionRecord, rejectUnknownKeys } from './options.js';

/** Largest order, lots (the engine stores resting quantities in 32 bits). */
export const SIZE_LOTS_MAX = 0xffffffff;

export interface LognormalSizeOptions {
  /** Mean size before rounding, quantity units; default 100 (the seed). */
  mean?: number;
  /** Standard deviation before rounding, quantity units; default 200 (the seed). */
  sd?: number;
  /** Quantity units per lot; default 1. */
  lotSize?: number;
  /** Cap on the drawn size, lots; default 1_000_000. */
  maxLots?: number;
}

export const LOGNORMAL_SIZE_DEFAULTS = { mean: 100, sd: 200, lotSize: 1, maxLots: 1_000_000 } as const;

const OPTION_KEYS = ['mean', 'sd', 'lotSize', 'maxLots'] as const;

/** The parameters of ln(X) for a lognormal X with the given mean and standard deviation. */
export function lognormalParams(mean: number, sd: number): { mu: number; sigma: number } {
  numberIn(mean, undefined, { min: 0, max: Number.MAX_VALUE, minExclusive: true }, 'size.mean');
  numberIn(sd, undefined, { min: 0, max: Number.MAX_VALUE }, 'size.sd');
  const sigmaSquared = Math.log1p((sd * sd) / (mean * mean));
  return { mu: Math.log(mean) - sigmaSquared / 2, sigma: Math.sqrt(sigmaSquared) };
}

export class LognormalSize {
  readonly mu: number;
  readonly sigma: number;
  readonly lotSize: number;
  readonly maxLots: number;
  /** The continuous draw X (quantity units) behind the last `next()`, before rounding. */
  lastRaw: number;
  private readonly stream: RandomStream;

  constructor(stream: RandomStream, options?: LognormalSizeOptions) {
    const record = optionRecord(options, 'size');
    rejectUnknownKeys(record, OPTION_KEYS, 'size.');
    const d = LOGNORMAL_SIZE_DEFAULTS;
    const mean = numberIn(record.mean, d.mean, { min: 0, max: 1e15, minExclusive: true }, 'size.mean');
    const sd = numberIn(record.sd, d.sd, { min: 0, max: 1e15 }, 'size.sd');
    const { mu, sigma } = lognormalParams(mean, sd);
    this.mu = mu;
    this.sigma = sigma;
    this.lotSize = integerIn(record.lotSize, d.lotSize, 1, SIZE_LOTS_MAX, 'size.lotSize');
    this.maxLots = integerIn(record.maxLots, d.maxLots, 1, SIZE_LOTS_MAX, 'size.maxLots');
    this.stream = stream;
    this.lastRaw = 0;
  }

  /** The next size, whole lots in [1, maxLots]. */
  next(): number {
    const raw = Math.exp(this.stream.normal(this.mu, this.sigma));
    this.lastRaw = raw;
    const lots = Math.round(raw / this.lotSize);
    return lots < 1 ? 1 : lots > this.maxLots ? this.maxLots : lots;
  }
}
