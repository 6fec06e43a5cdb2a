/**
 * `--set key=value` overrides, applied to the parsed file before validation so that an overridden
 * value is checked like one written in the file.
 *
 * - key: a dot path known to the schema (`clients.count`, `latency.oneWayUs.mean`,
 *   `instruments.0.tickSize` or `instruments[0].tickSize`); missing objects on the way are created,
 *   array items must exist. An unknown key is an error naming it and the keys allowed there.
 * - value: JSON when it parses as JSON (`10`, `true`, `["ack.p99 <= 100us"]`, `{"LIMIT": 1}`),
 *   otherwise the text itself as a string (`mode=stress`).
 * - `instruments` and `symbols` are alternatives: setting anything under one removes the other.
 */
import { describeAllowed, showValue, type ScenarioIssue } from './errors.js';
import { pathTokens, scenarioSchema, schemaChild, schemaKeys, type SchemaNode } from './schema.js';

const ALTERNATIVE: Readonly<Record<string, string>> = { instruments: 'symbols', symbols: 'instruments' };

/** The override's value: JSON when the text parses as JSON, else the text. */
export function parseOverrideValue(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** Applies the overrides to `root` in order (mutating it); returns one issue per bad override. */
export function applyOverrides(root: unknown, overrides: readonly string[]): ScenarioIssue[] {
  const issues: ScenarioIssue[] = [];
  for (const override of overrides) {
    const message = applyOverride(root, override);
    if (message !== undefined) issues.push({ path: '', message: `--set ${override}: ${message}` });
  }
  return issues;
}

/**
 * The schema child for an override path: an object node that lists no properties (`pm.options`,
 * checked by the PM's own validation) takes any key, its value checked where the object is.
 */
function childOf(node: SchemaNode, token: string): SchemaNode | undefined {
  const child = schemaChild(node, token);
  if (child !== undefined) return child;
  return node.type === 'object' && node.properties === undefined && node.additionalProperties !== false ? {} : undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The field a `key=value` override sets, as written before the first '=' and trimmed ('' if none). */
export function overrideKey(override: string): string {
  const equals = override.indexOf('=');
  return equals < 0 ? '' : override.slice(0, equals).trim();
}

/** Applies one override; returns what is wrong with it, or undefined. */
function applyOverride(root: unknown, override: string): string | undefined {
  const equals = override.indexOf('=');
  if (equals <= 0) return 'must be key=value, e.g. clients.count=10';
  const key = overrideKey(override);
  const tokens = pathTokens(key);
  if (!isObject(root)) return 'the scenario is not a JSON object';
  const unknown = unknownKey(tokens);
  if (unknown !== undefined) return unknown;
  let node: SchemaNode = scenarioSchema();
  let target: Record<string, unknown> | unknown[] = root;
  for (let depth = 0; depth < tokens.length - 1; depth++) {
    const token = tokens[depth] as string;
    node = childOf(node, token) as SchemaNode;
    const next = descend(target, token, node);
    if (typeof next === 'string') return next.replace('$PATH', tokens.slice(0, depth + 1).join('.'));
    target = next;
  }
  const problem = assign(target, tokens[tokens.length - 1] as string, parseOverrideValue(override.slice(equals + 1)));
  const alternative = ALTERNATIVE[tokens[0] as string];
  if (problem === undefined && alternative !== undefined) delete root[alternative];
  return problem;
}

/** Checks the path against the schema alone; returns what is wrong, naming the first unknown key. */
function unknownKey(tokens: readonly string[]): string | undefined {
  let node: SchemaNode = scenarioSchema();
  for (let depth = 0; depth < tokens.length; depth++) {
    const child = childOf(node, tokens[depth] as string);
    if (child === undefined) {
      const here = tokens.slice(0, depth).join('.');
      const key = tokens.slice(0, depth + 1).join('.');
      if (node.type !== 'array' && node.type !== 'object') return `${here} is ${describeAllowed(node)}, so ${key} is not a scenario key`;
      const allowed = node.type === 'array' ? 'an item index' : schemaKeys(node).join(', ');
      return `${key} is not a scenario key (allowed${here === '' ? '' : ` under ${here}`}: ${allowed})`;
    }
    node = child;
  }
  return undefined;
}

function assign(target: Record<string, unknown> | unknown[], token: string, value: unknown): string | undefined {
  if (Array.isArray(target)) {
    const index = Number(token);
    if (index >= target.length) return `index ${index} is past the end (the array has ${target.length} items)`;
    target[index] = value;
  } else {
    target[token] = value;
  }
  return undefined;
}

/** The container at target[token], created when missing; a string (with $PATH) when impossible. */
function descend(target: Record<string, unknown> | unknown[], token: string, child: SchemaNode): Record<string, unknown> | unknown[] | string {
  if (Array.isArray(target)) {
    const index = Number(token);
    if (index >= target.length) return `$PATH: index ${index} is past the end (the array has ${target.length} items)`;
    const item = target[index];
    return isObject(item) || Array.isArray(item) ? item : `$PATH is ${showValue(item)}, not an object`;
  }
  const existing = target[token];
  if (existing === undefined) {
    // An item of a missing array cannot exist; a missing object is created (defaults fill the rest).
    if (child.type === 'array') return '$PATH is not in the scenario, so it has no items to set';
    const created: Record<string, unknown> = {};
    target[token] = created;
    return created;
  }
  if (isObject(existing) || Array.isArray(existing)) return existing;
  return `$PATH is ${showValue(existing)}, not ${child.type === 'array' ? 'an array' : 'an object'}`;
}
