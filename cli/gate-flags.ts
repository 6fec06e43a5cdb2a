/** Gate tolerance flags shared by `lobsim compare` and `lobsim gate`, in percent on the command line. */
import type { Argv } from 'yargs';
import { ALPHA_MAX, TOLERANCE_MAX, type GateOptions } from '../reports/gate/options.js';
import { positiveFlag } from './number-flag.js';

export interface ToleranceArgs {
  latencyTolerance?: number;
  throughputTolerance?: number;
  costTolerance?: number;
  alpha?: number;
  allowFactChanges?: boolean;
  normalize?: boolean;
}

// The gate's own limits, in the flags' unit (percent for the tolerances).
const TOLERANCE_PERCENT_MAX = TOLERANCE_MAX * 100;

export function toleranceFlags<T>(yargs: Argv<T>): Argv<T & ToleranceArgs> {
  return yargs
    .option('latency-tolerance', { type: 'string', coerce: positiveFlag('latency-tolerance', TOLERANCE_PERCENT_MAX, 'a percentage'), describe: 'percent a latency percentile may grow (default 25)' })
    .option('throughput-tolerance', { type: 'string', coerce: positiveFlag('throughput-tolerance', TOLERANCE_PERCENT_MAX, 'a percentage'), describe: 'percent throughput may drop (default 20)' })
    .option('cost-tolerance', { type: 'string', coerce: positiveFlag('cost-tolerance', TOLERANCE_PERCENT_MAX, 'a percentage'), describe: 'percent processing cost per event may grow (default 25)' })
    .option('alpha', { type: 'string', coerce: positiveFlag('alpha', ALPHA_MAX), describe: 'one-sided significance level of the Mann-Whitney test (default 0.05)' })
    .option('allow-fact-changes', { type: 'boolean', describe: 'report differing deterministic facts without failing (a deliberate behaviour change)' })
    .option('normalize', { type: 'boolean', describe: 'scale wall-clock metrics by the calibration workload (--no-normalize to compare raw)' }) as unknown as Argv<T & ToleranceArgs>;
}

/** Flags as option overrides: percent to fraction; unset flags stay undefined (defaults or baseline.json apply). */
export function toleranceOverrides(args: ToleranceArgs): Partial<GateOptions> {
  const fraction = (percent: number | undefined) => (percent === undefined ? undefined : percent / 100);
  const overrides: Partial<GateOptions> = {};
  const set = <K extends keyof GateOptions>(key: K, value: GateOptions[K] | undefined) => {
    if (value !== undefined) overrides[key] = value;
  };
  set('latencyTolerance', fraction(args.latencyTolerance));
  set('throughputTolerance', fraction(args.throughputTolerance));
  set('costTolerance', fraction(args.costTolerance));
  set('alpha', args.alpha);
  set('allowFactChanges', args.allowFactChanges);
  set('normalize', args.normalize);
  return overrides;
}
