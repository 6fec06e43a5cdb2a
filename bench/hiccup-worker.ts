/**
 * The machine's own latency floor, jHiccup style: a JS thread that does nothing but read the clock
 * for a few seconds, alone, and records every pause between two readings (the thread was not
 * running: the hypervisor, the kernel, an interrupt). Anything the latency benchmark measures
 * passes through such pauses, so they bound what its tail can reach on this machine.
 *
 * Reported time-weighted: `p99` is the pause length that a random instant falls inside at least 1%
 * of the time (an order sent at a random moment waits through a pause that long 1% of the time).
 */
import { parentPort, workerData } from 'node:worker_threads';

const PAUSE_NS_MIN = 2_000; // Shorter gaps are the loop itself.
const PAUSES_MAX = 1 << 20;

export interface HiccupResult {
  seconds: number;
  /** Share of the time spent in pauses of 10 us or more, in percent. */
  pauseTimePct: number;
  pausesOver10Us: number;
  pausesOver100Us: number;
  /** Time-weighted p99 and p99.9 pause (us), and the longest. */
  p99Us: number;
  p999Us: number;
  maxUs: number;
}

const { seconds } = workerData as { seconds: number };
performance.now(); // The first call sets up the clock (slow).
const pauses = new Float64Array(PAUSES_MAX);
let count = 0;
const start = performance.now() * 1e6;
const end = start + seconds * 1e9;
let last = start;
for (let now = last; now < end; now = performance.now() * 1e6) {
  const gap = now - last;
  if (gap >= PAUSE_NS_MIN && count < PAUSES_MAX) pauses[count++] = gap;
  last = now;
}
const totalNs = last - start;
const sorted = pauses.subarray(0, count).sort().reverse();
let over10 = 0;
let over100 = 0;
let pausedOver10Ns = 0;
for (const gap of sorted) {
  if (gap >= 10_000) {
    over10++;
    pausedOver10Ns += gap;
  }
  if (gap >= 100_000) over100++;
}
/** The pause length L such that pauses of length >= L cover `share` of the time. */
const timeWeighted = (share: number): number => {
  let covered = 0;
  for (const gap of sorted) {
    covered += gap;
    if (covered >= share * totalNs) return gap / 1000;
  }
  return PAUSE_NS_MIN / 1000;
};
const result: HiccupResult = {
  seconds: totalNs / 1e9,
  pauseTimePct: (pausedOver10Ns / totalNs) * 100,
  pausesOver10Us: over10,
  pausesOver100Us: over100,
  p99Us: timeWeighted(0.01),
  p999Us: timeWeighted(0.001),
  maxUs: (sorted[0] ?? 0) / 1000,
};
parentPort!.postMessage(result);
