/**
 * native/core/protocol.hpp and engine/protocol.ts describe the same records and codes; this test
 * parses the header and requires every enum value, slot index and count to agree, in both
 * directions, so the two files cannot drift apart. It also checks the configuration limits of
 * native/core/matching_engine.hpp against engine/options.ts.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BAND_BPS_MAX, DIRECT_LEVELS_MAX_LIMIT, ENGINE_DEFAULTS, INSTRUMENTS_MAX, ORDERS_MAX_LIMIT, SYMBOL_LENGTH_MAX } from '../../engine/options.js';
import {
  Action,
  COMMAND_SLOTS,
  CommandSlot,
  ExecKind,
  ORDER_QUANTITY_MAX,
  OrderType,
  Reason,
  REPORT_SLOTS,
  ReportSlot,
  Side,
  StpMode,
  SYMBOL_ALL,
} from '../../engine/protocol.js';

const read = (file: string): string =>
  readFileSync(new URL(`../../native/core/${file}`, import.meta.url), 'utf8')
    .replace(/\/\/.*$/gm, '')
    .replace(/\/\*[\s\S]*?\*\//g, '');

const protocolHpp = read('protocol.hpp');
const engineHpp = read('matching_engine.hpp');

/**
 * A C++ integer constant expression of the forms the headers use: literals with digit separators,
 * hex and u/l suffixes, `std::int64_t{1}`, parentheses, <<, +, -. Evaluated with BigInt after a
 * whitelist check of the characters.
 */
function cppInteger(text: string): number {
  const expression = text
    .replace(/'/g, '')
    .replace(/std::\w+\{([^}]*)\}/g, '($1)')
    .replace(/\b(0x[0-9a-fA-F]+|\d+)[uUlL]*\b/g, '$1n')
    .trim();
  if (!/^[\s0-9a-fA-Fxn()<+-]+$/.test(expression)) throw new Error(`not an integer constant expression: ${text}`);
  return Number(new Function(`return (${expression});`)() as bigint);
}

/** `enum class Name : type { A = 1, B = 2 };` as { A: 1, B: 2 }. */
function cppEnum(name: string): Record<string, number> {
  const match = new RegExp(`enum\\s+class\\s+${name}\\b[^{]*\\{([^}]*)\\}`).exec(protocolHpp);
  if (!match) throw new Error(`enum class ${name} not found in protocol.hpp`);
  const entries = match[1]!.split(',').map((entry) => entry.trim()).filter((entry) => entry !== '');
  return Object.fromEntries(
    entries.map((entry) => {
      const parts = /^(\w+)\s*=\s*(.+)$/.exec(entry);
      if (!parts) throw new Error(`enum ${name}: entry without an explicit value: ${entry}`);
      return [parts[1]!, cppInteger(parts[2]!)];
    }),
  );
}

/** `namespace name { constexpr int a = 0, b = 1; constexpr int count = 2; }` as { a: 0, b: 1, count: 2 }. */
function cppNamespace(name: string): Record<string, number> {
  const match = new RegExp(`namespace\\s+${name}\\s*\\{([^}]*)\\}`).exec(protocolHpp);
  if (!match) throw new Error(`namespace ${name} not found in protocol.hpp`);
  const fields: Record<string, number> = {};
  for (const [, field, value] of match[1]!.matchAll(/(\w+)\s*=\s*([^,;]+)/g)) fields[field!] = cppInteger(value!);
  return fields;
}

/** `constexpr type kName = value;` */
function cppConstant(source: string, name: string): number {
  const match = new RegExp(`constexpr\\s+[\\w:]+\\s+${name}\\s*=\\s*([^;]+);`).exec(source);
  if (!match) throw new Error(`constant ${name} not found`);
  return cppInteger(match[1]!);
}

/** C++ enumerator (CamelCase) to protocol.ts key (UPPER_SNAKE; the TS side spells Quantity as QTY). */
const upperSnake = (name: string): string =>
  name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase().replace(/^QUANTITY_/, 'QTY_');

/** snake_case slot name to protocol.ts camelCase. */
const camel = (name: string): string => name.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());

function renamed(record: Record<string, number>, rename: (name: string) => string): Record<string, number> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [rename(key), value]));
}

describe('protocol.hpp and protocol.ts agree', () => {
  const enums: [string, Record<string, number>][] = [
    ['Action', Action],
    ['Side', Side],
    ['OrderType', OrderType],
    ['ExecKind', ExecKind],
    ['Reason', Reason],
    ['StpMode', StpMode],
  ];
  it.each(enums)('enum %s: same names and values', (name, mirror) => {
    expect(renamed(cppEnum(name), upperSnake)).toEqual({ ...mirror });
  });

  it.each([
    ['kActionMax', Action],
    ['kOrderTypeMax', OrderType],
    ['kReasonMax', Reason],
  ] as const)('%s is the largest value of its enum', (constant, mirror) => {
    expect(cppConstant(protocolHpp, constant)).toBe(Math.max(...Object.values(mirror)));
  });

  it('command slots and count', () => {
    const { count, ...slots } = cppNamespace('command_slot');
    expect(renamed(slots, camel)).toEqual({ ...CommandSlot });
    expect(count).toBe(COMMAND_SLOTS);
  });

  it('report slots and count', () => {
    const { count, ...slots } = cppNamespace('report_slot');
    expect(renamed(slots, camel)).toEqual({ ...ReportSlot });
    expect(count).toBe(REPORT_SLOTS);
  });

  it('slots are 0 .. count - 1 with no gap or repeat', () => {
    expect(Object.values(CommandSlot).sort((a, b) => a - b)).toEqual([...Array(COMMAND_SLOTS).keys()]);
    expect(Object.values(ReportSlot).sort((a, b) => a - b)).toEqual([...Array(REPORT_SLOTS).keys()]);
  });

  it('constants', () => {
    expect(cppConstant(protocolHpp, 'kOrderQuantityMax')).toBe(ORDER_QUANTITY_MAX);
    // The record carries -1; the core's 32-bit symbol index reads it as 0xFFFFFFFF.
    expect(cppConstant(protocolHpp, 'kSymbolAll')).toBe(SYMBOL_ALL >>> 0);
    expect(cppConstant(protocolHpp, 'kSafeIntegerMax')).toBe(Number.MAX_SAFE_INTEGER);
  });
});

describe('matching_engine.hpp limits and options.ts agree', () => {
  it.each([
    ['kInstrumentsMax', INSTRUMENTS_MAX],
    ['kSymbolLengthMax', SYMBOL_LENGTH_MAX],
    ['kBandBpsMax', BAND_BPS_MAX],
    ['kOrdersMaxLimit', ORDERS_MAX_LIMIT],
    ['kOrdersMaxDefault', ENGINE_DEFAULTS.ordersMax],
    ['kDirectLevelsMaxLimit', DIRECT_LEVELS_MAX_LIMIT],
    ['kDirectLevelsMaxDefault', ENGINE_DEFAULTS.directLevelsMax],
  ] as const)('%s', (constant, value) => {
    expect(cppConstant(engineHpp, constant)).toBe(value);
  });
});
