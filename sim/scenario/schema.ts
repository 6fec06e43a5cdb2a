/**
 * The scenario file schema (scenarios/scenario.schema.json): locating it, compiling it once with
 * ajv (draft 2020-12, all errors, defaults filled from the schema's `default` keywords), and walking
 * it by path (for `--set` overrides and for messages about missing keys).
 *
 * The schema is the one definition of the file format and its defaults; the order-flow generators
 * keep their own defaults and ranges, and test/scenario/schema-agreement.test.ts checks they agree.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';

export type SchemaNode = Record<string, unknown>;

export const SCHEMA_FILE_NAME = 'scenario.schema.json';

/**
 * The scenarios/ folder of this package: the nearest ancestor of this module holding
 * scenarios/scenario.schema.json (sim/scenario/ from source, dist/sim/scenario/ when compiled).
 */
export function packageScenariosDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = path.join(dir, 'scenarios');
    if (existsSync(path.join(candidate, SCHEMA_FILE_NAME))) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`scenarios/${SCHEMA_FILE_NAME} not found above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

let cachedSchema: SchemaNode | undefined;
let cachedValidate: ValidateFunction | undefined;

export function scenarioSchema(): SchemaNode {
  cachedSchema ??= JSON.parse(readFileSync(path.join(packageScenariosDir(), SCHEMA_FILE_NAME), 'utf8')) as SchemaNode;
  return cachedSchema;
}

/** The compiled validator; it fills missing keys with the schema's defaults in place. */
export function scenarioValidator(): ValidateFunction {
  if (cachedValidate === undefined) {
    const ajv = new Ajv2020({ allErrors: true, verbose: true, useDefaults: true, strict: true });
    cachedValidate = ajv.compile(withInlineProperties(scenarioSchema()));
  }
  return cachedValidate;
}

/**
 * A copy of the schema whose definitions hold their properties' `$ref`s resolved. ajv calls a
 * definition that itself has a `$ref` as a separate function and, with allErrors, merges its errors
 * with `vErrors.concat(...)`: once per array item, quadratic in the errors. 8,192 instruments each
 * missing its fields took 8 s to validate, 65,536 (the limit) would have taken minutes; inlined,
 * 0.14 s and 0.9 s. The file keeps its shared definitions; only the compiled copy is flattened.
 */
function withInlineProperties(schema: SchemaNode): SchemaNode {
  const copy = structuredClone(schema);
  for (const definition of Object.values((copy.$defs as Record<string, SchemaNode> | undefined) ?? {})) {
    const properties = definition.properties as Record<string, SchemaNode> | undefined;
    if (properties === undefined) continue;
    for (const [key, property] of Object.entries(properties)) properties[key] = resolveRef(property);
  }
  return copy;
}

/** Follows `$ref: "#/$defs/x"` (the only references the schema uses), keeping sibling keywords. */
export function resolveRef(node: SchemaNode): SchemaNode {
  const ref = node.$ref;
  if (typeof ref !== 'string') return node;
  const name = ref.replace(/^#\/\$defs\//, '');
  const defs = scenarioSchema().$defs as Record<string, SchemaNode>;
  const target = defs[name];
  if (target === undefined) throw new Error(`scenario schema: unresolved $ref ${ref}`);
  const { $ref: _ref, ...siblings } = node;
  return { ...resolveRef(target), ...siblings };
}

/** `instruments[2].symbol` -> ['instruments', '2', 'symbol']. */
export function pathTokens(dotted: string): string[] {
  return dotted.replace(/\[(\d+)\]/g, '.$1').split('.');
}

/** The keys an object node allows, in schema order. */
export function schemaKeys(node: SchemaNode): string[] {
  return Object.keys((node.properties as Record<string, unknown> | undefined) ?? {});
}

/** The child of an object node (by key) or an array node (any index), or undefined. */
export function schemaChild(node: SchemaNode, token: string): SchemaNode | undefined {
  if (node.type === 'array') {
    return /^(0|[1-9][0-9]*)$/.test(token) ? resolveRef(node.items as SchemaNode) : undefined;
  }
  const properties = node.properties as Record<string, SchemaNode> | undefined;
  const child = properties !== undefined && Object.hasOwn(properties, token) ? properties[token] : undefined;
  return child === undefined ? undefined : resolveRef(child);
}

/** The schema node at a path such as `clients.prices.sigmaFraction`, or undefined. */
export function schemaAt(dotted: string): SchemaNode | undefined {
  let node: SchemaNode | undefined = scenarioSchema();
  for (const token of dotted === '' ? [] : pathTokens(dotted)) {
    node = node === undefined ? undefined : schemaChild(node, token);
  }
  return node;
}
