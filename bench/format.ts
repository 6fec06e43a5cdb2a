/**
 * Output helpers for the benchmarks: plain aligned text tables (readable in a CI log, no colour
 * codes) and number formats. JSON output is one object on one line so a script can parse stdout.
 */

/** A table with a header row; the first column is left-aligned, the others right-aligned. */
export function alignedTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    widths
      .map((width, column) => {
        const cell = cells[column] ?? '';
        return column === 0 ? cell.padEnd(width) : cell.padStart(width);
      })
      .join('  ')
      .trimEnd();
  const rule = widths.map((width) => '-'.repeat(width)).join('  ');
  return [line(header), rule, ...rows.map(line)].join('\n');
}

/** An integer with thousands separators: 12,345,678. */
export const formatCount = (value: number): string => Math.round(value).toLocaleString('en-US');

/** A ratio as a multiplier with two decimals: 3.14x. */
export const formatRatio = (value: number): string => `${value.toFixed(2)}x`;

/** Rounds every non-integer number to `digits` decimals so the JSON stays readable. */
export function toJsonLine(object: Record<string, unknown>, digits = 3): string {
  return JSON.stringify(object, (_key, value: unknown) =>
    typeof value === 'number' && !Number.isInteger(value) ? Number(value.toFixed(digits)) : value,
  );
}
