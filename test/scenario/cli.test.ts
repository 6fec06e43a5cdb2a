import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';

describe('lobsim list and validate', () => {
  it('list prints every shipped scenario with mode, clients x rate and duration', () => {
    const result = runCli(['list']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^NAME +MODE +CLIENTS x RATE +DURATION +DESCRIPTION$/);
    expect(lines.find((line) => line.startsWith('baseline'))).toMatch(/^baseline +deterministic +100 x 100\/s +1 min +The seed's section 7 example/);
    expect(lines.find((line) => line.startsWith('smoke'))).toMatch(/^smoke +deterministic +20 x 50\/s +5 s +/);
    expect(lines.find((line) => line.startsWith('spike'))).toMatch(/^spike +deterministic +50 x 20\/s \(\+3 spikes\) +30 s +/);
  });

  it('list --json prints one array', () => {
    const result = runCli(['list', '--json']);
    expect(result.status).toBe(0);
    const rows = JSON.parse(result.stdout) as { name: string; clients: number; ratePerSecond: number; durationMs: number }[];
    expect(rows.find((row) => row.name === 'smoke')).toMatchObject({ mode: 'deterministic', clients: 20, ratePerSecond: 50, durationMs: 5000, instruments: 2 });
  });

  it('validate prints OK and a summary, with overrides applied', () => {
    const result = runCli(['validate', 'smoke', '--set', 'clients.count=10', '--set', 'thresholds=["ack.p99 <= 100us"]']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toBe('OK smoke: deterministic, 10 x 50/s, 2 instruments, 5 s, seed 1, 1 threshold\n');
  });

  it('validate lists every error and exits 2', () => {
    const result = runCli(['validate', 'smoke', '--set', 'clients.count=0', '--set', 'clients.colour=3', '--set', 'thresholds=["ack.p99 < 5"]']);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      [
        'smoke.json: --set clients.colour=3: clients.colour is not a scenario key (allowed under clients: count, ratePerSecond, spikes, sizes, prices, buyProbability, types, cancelFractionPerMinute)',
        'smoke.json: clients.count: 0 is not allowed (must be >= 1)',
        'smoke.json: thresholds[0]: "ack.p99 < 5": unit "" is not allowed (ack.p99 needs one of ns, us, ms, s)',
        '',
      ].join('\n'),
    );
  });

  it('validate names a bad file and an unknown scenario, exit 2', () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'lobsim-validate-')), 'bad.json');
    writeFileSync(file, '{\n  "name": "bad",\n  "durationMs": 10,\n}\n');
    const bad = runCli(['validate', file]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: invalid JSON at line 4, column 1: unexpected "}"`));
    const unknown = runCli(['validate', 'nosuch']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toBe("nosuch: no such scenario (names: baseline, large-liquidation, smoke, spike; a file path needs a '/' or .json)\n");
  });

  it('validate without a scenario is a usage error, exit 2', () => {
    const result = runCli(['validate']);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/Not enough non-option arguments/);
  });
});
