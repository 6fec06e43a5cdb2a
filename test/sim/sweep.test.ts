import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runSweep } from '../../sim/sweep/sweep.js';

/** A seed's command that exits with `code` and writes no result, as a crashed `lobsim run` does. */
const dying = (code: number) => () => ({ command: process.execPath, args: ['-e', `process.exit(${code})`] });

describe('sweep', () => {
  it('counts a seed that exits 1 without a result as broken, not as a failed check', async () => {
    const outDir = mkdtempSync(path.join(tmpdir(), 'lobsim-sweep-'));
    await expect(runSweep({ seeds: [1], parallel: 1, outDir, commandFor: dying(1) })).rejects.toThrow(/no seed produced a result; seed 1/);
  });

  it('does not read a result an earlier sweep left in the folder', async () => {
    const outDir = mkdtempSync(path.join(tmpdir(), 'lobsim-sweep-'));
    const stale = path.join(outDir, 'seed-1', 'result.json');
    mkdirSync(path.dirname(stale), { recursive: true });
    writeFileSync(stale, '{"stale": true}\n');
    writeFileSync(path.join(outDir, 'summary.json'), '{"stale": true}\n');
    const seen: (boolean | null)[] = [];
    await expect(
      runSweep({ seeds: [1], parallel: 1, outDir, commandFor: dying(1), onSeedDone: (_seed, passed) => seen.push(passed) }),
    ).rejects.toThrow(/no seed produced a result/);
    expect(existsSync(stale)).toBe(false);
    expect(existsSync(path.join(outDir, 'summary.json'))).toBe(false);
    expect(seen).toEqual([null]);
  });
});
