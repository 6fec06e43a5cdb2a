/**
 * The schema is the file format's one definition of defaults and ranges; the order-flow generators
 * and the engine keep their own. These tests keep the two in step: same defaults, same limits, and
 * every scenario the loader accepts (including one at every limit) constructs every generator.
 */
import { describe, expect, it } from 'vitest';
import { BAND_BPS_MAX, DIRECT_LEVELS_MAX_LIMIT, ENGINE_DEFAULTS, INSTRUMENTS_MAX, ORDERS_MAX_LIMIT, SYMBOL_LENGTH_MAX } from '../../engine/options.js';
import { ORDER_QUANTITY_MAX } from '../../engine/protocol.js';
import { CANCEL_FRACTION_PER_MINUTE_MAX, CANCEL_POLICY_DEFAULTS, CancelPolicy } from '../../sim/flow/cancel-policy.js';
import { LOGNORMAL_SIZE_DEFAULTS, LognormalSize } from '../../sim/flow/lognormal-size.js';
import { DEPTH_OFFSET_SIGMAS_MAX, NORMAL_PRICE_DEFAULTS, NormalPrice, SIGMA_FRACTION_MAX } from '../../sim/flow/normal-price.js';
import { ORDER_TYPE_MIX_DEFAULTS, ORDER_TYPE_NAMES, ORDER_TYPE_WEIGHT_MAX, OrderTypeMix } from '../../sim/flow/order-type-mix.js';
import { NS_PER_SECOND, PoissonArrivals, RATE_PER_SECOND_MAX, type RateSegment } from '../../sim/flow/poisson-arrivals.js';
import { SIDE_DEFAULTS, SideSampler } from '../../sim/flow/side.js';
import { RandomStream } from '../../sim/random/streams.js';
import { loadScenario, scenarioNames } from '../../sim/scenario/load.js';
import { schemaAt, schemaKeys } from '../../sim/scenario/schema.js';
import type { Scenario } from '../../sim/scenario/types.js';
import { load, scenarioWith } from './helpers.js';

const at = (path: string) => {
  const node = schemaAt(path);
  if (node === undefined) throw new Error(`no schema node at ${path}`);
  return node;
};

/** Builds every generator the runner builds for one client, from a loaded scenario. */
function buildGenerators(s: Scenario): void {
  const stream = new RandomStream(String(s.seed), 'test');
  const lotSize = s.instruments[0]?.lotSize ?? 1;
  new LognormalSize(stream, { mean: s.clients.sizes.mean, sd: s.clients.sizes.sd, lotSize });
  new NormalPrice(stream, s.clients.prices);
  new OrderTypeMix(stream, s.clients.types);
  new CancelPolicy(stream, { fractionPerMinute: s.clients.cancelFractionPerMinute });
  new SideSampler(stream, { buyProbability: s.clients.buyProbability });
  const schedule: RateSegment[] = [{ startNs: 0, ratePerSecond: s.clients.ratePerSecond }];
  for (const spike of s.clients.spikes) {
    const startNs = spike.startMs * 1e6;
    if (startNs === 0) schedule.pop();
    schedule.push({ startNs, ratePerSecond: spike.ratePerSecond }, { startNs: startNs + spike.durationMs * 1e6, ratePerSecond: s.clients.ratePerSecond });
  }
  const arrivals = new PoissonArrivals(stream, { schedule });
  expect(arrivals.next(0)).toBeGreaterThanOrEqual(0);
  expect(s.durationMs * 1e6).toBeLessThanOrEqual(Number.MAX_SAFE_INTEGER);
  expect(NS_PER_SECOND).toBe(1e9);
}

