/**
 * The checks of what callers hand the position manager at run time (its options are checked once,
 * in options.ts): an execution report, a time, an epoch, its dependencies. A bad value is refused
 * with LOBSIM_ERR_INPUT naming the field, before it reaches the PM's state: one NaN in a report's
 * cumulative quantity used to make a position NaN for good, with validate() still passing.
 */
import { LobsimError } from '../errors.js';
import { ExecKind, ORDER_QUANTITY_MAX, Reason } from '../protocol.js';
import type { ExecutionReport } from '../types.js';
import { show } from '../options.js';
import type { PmDeps } from './types.js';

const EXEC_KINDS = new Set<number>(Object.values(ExecKind));
const REASON_MAX = Math.max(...Object.values(Reason));
const OWNER_MAX = 0xffffffff;

function inputError(message: string): LobsimError {
  return new LobsimError('LOBSIM_ERR_INPUT', message);
}

/** `value` as an integer in [min, max], or an error naming `path`. */
export function integerInput(value: unknown, min: number, max: number, path: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw inputError(`${path}: must be an integer in [${min}, ${max}], got ${show(value)}`);
  }
  return value;
}

function objectInput(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw inputError(`${path}: must be an object, got ${show(value)}`);
  return value as Record<string, unknown>;
}

/** The fields of a report the PM reads, each in its range. */
export function checkReport(value: unknown): asserts value is ExecutionReport {
  const report = objectInput(value, 'pm report');
  integerInput(report.owner, 0, OWNER_MAX, 'pm report.owner');
  integerInput(report.seq, 1, Number.MAX_SAFE_INTEGER, 'pm report.seq');
  if (!EXEC_KINDS.has(report.kind as number)) throw inputError(`pm report.kind: must be an ExecKind code (1 to ${EXEC_KINDS.size}), got ${show(report.kind)}`);
  integerInput(report.reason, 0, REASON_MAX, 'pm report.reason');
  integerInput(report.orderId, 0, Number.MAX_SAFE_INTEGER, 'pm report.orderId');
  integerInput(report.clientOrderId, 0, Number.MAX_SAFE_INTEGER, 'pm report.clientOrderId');
  integerInput(report.cumQuantity, 0, ORDER_QUANTITY_MAX, 'pm report.cumQuantity');
  integerInput(report.leavesQuantity, 0, ORDER_QUANTITY_MAX, 'pm report.leavesQuantity');
}

/** A time in ns for tick(): finite and not negative (a clock may give fractions). */
export function checkTimeNs(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw inputError(`${path}: must be a finite number of ns >= 0, got ${show(value)}`);
  return value;
}

/** setTargets' list: an array of { symbol, quantity } objects (each then checked as setTarget checks it). */
export function checkTargetList(value: unknown): asserts value is readonly { symbol: number; quantity: number }[] {
  if (!Array.isArray(value)) throw inputError(`pm targets: must be an array, got ${show(value)}`);
  value.forEach((target, index) => objectInput(target, `pm targets[${index}]`));
}

/** The PM's collaborators: each present, with the method the PM calls on it. */
export function checkDeps(value: unknown): asserts value is PmDeps {
  const deps = objectInput(value, 'pm deps');
  const methods: [string, string][] = [['gateway', 'send'], ['marketData', 'bbo'], ['clock', 'nowNs']];
  for (const [key, method] of methods) {
    const dep = deps[key];
    if (typeof dep !== 'object' || dep === null || typeof (dep as Record<string, unknown>)[method] !== 'function') {
      throw new TypeError(`pm deps.${key}: must be an object with a ${method}() method, got ${show(dep)}`);
    }
  }
}
