/**
 * Poisson order arrivals for one client in integer nanoseconds of virtual time.
 *
 * Model: a (possibly inhomogeneous) Poisson process with rate lambda(t) orders per second. The
 * rate is either constant or piecewise constant (a schedule of segments, for spikes and quiet
 * periods). `next(nowNs)` returns the first arrival after nowNs by exact inversion of the
 * integrated rate: draw a unit exponential mass E, then walk the segments from nowNs, spending
 * lambda_i * length_i of mass in each, until the mass runs out inside a segment. Because the
 * process is memoryless, calling `next` from the time of the previous arrival yields the process.
 *
 * Invariants: one uniform per call, whatever the schedule; the result is an integer >= nowNs
 * (the continuous time rounded to the nearest nanosecond, so two arrivals may share a
 * nanosecond at very high rates; the sequencer orders them).
 *
 * Limits: rates up to RATE_PER_SECOND_MAX, at most RATE_SEGMENTS_MAX segments; times are safe
 * integers (2^53 ns is about 104 days).
 */
import { ConfigError } from '../../engine/errors.js';
import type { RandomStream } from '../random/streams.js';
import { integerIn, numberIn, optionRecord, rejectUnknownKeys } from './options.js';

export const NS_PER_SECOND = 1_000_000_000;
/** Largest arrival rate, orders per second (one per nanosecond). */
export const RATE_PER_SECOND_MAX = 1e9;
/** Largest number of segments in a rate schedule. */
export const RATE_SEGMENTS_MAX = 100_000;

/** From startNs (inclusive) until the next segment's start, the rate is ratePerSecond. */
export interface RateSegment {
  startNs: number;
  ratePerSecond: number;
}

/** Exactly one of `ratePerSecond` (constant) or `schedule` (first segment starts at 0). */
export interface PoissonArrivalsOptions {
  ratePerSecond?: number;
  schedule?: readonly RateSegment[];
}

const OPTION_KEYS = ['ratePerSecond', 'schedule'] as const;
const SEGMENT_KEYS = ['startNs', 'ratePerSecond'] as const;

export class PoissonArrivals {
  private readonly stream: RandomStream;
  /** Segment starts (ns) and rates (arrivals per ns), parallel arrays; the last segment is open-ended. */
  private readonly startsNs: Float64Array;
  private readonly ratesPerNs: Float64Array;
  /** Mean gap for the constant-rate fast path, or 0 when a schedule is in force. */
  private readonly constantMeanGapNs: number;

  constructor(stream: RandomStream, options: PoissonArrivalsOptions) {
    const segments = validateArrivalOptions(options);
    this.stream = stream;
    this.startsNs = Float64Array.from(segments, (s) => s.startNs);
    this.ratesPerNs = Float64Array.from(segments, (s) => s.ratePerSecond / NS_PER_SECOND);
    this.constantMeanGapNs = segments.length === 1 ? NS_PER_SECOND / (segments[0] as RateSegment).ratePerSecond : 0;
  }

  /** The next arrival time (integer ns, >= nowNs) after the time nowNs. */
  next(nowNs: number): number {
    if (!Number.isSafeInteger(nowNs) || nowNs < 0) {
      throw new RangeError(`next(nowNs): nowNs must be a safe integer >= 0, got ${nowNs}`);
    }
    const mass = -Math.log(1 - this.stream.next());
    const arrivalNs = this.constantMeanGapNs > 0 ? nowNs + Math.round(mass * this.constantMeanGapNs) : this.invert(nowNs, mass);
    if (!Number.isSafeInteger(arrivalNs) || arrivalNs < nowNs) {
      throw new RangeError(`next(nowNs): arrival ${arrivalNs} is past the safe integer range or before now ${nowNs}`);
    }
    return arrivalNs;
  }

  /** lambda(t) in arrivals per second. */
  rateAt(tNs: number): number {
    return (this.ratesPerNs[this.segmentAt(tNs)] as number) * NS_PER_SECOND;
  }

  /** The integrated rate over [fromNs, toNs): the expected number of arrivals. */
  expectedCount(fromNs: number, toNs: number): number {
    let total = 0;
    for (let i = this.segmentAt(fromNs); i < this.startsNs.length; i++) {
      const start = Math.max(fromNs, this.startsNs[i] as number);
      const end = Math.min(toNs, i + 1 < this.startsNs.length ? (this.startsNs[i + 1] as number) : Infinity);
      if (end <= start) break;
      total += (this.ratesPerNs[i] as number) * (end - start);
    }
    return total;
  }

