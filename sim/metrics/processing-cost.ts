/**
 * Real processing cost of simulated events (deterministic mode). The meter reads a real clock
 * around batches of events; it is a measurement of the machine, not part of the simulated path,
 * so nothing simulated ever reads its values and determinism is untouched. The clock is injected
 * (default process.hrtime.bigint) so tests can drive it.
 *
 * Invariants: begin() and end() alternate; a batch has a whole number of events >= 0. Timing per
 * batch rather than per event keeps the clock reads (about 30-50 ns each) out of the cost measured.
 */
import { InvariantError } from '../../engine/errors.js';
import type { ProcessingCostSummary } from './types.js';

export type NowNs = () => bigint;

const nsPerMs = 1_000_000;
const nsPerS = 1_000_000_000;

export class ProcessingCostMeter {
  private readonly nowNs: NowNs;
  private startNs: bigint | null = null;
  private events = 0;
  private batches = 0;
  private totalNs = 0;
  private batchNsPerEventMax: number | null = null;

  constructor(nowNs: NowNs = () => process.hrtime.bigint()) {
    this.nowNs = nowNs;
  }

  /** Starts timing a batch. */
  begin(): void {
    if (this.startNs !== null) throw new InvariantError('ProcessingCostMeter.begin: a batch is already open');
    this.startNs = this.nowNs();
  }

  /** Ends the open batch, which processed `events` events. */
  end(events: number): void {
    const endNs = this.nowNs();
    if (this.startNs === null) throw new InvariantError('ProcessingCostMeter.end: no batch is open');
    const elapsedNs = Number(endNs - this.startNs);
    this.startNs = null;
    this.add(events, elapsedNs);
  }

  /** Times fn() as one batch of `events` events and returns its result. */
  measure<T>(events: number, fn: () => T): T {
    this.begin();
    try {
      return fn();
    } finally {
      this.end(events);
    }
  }

  /** Adds a batch measured elsewhere (for example in another worker). */
  add(events: number, elapsedNs: number): void {
    if (!Number.isSafeInteger(events) || events < 0) throw new InvariantError(`ProcessingCostMeter: events must be an integer >= 0, got ${events}`);
    if (!(elapsedNs >= 0)) throw new InvariantError(`ProcessingCostMeter: elapsed time must be >= 0 ns, got ${elapsedNs}`);
    this.events += events;
    this.batches += 1;
    this.totalNs += elapsedNs;
    if (events > 0) {
      const perEvent = elapsedNs / events;
      this.batchNsPerEventMax = this.batchNsPerEventMax === null ? perEvent : Math.max(this.batchNsPerEventMax, perEvent);
    }
  }

  summary(): ProcessingCostSummary {
    return summarizeCost(this.events, this.batches, this.totalNs, this.batchNsPerEventMax);
  }
}

function summarizeCost(events: number, batches: number, totalNs: number, batchNsPerEventMax: number | null): ProcessingCostSummary {
  const measured = events > 0;
  return {
    events,
    batches,
    totalMs: totalNs / nsPerMs,
    nsPerEvent: measured ? totalNs / events : null,
    eventsPerS: measured && totalNs > 0 ? (events * nsPerS) / totalNs : null,
    batchNsPerEventMax,
  };
}

/**
 * Sums costs measured by several meters. eventsPerS of the result is per unit of summed busy time
 * (one core's rate), not wall-clock throughput of meters that ran in parallel.
 */
export function mergeProcessingCosts(list: readonly ProcessingCostSummary[]): ProcessingCostSummary {
  let events = 0;
  let batches = 0;
  let totalNs = 0;
  let batchNsPerEventMax: number | null = null;
  for (const item of list) {
    events += item.events;
    batches += item.batches;
    totalNs += item.totalMs * nsPerMs;
    if (item.batchNsPerEventMax !== null) {
      batchNsPerEventMax = batchNsPerEventMax === null ? item.batchNsPerEventMax : Math.max(batchNsPerEventMax, item.batchNsPerEventMax);
    }
  }
  return summarizeCost(events, batches, totalNs, batchNsPerEventMax);
}
