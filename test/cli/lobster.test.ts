import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../support/run-cli.js';

const FIXTURE = path.join(ROOT, 'test', 'fixtures', 'lobster');
const MESSAGE = path.join(FIXTURE, 'TEST_2012-06-21_34200000_57600000_message_2.csv');
const BOOK = path.join(FIXTURE, 'TEST_2012-06-21_34200000_57600000_orderbook_2.csv');

describe('lobsim lobster', () => {
  it('replays a message file with its sibling order-book file and passes', () => {
    const result = runCli(['lobster', MESSAGE, '--json']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary).toMatchObject({ engine: 'native', symbol: 'TEST', levels: 2, messages: 10, mismatchedLevels: 0, revealedLevels: 3 });
    expect(summary.reportDigest).toMatch(/^[0-9a-f]{16}$/);
  });

  it('gives the same report digest through the reference book, in the readable summary', () => {
    const native = JSON.parse(runCli(['lobster', MESSAGE, BOOK, '--json']).stdout);
    const result = runCli(['lobster', MESSAGE, '--engine', 'reference']);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('TEST, 2 levels a side, reference engine: 10 messages');
    expect(result.stdout).toContain('book check       29 levels compared in 9 rows: 0 mismatched');
    expect(result.stdout).toContain(`report digest    ${native.reportDigest}`);
    expect(result.stdout).toContain("PASS: the replayed book equals LOBSTER's at every price inside the window");
  });

  it('exits 1 and shows the first mismatch when the book differs inside the window', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lobsim-lobster-'));
    const message = path.join(dir, path.basename(MESSAGE));
    copyFileSync(MESSAGE, message);
    const rows = readFileSync(BOOK, 'utf8').split('\n');
    rows[2] = '1010000,20,1000000,70,1020000,30,990000,50';
    writeFileSync(path.join(dir, path.basename(BOOK)), rows.join('\n'));
    const result = runCli(['lobster', message]);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('  row 3: bid 1000000: LOBSTER 70, engine 60');
    expect(result.stdout).toContain('FAIL:');
  });

  it('stops at a malformed line with exit 2, naming the file, line and field', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lobsim-lobster-'));
    const message = path.join(dir, path.basename(MESSAGE));
    const lines = readFileSync(MESSAGE, 'utf8').split('\n');
    lines[3] = '34200.400000000,2,2,5,1010000,2';
    writeFileSync(message, lines.join('\n'));
    copyFileSync(BOOK, path.join(dir, path.basename(BOOK)));
    const result = runCli(['lobster', message]);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(`lobsim: ${message}:4: direction: must be an integer in [-1, 1], got 2\n`);
  });

  it('says how to name the order-book file when it cannot find it', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lobsim-lobster-'));
    const odd = path.join(dir, 'flow.csv');
    copyFileSync(MESSAGE, odd);
    let result = runCli(['lobster', odd]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('flow.csv: not a LOBSTER zip or message file name');
    result = runCli(['lobster', path.join(dir, 'missing.zip')]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('missing.zip: cannot read (ENOENT)');
    result = runCli(['lobster', MESSAGE, '--engine', 'fast']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('Choices: "native", "reference"');
  });
});
