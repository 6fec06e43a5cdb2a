/**
 * A scenario, as the runner sees it after loading, defaults and validation
 * (scenarios/scenario.schema.json is the file format; sim/scenario/load.ts turns a file into this).
 * Units are in the names: Ms, Us, Ns, PerSecond, PerMinute. Prices are integer price units,
 * quantities integer quantity units.
 */
import type { InstrumentConfig, StpModeName } from '../../engine/types.js';
import type { OrderTypeWeights } from '../flow/order-type-mix.js';

export type RunMode = 'deterministic' | 'stress';

export interface RateSpike {
  startMs: number;
  durationMs: number;
  ratePerSecond: number;
}

export interface ClientFlow {
  /** Trader agents. */
  count: number;
  /** Orders per second per client (Poisson). */
  ratePerSecond: number;
  /** Periods of a different rate per client (lambda(t) spikes). */
  spikes: RateSpike[];
  /** Lognormal order size in quantity units (rounded to lots). */
  sizes: { mean: number; sd: number };
  /** Normal prices around the mid: sigma as a fraction of the mid; depth and crossing mixtures. */
  prices: { sigmaFraction: number; depthFraction: number; crossFraction: number; depthOffsetSigmas: number };
  buyProbability: number;
  types: OrderTypeWeights;
  /** Cancels of the client's own live orders, as a fraction of them per minute. */
  cancelFractionPerMinute: number;
}

/** Deterministic mode's latency model: one-way delays client -> engine and engine -> client. */
export interface LatencyModel {
  /** Lognormal one-way delay. */
  oneWayUs: { mean: number; sd: number };
  /** Engine processing time per command. */
  processingUs: number;
  /** Clients act on what reached them by the start of each quantum (market data, reports). */
  quantumUs: number;
}

/** A threshold such as `ack.p99 <= 100us`, parsed. */
export interface Threshold {
  text: string;
  metric: string;
  operator: '<=' | '<' | '>=' | '>' | '==';
  value: number;
  unit: string;
}

export interface PmStrategy {
  kind: 'steps' | 'random-walk' | 'flips';
  steps?: { atMs: number; symbol: number; target: number }[];
  symbols?: number[];
  ratePerSecond?: number;
  stepQuantity?: number;
  maxAbsQuantity?: number;
  periodMs?: number;
  quantity?: number;
}

/** A position manager beside the clients, driven by a target strategy. */
export interface PmScenario {
  options: Record<string, unknown>;
  strategy: PmStrategy;
  convergeWithinMs: number;
}

export interface Scenario {
  name: string;
  description: string;
  mode: RunMode;
  seed: number;
  durationMs: number;
  /** Worker threads for client flow (stress mode); 0 means one per core minus one, at least 1. */
  workers: number;
  engine: { stp: StpModeName; ordersMax: number; directLevelsMax: number };
  instruments: InstrumentConfig[];
  clients: ClientFlow;
  latency: LatencyModel;
  checks: { invariantsEveryCommands: number };
  thresholds: Threshold[];
  pm?: PmScenario;
  /** Where the file came from (a path), or the name of a built-in scenario. */
  source: string;
}
