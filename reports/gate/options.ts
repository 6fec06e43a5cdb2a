/**
 * The gate's tolerances, in one defaults object with units in the comments. A scenario's baseline
 * may carry its own (baseline.json `gate`), and command-line flags override both.
 */
import { ReportInputError } from '../errors.js';

export interface GateOptions {
  /** A latency percentile may grow by this fraction before it counts as worse (0.25 = +25%). */
  latencyTolerance: number;
  /** Throughput (events per wall second) may drop by this fraction (0.20 = -20%). */
  throughputTolerance: number;
  /** Processing cost per event may grow by this fraction. */
  costTolerance: number;
  /** One-sided significance level of the Mann-Whitney U test across seeds. */
  alpha: number;
  /** Deterministic facts that differ are reported but do not fail the gate (a deliberate behaviour change). */
  allowFactChanges: boolean;
  /** Scale wall-clock metrics by the calibration workload's ratio (candidate machine vs baseline machine). */
  normalize: boolean;
}

export const GATE_DEFAULTS: Readonly<GateOptions> = {
  latencyTolerance: 0.25,
  throughputTolerance: 0.2,
  costTolerance: 0.25,
  alpha: 0.05,
  allowFactChanges: false,
  normalize: true,
};

const FRACTIONS = ['latencyTolerance', 'throughputTolerance', 'costTolerance', 'alpha'] as const;
/** The largest tolerance (a fraction: 10 = +1000%) and significance level the gate takes; the lower bound is 0, excluded. */
export const TOLERANCE_MAX = 10;
export const ALPHA_MAX = 0.5;

/** Merges overrides onto the defaults; a fraction outside (0, TOLERANCE_MAX] (alpha outside (0, ALPHA_MAX]) names its field. */
export function gateOptions(overrides: Partial<GateOptions> = {}, source = 'gate options'): GateOptions {
  const known = new Set(Object.keys(GATE_DEFAULTS));
  for (const key of Object.keys(overrides)) {
    if (!known.has(key)) throw new ReportInputError(`${source}: unknown key '${key}' (known: ${[...known].join(', ')})`);
  }
  const merged: GateOptions = { ...GATE_DEFAULTS, ...Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)) };
  for (const key of FRACTIONS) {
    const value = merged[key];
    const max = key === 'alpha' ? ALPHA_MAX : TOLERANCE_MAX;
    if (typeof value !== 'number' || !(value > 0 && value <= max)) {
      throw new ReportInputError(`${source}: ${key} must be a number in (0, ${max}], got ${String(value)}`);
    }
  }
  return merged;
}