describe('the schema agrees with the generators and the engine', () => {
  it('has the generators\' defaults', () => {
    expect(at('clients.sizes.mean').default).toBe(LOGNORMAL_SIZE_DEFAULTS.mean);
    expect(at('clients.sizes.sd').default).toBe(LOGNORMAL_SIZE_DEFAULTS.sd);
    for (const [key, value] of Object.entries(NORMAL_PRICE_DEFAULTS)) expect(at(`clients.prices.${key}`).default).toBe(value);
    expect(at('clients.buyProbability').default).toBe(SIDE_DEFAULTS.buyProbability);
    expect(at('clients.types').default).toEqual(ORDER_TYPE_MIX_DEFAULTS);
    expect(at('clients.cancelFractionPerMinute').default).toBe(CANCEL_POLICY_DEFAULTS.fractionPerMinute);
    expect(at('engine.stp').default).toBe(ENGINE_DEFAULTS.stp);
    expect(at('engine.ordersMax').default).toBe(ENGINE_DEFAULTS.ordersMax);
    expect(at('engine.directLevelsMax').default).toBe(ENGINE_DEFAULTS.directLevelsMax);
  });

  it('has the generators\' and the engine\'s limits', () => {
    expect(at('clients.prices.sigmaFraction')).toMatchObject({ exclusiveMinimum: 0, maximum: SIGMA_FRACTION_MAX });
    expect(at('clients.prices.depthOffsetSigmas')).toMatchObject({ minimum: 0, maximum: DEPTH_OFFSET_SIGMAS_MAX });
    // Stricter than the generator's (0, 1e9]: a rate per nanosecond must not underflow to 0.
    expect(at('clients.ratePerSecond')).toMatchObject({ minimum: 1e-6, maximum: RATE_PER_SECOND_MAX });
    expect(at('clients.spikes.0.ratePerSecond')).toMatchObject({ minimum: 0, maximum: RATE_PER_SECOND_MAX });
    expect(at('clients.cancelFractionPerMinute')).toMatchObject({ minimum: 0, maximum: CANCEL_FRACTION_PER_MINUTE_MAX });
    expect(schemaKeys(at('clients.types'))).toEqual([...ORDER_TYPE_NAMES]);
    for (const name of ORDER_TYPE_NAMES) expect(at(`clients.types.${name}`)).toMatchObject({ minimum: 0, maximum: ORDER_TYPE_WEIGHT_MAX });
    expect(at('engine.ordersMax')).toMatchObject({ minimum: 1, maximum: ORDERS_MAX_LIMIT });
    expect(at('engine.directLevelsMax')).toMatchObject({ minimum: 0, maximum: DIRECT_LEVELS_MAX_LIMIT });
    expect(at('instruments')).toMatchObject({ minItems: 1, maxItems: INSTRUMENTS_MAX });
    expect(at('symbols.count')).toMatchObject({ minimum: 1, maximum: INSTRUMENTS_MAX });
    expect(at('instruments.0.symbol')).toMatchObject({ minLength: 1, maxLength: SYMBOL_LENGTH_MAX });
    expect(at('symbols.prefix').maxLength).toBe(SYMBOL_LENGTH_MAX - 1);
    expect(at('instruments.0.bandBps')).toMatchObject({ minimum: 1, maximum: BAND_BPS_MAX });
    expect(at('instruments.0.lotSize')).toMatchObject({ minimum: 1, maximum: ORDER_QUANTITY_MAX });
    expect(at('instruments.0.maxOrderQuantity')).toMatchObject({ minimum: 1, maximum: ORDER_QUANTITY_MAX });
    expect(at('instruments.0.tickSize')).toMatchObject({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER });
  });

  it('documents every field with a description', () => {
    const missing: string[] = [];
    const walk = (path: string) => {
      const node = at(path);
      if (path !== '' && typeof node.description !== 'string') missing.push(path);
      const keys = node.type === 'array' ? ['0'] : schemaKeys(node);
      for (const key of keys) walk(path === '' ? key : `${path}.${key}`);
    };
    walk('');
    expect(missing).toEqual([]);
  });

  it.each(scenarioNames())('the generators accept shipped scenario %s', (name) => {
    buildGenerators(loadScenario(name));
  });

  it('the generators accept a scenario at every upper limit', () => {
    // Clients, rate and duration cannot all be at their limits at once (ORDERS_EXPECTED_MAX): the
    // count and the duration are at theirs with a low rate, the rate at its in a run of one client.
    const rateAtMax = load(scenarioWith({ durationMs: 1, clients: { count: 1, ratePerSecond: RATE_PER_SECOND_MAX, spikes: [{ startMs: 0, durationMs: 1, ratePerSecond: RATE_PER_SECOND_MAX }] } }));
    buildGenerators(rateAtMax);
    const s = load(
      scenarioWith({
        durationMs: 86_400_000,
        clients: {
          count: 100_000,
          ratePerSecond: 0.001,
          spikes: [{ startMs: 1, durationMs: 86_399_999, ratePerSecond: 0.005 }],
          sizes: { mean: 1e15, sd: 1e15 },
          prices: { sigmaFraction: SIGMA_FRACTION_MAX, depthFraction: 1, crossFraction: 0, depthOffsetSigmas: DEPTH_OFFSET_SIGMAS_MAX },
          buyProbability: 1,
          types: Object.fromEntries(ORDER_TYPE_NAMES.map((name) => [name, ORDER_TYPE_WEIGHT_MAX])),
          cancelFractionPerMinute: CANCEL_FRACTION_PER_MINUTE_MAX,
        },
      }),
    );
    buildGenerators(s);
  });

  it('the generators accept a scenario at every lower limit', () => {
    const s = load(
      scenarioWith({
        durationMs: 1,
        clients: {
          count: 1,
          ratePerSecond: 1e-6,
          spikes: [{ startMs: 0, durationMs: 1, ratePerSecond: 0 }],
          sizes: { mean: Number.MIN_VALUE, sd: 0 },
          prices: { sigmaFraction: Number.MIN_VALUE, depthFraction: 0, crossFraction: 0, depthOffsetSigmas: 0 },
          buyProbability: 0,
          types: { IOC: Number.MIN_VALUE },
          cancelFractionPerMinute: 0,
        },
      }),
    );
    buildGenerators(s);
  });
});
