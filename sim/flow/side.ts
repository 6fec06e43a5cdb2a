/**
 * Order side: BUY with probability buyProbability, else SELL (the seed: 50/50, or skewed to test a
 * one-sided market). One uniform per draw.
 */
import { Side, type SideCode } from '../../engine/protocol.js';
import type { RandomStream } from '../random/streams.js';
import { numberIn, optionRecord, rejectUnknownKeys } from './options.js';

export interface SideOptions {
  /** Probability of a buy, [0, 1]; default 0.5. */
  buyProbability?: number;
}

export const SIDE_DEFAULTS = { buyProbability: 0.5 } as const;

export class SideSampler {
  readonly buyProbability: number;
  private readonly stream: RandomStream;

  constructor(stream: RandomStream, options?: SideOptions) {
    const record = optionRecord(options, 'side');
    rejectUnknownKeys(record, ['buyProbability'], 'side.');
    this.buyProbability = numberIn(record.buyProbability, SIDE_DEFAULTS.buyProbability, { min: 0, max: 1 }, 'side.buyProbability');
    this.stream = stream;
  }

  next(): SideCode {
    return this.stream.next() < this.buyProbability ? Side.BUY : Side.SELL;
  }
}