  /** Spends a unit-exponential mass along the schedule from nowNs; the last segment's rate is > 0. */
  private invert(nowNs: number, mass: number): number {
    const count = this.startsNs.length;
    let remaining = mass;
    let t = nowNs;
    for (let i = this.segmentAt(nowNs); ; i++) {
      const rate = this.ratesPerNs[i] as number;
      const end = i + 1 < count ? (this.startsNs[i + 1] as number) : Infinity;
      if (rate > 0) {
        const needNs = remaining / rate;
        if (t + needNs < end) return Math.round(t + needNs);
        remaining = Math.max(0, remaining - rate * (end - t));
      }
      t = end;
    }
  }

  /** Index of the segment holding tNs: the last with startNs <= tNs (binary search). */
  private segmentAt(tNs: number): number {
    let low = 0;
    let high = this.startsNs.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((this.startsNs[mid] as number) <= tNs) low = mid;
      else high = mid - 1;
    }
    return low;
  }
}

/** A schedule with a base rate and one spike of spikeRatePerSecond over [startNs, startNs + durationNs). */
export function spikeSchedule(spec: {
  baseRatePerSecond: number;
  spikeRatePerSecond: number;
  startNs: number;
  durationNs: number;
}): RateSegment[] {
  integerIn(spec.startNs, undefined, 1, Number.MAX_SAFE_INTEGER, 'spike.startNs');
  integerIn(spec.durationNs, undefined, 1, Number.MAX_SAFE_INTEGER - spec.startNs, 'spike.durationNs');
  return [
    { startNs: 0, ratePerSecond: spec.baseRatePerSecond },
    { startNs: spec.startNs, ratePerSecond: spec.spikeRatePerSecond },
    { startNs: spec.startNs + spec.durationNs, ratePerSecond: spec.baseRatePerSecond },
  ];
}

function validateArrivalOptions(options: PoissonArrivalsOptions): RateSegment[] {
  const record = optionRecord(options, 'arrivals');
  rejectUnknownKeys(record, OPTION_KEYS, 'arrivals.');
  if ((record.ratePerSecond === undefined) === (record.schedule === undefined)) {
    throw new ConfigError('arrivals: give exactly one of ratePerSecond or schedule');
  }
  if (record.ratePerSecond !== undefined) {
    const rate = numberIn(record.ratePerSecond, undefined, { min: 0, max: RATE_PER_SECOND_MAX, minExclusive: true }, 'arrivals.ratePerSecond');
    return [{ startNs: 0, ratePerSecond: rate }];
  }
  return validateSchedule(record.schedule);
}

function validateSchedule(value: unknown): RateSegment[] {
  if (!Array.isArray(value) || value.length < 1 || value.length > RATE_SEGMENTS_MAX) {
    throw new ConfigError(`arrivals.schedule: must be an array of 1 to ${RATE_SEGMENTS_MAX} segments`);
  }
  const segments = value.map((item: unknown, index): RateSegment => {
    const path = `arrivals.schedule[${index}]`;
    const record = optionRecord(item, path);
    rejectUnknownKeys(record, SEGMENT_KEYS, `${path}.`);
    const startNs = integerIn(record.startNs, undefined, 0, Number.MAX_SAFE_INTEGER, `${path}.startNs`);
    const ratePerSecond = numberIn(record.ratePerSecond, undefined, { min: 0, max: RATE_PER_SECOND_MAX }, `${path}.ratePerSecond`);
    return { startNs, ratePerSecond };
  });
  if ((segments[0] as RateSegment).startNs !== 0) {
    throw new ConfigError(`arrivals.schedule[0].startNs: must be 0, got ${(segments[0] as RateSegment).startNs}`);
  }
  for (let i = 1; i < segments.length; i++) {
    const previous = (segments[i - 1] as RateSegment).startNs;
    const start = (segments[i] as RateSegment).startNs;
    if (start <= previous) {
      throw new ConfigError(`arrivals.schedule[${i}].startNs: must be greater than ${previous} (strictly increasing), got ${start}`);
    }
  }
  const last = segments.length - 1;
  if ((segments[last] as RateSegment).ratePerSecond <= 0) {
    throw new ConfigError(`arrivals.schedule[${last}].ratePerSecond: the last (open-ended) segment must have a rate in (0, ${RATE_PER_SECOND_MAX}]`);
  }
  return segments;
}
