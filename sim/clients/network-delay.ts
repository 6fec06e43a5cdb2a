/** A lognormal one-way network delay drawn from a participant's own latency stream. */
import { lognormalParams } from '../flow/lognormal-size.js';
import type { RandomStream } from '../random/streams.js';

const NS_PER_US = 1_000;

export class NetworkDelay {
  private readonly mu: number;
  private readonly sigma: number;

  constructor(
    private readonly stream: RandomStream,
    oneWayUs: { mean: number; sd: number },
  ) {
    const params = lognormalParams(oneWayUs.mean * NS_PER_US, oneWayUs.sd * NS_PER_US);
    this.mu = params.mu;
    this.sigma = params.sigma;
  }

  /** One delay, integer ns >= 1. */
  drawNs(): number {
    return Math.max(1, Math.round(Math.exp(this.mu + this.sigma * this.stream.normal(0, 1))));
  }
}
