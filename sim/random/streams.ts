/**
 * Named random streams: one root seed yields any number of independent generators, one per name
 * (for example `client/17/arrivals`), so that an extra draw in one stream never shifts another.
 *
 * Invariants:
 * - A stream's sequence depends only on (rootSeed, name): it is seeded with the string
 *   `${rootSeed}/${name}` through seedrandom's Alea generator. Creation order, the number of other
 *   streams and the draws made from them do not matter.
 * - A name is handed out once per RandomStreams instance; asking twice throws, because two
 *   consumers sharing one sequence would shift each other, which is what named streams prevent.
 * - All state lives in the stream object (including the spare normal), never in a module.
 *
 * Determinism across machines: Alea uses only IEEE-754 double arithmetic, so `next()` is
 * bit-identical everywhere. Derived draws use only Math.log (V8's fdlibm port, the same on every
 * platform) and Math.sqrt (correctly rounded by IEEE-754); no trigonometry.
 *
 * Limits: `next()` has 32 bits of resolution (multiples of 2^-32), so `int(min, max)` spans at most
 * INT_SPAN_MAX values, an exponential draw is at most about 22.2 / rate and a normal draw lies
 * within about 9.3 standard deviations of its mean (the smallest nonzero squared radius is ~2^-62).
 */
import seedrandom from 'seedrandom';
import { ConfigError } from '../../engine/errors.js';

/** Largest number of distinct values `int(min, max)` may span (32-bit uniform resolution). */
export const INT_SPAN_MAX = 2 ** 32;

/** Purposes of a client's streams, as named by the order-flow generators. */
export const STREAM_PURPOSES = ['arrivals', 'sizes', 'prices', 'sides', 'types', 'cancels'] as const;
export type StreamPurpose = (typeof STREAM_PURPOSES)[number];

/** The conventional name of one client's stream for one purpose: `client/<id>/<purpose>`. */
export function clientStreamName(clientId: number, purpose: StreamPurpose): string {
  if (!Number.isSafeInteger(clientId) || clientId < 0) {
    throw new ConfigError(`clientId: must be an integer in [0, ${Number.MAX_SAFE_INTEGER}], got ${String(clientId)}`);
  }
  return `client/${clientId}/${purpose}`;
}

/** One deterministic generator. Every method draws only from this stream. */
export class RandomStream {
  readonly name: string;
  private readonly uniform: () => number;
  private normalSpare: number;
  private hasNormalSpare: boolean;

  constructor(seed: string, name: string) {
    this.name = name;
    this.uniform = seedrandom.alea(seed);
    this.normalSpare = 0;
    this.hasNormalSpare = false;
  }

  /** A uniform number in [0, 1), a multiple of 2^-32. */
  next(): number {
    return this.uniform();
  }

  /** A uniform integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    const span = max - min + 1;
    if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max) || span < 1 || span > INT_SPAN_MAX) {
      throw new RangeError(`int(min, max): need integers with 1 <= max - min + 1 <= 2^32, got min=${min} max=${max}`);
    }
    return min + Math.floor(this.uniform() * span);
  }

  /** True with probability p, p in [0, 1]. Always draws exactly one value. */
  chance(p: number): boolean {
    if (!(p >= 0 && p <= 1)) throw new RangeError(`chance(p): p must be in [0, 1], got ${p}`);
    return this.uniform() < p;
  }

  /**
   * A normal draw by the polar form of the Box-Muller transform (Marsaglia): a point uniform in the
   * unit disc yields two independent normals with one log and one sqrt and no trigonometry. The
   * second is kept in this stream and returned by the next call. A pair costs 2 uniforms per try,
   * 4 / pi tries on average.
   */
  normal(mean: number, sd: number): number {
    if (!(sd >= 0) || !Number.isFinite(mean) || !Number.isFinite(sd)) {
      throw new RangeError(`normal(mean, sd): need finite mean and sd >= 0, got mean=${mean} sd=${sd}`);
    }
    if (this.hasNormalSpare) {
      this.hasNormalSpare = false;
      return mean + sd * this.normalSpare;
    }
    let x: number;
    let y: number;
    let radiusSquared: number;
    do {
      x = 2 * this.uniform() - 1;
      y = 2 * this.uniform() - 1;
      radiusSquared = x * x + y * y;
    } while (radiusSquared >= 1 || radiusSquared === 0);
    const scale = Math.sqrt((-2 * Math.log(radiusSquared)) / radiusSquared);
    this.normalSpare = y * scale;
    this.hasNormalSpare = true;
    return mean + sd * x * scale;
  }

  /** An exponential draw with the given rate (mean 1 / rate), by inversion; one uniform per draw. */
  exponential(rate: number): number {
    if (!(rate > 0) || !Number.isFinite(rate)) {
      throw new RangeError(`exponential(rate): rate must be finite and > 0, got ${rate}`);
    }
    return -Math.log(1 - this.uniform()) / rate;
  }

  /** A uniformly chosen element of a non-empty array. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick(items): items must not be empty');
    return items[Math.floor(this.uniform() * items.length)] as T;
  }
}

/** The factory of named streams under one root seed. */
export class RandomStreams {
  readonly rootSeed: string;
  private readonly taken = new Set<string>();

  constructor(rootSeed: number | string) {
    if (typeof rootSeed === 'number' && !Number.isFinite(rootSeed)) {
      throw new ConfigError(`rootSeed: must be a finite number or a string, got ${rootSeed}`);
    }
    if (typeof rootSeed !== 'number' && typeof rootSeed !== 'string') {
      throw new ConfigError(`rootSeed: must be a finite number or a string, got ${typeof rootSeed}`);
    }
    this.rootSeed = String(rootSeed);
  }

  /** The stream with this name, seeded from `${rootSeed}/${name}`. Each name may be taken once. */
  stream(name: string): RandomStream {
    if (typeof name !== 'string' || name.length === 0) {
      throw new ConfigError(`stream name: must be a non-empty string, got ${JSON.stringify(name)}`);
    }
    if (this.taken.has(name)) {
      throw new ConfigError(`stream name: ${JSON.stringify(name)} is already taken; each named stream has one consumer`);
    }
    this.taken.add(name);
    return new RandomStream(`${this.rootSeed}/${name}`, name);
  }
}
