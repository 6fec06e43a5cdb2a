/**
 * The calibration workload: a fixed, deterministic CPU job shaped like the simulator's own work
 * (integer arithmetic from a PRNG, Map inserts and lookups, small object allocation, sorting)
 * timed in the same process and moment as the runs it calibrates. A baseline stores its figure;
 * a gate measures it again and scales wall-clock metrics by the ratio, so a machine that is 30%
 * slower overall does not read as a 30% regression.
 *
 * Limits: rounds and repeats are fixed (CALIBRATION_ROUNDS, CALIBRATION_REPEATS); the figure is the
 * fastest repeat (the least disturbed by other load), in ns per round.
 */
import { performance } from 'node:perf_hooks';
import type { CalibrationFigure } from './calibration-file.js';

export const CALIBRATION_WORKLOAD = 'lobsim-calibration-v1';
/** Rounds per repeat: about 20-40 ms on this machine kind. */
export const CALIBRATION_ROUNDS = 200;
export const CALIBRATION_REPEATS = 7;
const KEYS_PER_ROUND = 512;

/** One round: fills and probes a Map of small objects, sorts their prices. Returns a checksum. */
function round(state: { seed: number }): number {
  const book = new Map<number, { price: number; quantity: number }>();
  let checksum = 0;
  for (let index = 0; index < KEYS_PER_ROUND; index += 1) {
    state.seed = (Math.imul(state.seed ^ (state.seed >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) | 0;
    const key = state.seed & 0xffff;
    book.set(key, { price: 10_000 + (state.seed % 500), quantity: (state.seed >>> 20) & 0xff });
    checksum = (checksum + (book.get(key ^ 0x55)?.quantity ?? 1)) | 0;
  }
  const prices = Array.from(book.values(), (order) => order.price).sort((a, b) => a - b);
  return (checksum + (prices[prices.length >> 1] ?? 0)) | 0;
}

/** Runs the workload once: ns per round for one repeat, and a checksum the caller must not ignore. */
export function timeWorkload(rounds: number = CALIBRATION_ROUNDS): { nsPerRound: number; checksum: number } {
  const state = { seed: 0x1234_5678 };
  let checksum = 0;
  const started = performance.now();
  for (let index = 0; index < rounds; index += 1) checksum = (checksum + round(state)) | 0;
  const elapsedMs = performance.now() - started;
  return { nsPerRound: (elapsedMs * 1e6) / rounds, checksum };
}

/** Measures the workload: the fastest of `repeats` runs after one warm-up. */
export function measureCalibration(repeats: number = CALIBRATION_REPEATS, rounds: number = CALIBRATION_ROUNDS): CalibrationFigure {
  if (!Number.isInteger(repeats) || repeats < 1) throw new RangeError(`measureCalibration: repeats must be an integer >= 1, got ${repeats}`);
  const first = timeWorkload(rounds);
  const times: number[] = [];
  for (let index = 0; index < repeats; index += 1) {
    const { nsPerRound, checksum } = timeWorkload(rounds);
    if (checksum !== first.checksum) throw new Error('calibration workload is not deterministic: checksums differ');
    times.push(nsPerRound);
  }
  times.sort((a, b) => a - b);
  const fastest = times[0]!;
  const median = times[times.length >> 1]!;
  return {
    workload: CALIBRATION_WORKLOAD,
    nsPerRound: Math.round(fastest),
    spreadPct: Math.round(((median - fastest) / fastest) * 1_000) / 10,
    repeats,
    node: process.version,
    measuredAt: new Date().toISOString(),
  };
}

/** Keeps the faster of two figures (the less disturbed measurement of the same machine). */
export function fasterOf(a: CalibrationFigure, b: CalibrationFigure): CalibrationFigure {
  return a.nsPerRound <= b.nsPerRound ? a : b;
}
