import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';

const dir = mkdtempSync(path.join(tmpdir(), 'lobsim-gate-run-'));
// The facts (hashes, counts) decide here; the performance verdicts are not this test's subject.
const LOOSE = ['--latency-tolerance', '900', '--throughput-tolerance', '900', '--cost-tolerance', '900'];

describe('lobsim gate --run', () => {
  it('writes --html inside the --out folder it makes, as the README\'s CI step does, and removes its scratch folder without --out', () => {
    const baseline = path.join(dir, 'baseline');
    expect(runCli(['baseline', 'smoke', '--seeds', '1..2', '--duration', '500ms', '--out', baseline]).status).toBe(0);

    const out = path.join(dir, 'gate-out');
    const kept = runCli(['gate', '--baseline', baseline, '--run', 'smoke', ...LOOSE, '--out', out, '--html', path.join(out, 'gate.html')]);
    expect(kept.stderr).not.toContain('lobsim:');
    expect(kept.status).toBe(0);
    expect(kept.stdout).toContain('GATE PASS');
    expect(readdirSync(out).sort()).toEqual(['attempt-1', 'gate.html']);

    const scratch = runCli(['gate', '--baseline', baseline, '--run', 'smoke', ...LOOSE]);
    expect(scratch.status).toBe(0);
    const folder = /into (\S+)\n/.exec(scratch.stderr)?.[1];
    expect(folder).toBeDefined();
    expect(existsSync(path.dirname(folder!))).toBe(false);
  }, 120_000);
});
