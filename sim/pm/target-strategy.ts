/**
 * The strategy that sets the position manager's targets in a run: steps at given times, a random
 * walk at Poisson times, or rapid flips between +q and -q. Times are integer ns of run time; draws
 * come from the `pm/strategy` stream.
 */
import { ConfigError } from '../../engine/errors.js';
import type { InstrumentConfig } from '../../engine/types.js';
import type { RandomStream } from '../random/streams.js';
import type { PmStrategy } from '../scenario/types.js';

const NS_PER_MS = 1_000_000;
const NS_PER_S = 1_000_000_000;
export const NEVER = Number.MAX_SAFE_INTEGER;

export interface TargetChange {
  symbol: number;
  target: number;
}

export class TargetStrategy {
  private nextNs: number;
  private stepIndex = 0;
  private flipSign = 1;
  private readonly targets = new Map<number, number>();
  private readonly symbols: number[];

  constructor(
    private readonly spec: PmStrategy,
    private readonly stream: RandomStream,
    instruments: readonly InstrumentConfig[],
  ) {
    this.symbols = spec.symbols ?? [0];
    const need = (field: keyof PmStrategy) => {
      if (spec[field] === undefined) throw new ConfigError(`pm.strategy.${field}: required for kind '${spec.kind}'`);
    };
    if (spec.kind === 'steps') need('steps');
    if (spec.kind === 'random-walk') ['ratePerSecond', 'stepQuantity', 'maxAbsQuantity'].forEach((f) => need(f as keyof PmStrategy));
    if (spec.kind === 'flips') ['periodMs', 'quantity'].forEach((f) => need(f as keyof PmStrategy));
    const used = spec.kind === 'steps' ? (spec.steps ?? []).map((step) => step.symbol) : this.symbols;
    for (const symbol of used) {
      if (symbol >= instruments.length) throw new ConfigError(`pm.strategy: symbol ${symbol} is not an instrument index (0 .. ${instruments.length - 1})`);
    }
    (spec.steps ?? []).forEach((step, index) => {
      const lot = instruments[step.symbol]!.lotSize;
      if (step.target % lot !== 0) throw new ConfigError(`pm.strategy.steps[${index}].target: must be a multiple of the lot size ${lot}, got ${step.target}`);
      if (index > 0 && step.atMs < spec.steps![index - 1]!.atMs) throw new ConfigError(`pm.strategy.steps[${index}].atMs: steps must be in time order`);
    });
    this.nextNs = this.firstNs();
  }

  get nextChangeNs(): number {
    return this.nextNs;
  }

  /** The target changes due at `nowNs` (= nextChangeNs); schedules the next. */
  fire(nowNs: number): TargetChange[] {
    const changes: TargetChange[] = [];
    switch (this.spec.kind) {
      case 'steps':
        for (let step = this.spec.steps![this.stepIndex]; step !== undefined && Math.round(step.atMs * NS_PER_MS) <= nowNs; step = this.spec.steps![this.stepIndex]) {
          changes.push({ symbol: step.symbol, target: step.target });
          this.stepIndex++;
        }
        this.nextNs = this.firstNs();
        break;
      case 'random-walk': {
        const symbol = this.symbols.length === 1 ? this.symbols[0]! : this.stream.pick(this.symbols);
        const step = this.stream.chance(0.5) ? this.spec.stepQuantity! : -this.spec.stepQuantity!;
        const limit = this.spec.maxAbsQuantity!;
        const target = Math.max(-limit, Math.min(limit, (this.targets.get(symbol) ?? 0) + step));
        this.targets.set(symbol, target);
        changes.push({ symbol, target });
        this.nextNs = nowNs + Math.max(1, Math.round(this.stream.exponential(this.spec.ratePerSecond!) * NS_PER_S));
        break;
      }
      case 'flips':
        for (const symbol of this.symbols) changes.push({ symbol, target: this.flipSign * this.spec.quantity! });
        this.flipSign = -this.flipSign;
        this.nextNs = nowNs + Math.round(this.spec.periodMs! * NS_PER_MS);
        break;
    }
    return changes;
  }

  private firstNs(): number {
    if (this.spec.kind === 'steps') {
      const step = this.spec.steps![this.stepIndex];
      return step === undefined ? NEVER : Math.round(step.atMs * NS_PER_MS);
    }
    if (this.spec.kind === 'flips') return 0;
    return Math.max(1, Math.round(this.stream.exponential(this.spec.ratePerSecond!) * NS_PER_S));
  }
}
