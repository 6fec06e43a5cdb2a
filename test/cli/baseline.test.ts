import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { checkReplaceable } from '../../cli/baseline-command.js';
import { ROOT, runCli } from '../support/run-cli.js';

const BASELINE_DIR = path.join(ROOT, 'reports', 'baselines', 'smoke');

/** A copy of the committed smoke baseline, and its baseline.json as text. */
function baselineCopy(): { dir: string; meta: string } {
  const dir = path.join(mkdtempSync(path.join(tmpdir(), 'lobsim-baseline-')), 'smoke');
  cpSync(BASELINE_DIR, dir, { recursive: true });
  return { dir, meta: readFileSync(path.join(dir, 'baseline.json'), 'utf8') };
}

describe('lobsim baseline', () => {
  it('checks everything the sweep would refuse before it touches the old baseline', () => {
    const { dir, meta } = baselineCopy();
    const cases: [string[], RegExp][] = [
      [['nosuch'], /^lobsim: nosuch: no such scenario/],
      [['smoke', '--set', 'clients.count=0'], /^lobsim: .*clients\.count: 0 is not allowed/],
      [['smoke', '--parallel', '1000'], /^lobsim: --parallel: must be an integer in \[1, 256\], got 1000\n$/],
      [['smoke', '--seeds', '1,1'], /^lobsim: --seeds: seed 1 is listed twice/],
    ];
    for (const [args, message] of cases) {
      const cli = runCli(['baseline', ...args, '--out', dir]);
      expect(cli.status, args.join(' ')).toBe(2);
      expect(cli.stderr, args.join(' ')).toMatch(message);
      expect(readFileSync(path.join(dir, 'baseline.json'), 'utf8'), args.join(' ')).toBe(meta);
    }
  });

  it('refuses to replace a folder it did not make, or the current one', () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'lobsim-thesis-'));
    writeFileSync(path.join(folder, 'thesis.txt'), 'years of work\n');
    const other = runCli(['baseline', 'smoke', '--out', folder]);
    expect(other.status).toBe(2);
    expect(other.stderr).toBe(`lobsim: --out: ${folder} is a folder that holds neither baseline.json nor summary.json; a baseline replaces its folder, so name a new one or an existing baseline\n`);
    expect(readdirSync(folder)).toEqual(['thesis.txt']);
    // Checked without a run: a regression here must not get as far as emptying a real folder.
    const nested = path.join(folder, 'below');
    mkdirSync(nested);
    for (const out of ['.', '..', folder, `${nested}/`]) {
      expect(() => checkReplaceable(out, nested), out).toThrow(`--out: ${out} is the current folder or holds it; a baseline replaces its folder, so name one below it`);
    }
    expect(() => checkReplaceable('new', nested)).not.toThrow();
    symlinkSync(nested, path.join(folder, 'link'));
    expect(() => checkReplaceable(path.join('..', 'link'), nested)).toThrow('--out: ../link is a symbolic link; name the folder itself');
    expect(() => checkReplaceable(path.join('..', 'thesis.txt'), nested)).toThrow('--out: ../thesis.txt is a file, not a folder');
  });

  it('leaves the old baseline as it was when a refresh is killed, and the next refresh clears what that left', async () => {
    const { dir, meta } = baselineCopy();
    const before = readdirSync(dir).sort();
    const staging = path.join(path.dirname(dir), '.smoke.baseline-partial');
    // Its own process group, so that the kill reaches the sweep and the seed runs under it too.
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'cli', 'main.ts'), 'baseline', 'smoke', '--seeds', '1..2', '--duration', '60s', '--out', dir], { cwd: ROOT, detached: true, stdio: 'ignore' });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    for (let waitedMs = 0; !existsSync(path.join(staging, 'seed-1')) && waitedMs < 30_000; waitedMs += 100) await sleep(100);
    expect(existsSync(staging)).toBe(true);
    process.kill(-child.pid!, 'SIGKILL');
    await exited;
    expect(readFileSync(path.join(dir, 'baseline.json'), 'utf8')).toBe(meta);
    expect(readdirSync(dir).sort()).toEqual(before);

    const cli = runCli(['baseline', 'smoke', '--seeds', '1..2', '--duration', '500ms', '--out', dir]);
    expect(cli.stderr).toBe('');
    expect(cli.status).toBe(0);
    const written = JSON.parse(readFileSync(path.join(dir, 'baseline.json'), 'utf8'));
    expect(written).toMatchObject({ scenario: 'smoke', seeds: [1, 2], gate: JSON.parse(meta).gate });
    expect(readdirSync(dir).sort()).toEqual(['baseline.json', 'calibration.json', 'seed-1', 'seed-2', 'summary.json']);
    expect(readdirSync(path.dirname(dir))).toEqual(['smoke']);
  }, 60_000);
});
