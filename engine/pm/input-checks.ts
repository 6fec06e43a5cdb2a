/**
 * The checks of what callers hand the position manager at run time (its options are checked once,
 * in options.ts): an execution report, a time, an epoch, its dependencies and what they return. A
 * bad value is refused with LOBSIM_ERR_INPUT naming the field, before it reaches the PM's state:
 * one NaN in a report's cumulative quantity used to make a position NaN for good, with validate()
 * still passing.
 */
import { InvariantError, LobsimError } from '../errors.js';
import { ExecKind, ORDER_QUANTITY_MAX, Reason } from '../protocol.js';
import type { Bbo, ExecutionReport } from '../types.js';
import { show } from '../options.js';
import { OWNER_MAX } from './options.js';
import type { PmDeps } from './types.js';

const EXEC_KINDS = new Set<number>(Object.values(ExecKind));
export const REASON_MAX = Math.max(...Object.values(Reason));
/** Largest price an order can carry (a record slot holds safe integers; prices are positive). */
export const PRICE_MAX = Number.MAX_SAFE_INTEGER;

export function inputError(message: string): LobsimError {
  return new LobsimError('LOBSIM_ERR_INPUT', message);
}

/** `value` as an integer in [min, max], or an error naming `path` (and, if given, why the range). */
export function integerInput(value: unknown, min: number, max: number, path: string, why?: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw inputError(`${path}: must be an integer in [${min}, ${max}]${why === undefined ? '' : ` (${why})`}, got ${show(value)}`);
  }
  return value;
}

export function objectInput(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw inputError(`${path}: must be an object, got ${show(value)}`);
  return value as Record<string, unknown>;
}

/**
 * `value` as an array, read by index so that a hole is seen (as undefined) rather than skipped,
 * as forEach and map would.
 */
export function arrayInput(value: unknown, path: string): readonly unknown[] {
  if (!Array.isArray(value)) throw inputError(`${path}: must be an array, got ${show(value)}`);
  return value;
}

/**
 * The fields of a report the PM reads, each in its range; `index`: its place in an onReports list.
 * Every report passes here, so the common case is plain comparisons: the field paths of a message
 * are built only once a field failed (built per report, they were most of onReport's cost).
 */
export function checkReport(value: unknown, index?: number): asserts value is ExecutionReport {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const report = value as Record<string, unknown>;
    if (
      isIntegerIn(report.owner, 0, OWNER_MAX) &&
      isIntegerIn(report.seq, 1, Number.MAX_SAFE_INTEGER) &&
      EXEC_KINDS.has(report.kind as number) &&
      isIntegerIn(report.reason, 0, REASON_MAX) &&
      isIntegerIn(report.orderId, 0, Number.MAX_SAFE_INTEGER) &&
      isIntegerIn(report.clientOrderId, 0, Number.MAX_SAFE_INTEGER) &&
      isIntegerIn(report.cumQuantity, 0, ORDER_QUANTITY_MAX) &&
      isIntegerIn(report.leavesQuantity, 0, ORDER_QUANTITY_MAX)
    ) {
      return;
    }
  }
  explainReport(value, index === undefined ? 'pm report' : `pm reports[${index}]`);
}

export function isIntegerIn(value: unknown, min: number, max: number): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

/** Throws for the first field of a report that checkReport refused, naming it. */
function explainReport(value: unknown, path: string): never {
  const report = objectInput(value, path);
  integerInput(report.owner, 0, OWNER_MAX, `${path}.owner`);
  integerInput(report.seq, 1, Number.MAX_SAFE_INTEGER, `${path}.seq`);
  if (!EXEC_KINDS.has(report.kind as number)) throw inputError(`${path}.kind: must be an ExecKind code (1 to ${EXEC_KINDS.size}), got ${show(report.kind)}`);
  integerInput(report.reason, 0, REASON_MAX, `${path}.reason`);
  integerInput(report.orderId, 0, Number.MAX_SAFE_INTEGER, `${path}.orderId`);
  integerInput(report.clientOrderId, 0, Number.MAX_SAFE_INTEGER, `${path}.clientOrderId`);
  integerInput(report.cumQuantity, 0, ORDER_QUANTITY_MAX, `${path}.cumQuantity`);
  integerInput(report.leavesQuantity, 0, ORDER_QUANTITY_MAX, `${path}.leavesQuantity`);
  throw new InvariantError(`${path}: refused by checkReport but every field is in range`);
}

/** onReports' list: an array of reports, every one checked before the first is applied. */
export function checkReportList(value: unknown): asserts value is readonly ExecutionReport[] {
  const reports = arrayInput(value, 'pm reports');
  for (let index = 0; index < reports.length; index += 1) checkReport(reports[index], index);
}

/** A time in ns for tick(): finite and not negative (a clock may give fractions). */
export function checkTimeNs(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw inputError(`${path}: must be a finite number of ns >= 0, got ${show(value)}`);
  return value;
}

/** setTargets' list: an array of { symbol, quantity } objects (each then checked as setTarget checks it). */
export function checkTargetList(value: unknown): asserts value is readonly { symbol: number; quantity: number }[] {
  const targets = arrayInput(value, 'pm targets');
  for (let index = 0; index < targets.length; index += 1) objectInput(targets[index], `pm targets[${index}]`);
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

/** What the clock returned: a time as tick() takes it. */
export function checkClockNs(value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw inputError(`pm clock.nowNs(): must return a finite number of ns >= 0, got ${show(value)}`);
  return value;
}

/**
 * What marketData.bbo(symbol) returned: { bid, ask }, each null (no level) or a level whose price
 * the PM can quote from (a positive safe integer). Only the prices are read, so only they are
 * checked; a missing side reads as null, as the price policy reads it.
 */
export function checkBbo(value: unknown, symbol: number): Bbo {
  // Once per order sent: plain comparisons first, the message's path only once one failed.
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const bbo = value as Record<'bid' | 'ask', unknown>;
    if (isQuotable(bbo.bid) && isQuotable(bbo.ask)) return value as Bbo;
  }
  const path = `pm marketData.bbo(${symbol})`;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw inputError(`${path}: must return { bid, ask }, each null or a level { price, quantity, count }, got ${show(value)}`);
  }
  const bbo = value as Record<'bid' | 'ask', unknown>;
  for (const side of ['bid', 'ask'] as const) {
    const level = bbo[side];
    if (level === null || level === undefined) continue;
    integerInput(objectInput(level, `${path}.${side}`).price, 1, PRICE_MAX, `${path}.${side}.price`);
  }
  return value as Bbo;
}

/** A side of a bbo the price policy can read: none (null or missing) or a level with a usable price. */
function isQuotable(level: unknown): boolean {
  if (level === null || level === undefined) return true;
  return typeof level === 'object' && !Array.isArray(level) && isIntegerIn((level as { price?: unknown }).price, 1, PRICE_MAX);
}
