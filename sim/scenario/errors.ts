/**
 * Scenario errors: every problem in a scenario file becomes one issue naming the JSON path, the
 * value and what is allowed, e.g. `smoke.json: clients.count: 0 is not allowed (must be >= 1)`.
 * The loader collects all issues before it throws, so a user fixes a file in one pass.
 *
 * Paths use the engine's notation (`instruments[3].lotSize`); an issue about the whole file (it
 * cannot be read, it is not JSON) has the empty path.
 */
import type { ErrorObject } from 'ajv';
import { LobsimError } from '../../engine/errors.js';

export interface ScenarioIssue {
  /** JSON path in the file, `clients.prices.sigmaFraction`, `instruments[2].symbol`; '' for the file. */
  path: string;
  /** What is wrong and what is allowed. */
  message: string;
  /** Who gave the value when not the file: a flag such as `--seed`. */
  source?: string;
  /** Other fields whose values the issue depends on (a limit on their product): a flag that set one is named too. */
  fields?: readonly string[];
}

/** Issues printed at most; the rest are counted (`... and 399,900 more`). */
export const ISSUES_SHOWN_MAX = 100;

/** One line per issue, the first ISSUES_SHOWN_MAX of them, then how many more there are. */
export function issueLines(source: string, issues: readonly ScenarioIssue[]): string[] {
  const lines = issues.slice(0, ISSUES_SHOWN_MAX).map((issue) => formatIssue(source, issue));
  const more = issues.length - ISSUES_SHOWN_MAX;
  if (more > 0) lines.push(`${source}: ... and ${more.toLocaleString('en-US')} more problem${more === 1 ? '' : 's'} (${issues.length.toLocaleString('en-US')} in all; the first ${ISSUES_SHOWN_MAX} are shown)`);
  return lines;
}

/** A scenario that cannot be loaded; `issues` lists every problem found, in file order. */
export class ScenarioError extends LobsimError {
  /** The file as the user named it (`smoke.json`, `./my/file.json`). */
  readonly source: string;
  readonly issues: readonly ScenarioIssue[];

  constructor(source: string, issues: readonly ScenarioIssue[]) {
    super('LOBSIM_ERR_SCENARIO', issueLines(source, issues).join('\n'));
    this.name = 'ScenarioError';
    this.source = source;
    this.issues = Object.freeze(issues.slice());
  }

  /** One line per issue, each starting with the source (at most ISSUES_SHOWN_MAX, then a count). */
  get lines(): string[] {
    return issueLines(this.source, this.issues);
  }
}

export function formatIssue(source: string, issue: ScenarioIssue): string {
  const from = issue.source ?? source;
  return issue.path === '' ? `${from}: ${issue.message}` : `${from}: ${issue.path}: ${issue.message}`;
}

/** A value as an error message shows it: strings quoted, containers summarized. */
export function showValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `an array of ${value.length} item${value.length === 1 ? '' : 's'}`;
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  return String(value);
}

/** `/instruments/3/lotSize` -> `instruments[3].lotSize`. */
export function pointerToPath(pointer: string): string {
  if (pointer === '') return '';
  return pointer
    .slice(1)
    .split('/')
    .map((token) => token.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((path, token) => (/^(0|[1-9][0-9]*)$/.test(token) ? `${path}[${token}]` : path === '' ? token : `${path}.${token}`), '');
}

export function joinPath(parent: string, key: string): string {
  return parent === '' ? key : `${parent}.${key}`;
}

const TYPE_NAMES: Record<string, string> = {
  integer: 'an integer',
  number: 'a number',
  string: 'a string',
  boolean: 'true or false',
  object: 'an object',
  array: 'an array',
  null: 'null',
};

/** What a schema node allows, in words: `an integer in [1, 86400000]`, `one of "off", "cancel-incoming"`. */
export function describeAllowed(schema: Record<string, unknown> | undefined): string {
  if (schema === undefined) return 'a value';
  if (Array.isArray(schema.enum)) return `one of ${schema.enum.map(showValue).join(', ')}`;
  const type = typeof schema.type === 'string' ? schema.type : undefined;
  const name = type === undefined ? 'a value' : (TYPE_NAMES[type] ?? type);
  if (type !== 'integer' && type !== 'number') return name;
  const exclusive = typeof schema.exclusiveMinimum === 'number';
  const low = exclusive ? schema.exclusiveMinimum : schema.minimum;
  const high = schema.maximum;
  const hasLow = typeof low === 'number';
  const hasHigh = typeof high === 'number';
  if (hasLow && hasHigh) return `${name} in ${exclusive ? '(' : '['}${low}, ${high}]`;
  if (hasLow) return `${name} ${exclusive ? '>' : '>='} ${low}`;
  if (hasHigh) return `${name} <= ${high}`;
  return name;
}

/**
 * One ajv error as an issue. `schemaAt` gives the schema node at a JSON pointer of the instance
 * (for `required`, to say what the missing key would allow).
 */
export function issueFromAjv(error: ErrorObject, schemaAt: (path: string) => Record<string, unknown> | undefined): ScenarioIssue {
  const path = pointerToPath(error.instancePath);
  const value: unknown = error.data;
  const params = error.params as Record<string, unknown>;
  const notAllowed = (allowed: string): ScenarioIssue => ({ path, message: `${showValue(value)} is not allowed (${allowed})` });
  switch (error.keyword) {
    case 'required': {
      const key = String(params.missingProperty);
      const keyPath = joinPath(path, key);
      return { path: keyPath, message: `missing (required: ${describeAllowed(schemaAt(keyPath))})` };
    }
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const allowed = Object.keys((error.parentSchema?.properties as Record<string, unknown> | undefined) ?? {});
      return { path: joinPath(path, key), message: `unknown key is not allowed (allowed: ${allowed.join(', ')})` };
    }
    case 'type': {
      // The node's whole rule (its range too), so that one message says everything a fix needs.
      const node = error.parentSchema as Record<string, unknown> | undefined;
      const rule = node?.type === params.type ? describeAllowed(node) : (TYPE_NAMES[String(params.type)] ?? String(params.type));
      return notAllowed(`must be ${rule}`);
    }
    case 'enum':
      return notAllowed(`must be one of ${(params.allowedValues as unknown[]).map(showValue).join(', ')}`);
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return notAllowed(`must be ${String(params.comparison)} ${String(params.limit)}`);
    case 'minLength':
      return notAllowed(`must have at least ${String(params.limit)} character${params.limit === 1 ? '' : 's'}`);
    case 'maxLength':
      return notAllowed(`must have at most ${String(params.limit)} characters`);
    case 'minItems':
      return notAllowed(`must have at least ${String(params.limit)} item${params.limit === 1 ? '' : 's'}`);
    case 'maxItems':
      return notAllowed(`must have at most ${String(params.limit)} items`);
    case 'pattern':
      return notAllowed(`must match ${String(params.pattern)}`);
    default:
      return notAllowed(error.message ?? error.keyword);
  }
}
