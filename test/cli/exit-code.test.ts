import { describe, expect, it } from 'vitest';
import { EXIT_INTERNAL, EXIT_USAGE, failureOf } from '../../cli/exit-code.js';
import { ConfigError, InvariantError, LobsimError } from '../../engine/errors.js';

describe('CLI exit codes', () => {
  it('exit 2 without a stack trace for what the user gave: coded errors and unusable paths', () => {
    const fsError = Object.assign(new Error("ENOTDIR: not a directory, mkdir 'f/x'"), { code: 'ENOTDIR', syscall: 'mkdir' });
    for (const error of [new LobsimError('LOBSIM_ERR_USAGE', '--x: bad'), new ConfigError('tickSize: bad'), fsError]) {
      expect(failureOf(error)).toEqual({ exitCode: EXIT_USAGE, message: `lobsim: ${error.message}\n` });
    }
  });

  it("exit 2 for node's own file-system SystemError (rmSync on a folder), its message naming the path", async () => {
    const { mkdtempSync, mkdirSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const path = await import('node:path');
    const folder = path.join(mkdtempSync(path.join(tmpdir(), 'lobsim-eisdir-')), 'summary.json');
    mkdirSync(folder);
    let error: unknown;
    try {
      rmSync(folder, { force: true });
    } catch (caught) {
      error = caught;
    }
    expect((error as NodeJS.ErrnoException).code).toBe('ERR_FS_EISDIR');
    const failure = failureOf(error);
    expect(failure.exitCode).toBe(EXIT_USAGE);
    expect(failure.message).toContain(folder);
  });

  it('exit 3 with the stack for a bug: an uncoded error, a broken invariant, a call on a closed engine', () => {
    // Not node's exit 1 for an uncaught exception, which sweep and gate would read as a failed check.
    expect(EXIT_INTERNAL).toBe(3);
    for (const error of [new TypeError("Cannot read properties of undefined (reading 'trim')"), new InvariantError('ledger out of step'), new LobsimError('LOBSIM_ERR_CLOSED', 'engine closed')]) {
      const failure = failureOf(error);
      expect(failure.exitCode).toBe(EXIT_INTERNAL);
      expect(failure.message).toContain('lobsim: internal error, a bug in lobsim');
      expect(failure.message).toContain(error.stack!);
    }
    expect(failureOf('thrown text').message).toContain('thrown text');
  });
});
