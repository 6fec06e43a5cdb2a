import { existsSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeDirectory } from '../../sim/result/make-directory.js';

const dir = mkdtempSync(path.join(tmpdir(), 'lobsim-mkdir-'));

describe('makeDirectory', () => {
  it('makes every missing folder of a path, and accepts one that exists', () => {
    const deep = path.join(dir, 'a', 'b', 'c');
    makeDirectory(deep);
    expect(statSync(deep).isDirectory()).toBe(true);
    makeDirectory(deep);
    makeDirectory(path.join(dir, 'a'));
    expect(statSync(deep).isDirectory()).toBe(true);
  });

  it('refuses an empty path instead of taking it for the current folder', () => {
    expect(() => makeDirectory('')).toThrow(expect.objectContaining({ code: 'ENOENT', syscall: 'mkdir' }));
  });

  it('refuses a file in the folder\'s place or in its path with the system\'s code', () => {
    const file = path.join(dir, 'a-file');
    writeFileSync(file, 'x');
    expect(() => makeDirectory(file)).toThrow(expect.objectContaining({ code: 'EEXIST', syscall: 'mkdir' }));
    expect(() => makeDirectory(path.join(file, 'below', 'deeper'))).toThrow(expect.objectContaining({ code: 'ENOTDIR', syscall: 'mkdir' }));
    expect(existsSync(path.join(file, 'below'))).toBe(false);
  });

  // node's recursive mkdirSync loops forever on this path; the test would time out.
  it.runIf(existsSync('/proc/self'))('returns ENOENT for a folder under /proc instead of spinning', () => {
    expect(() => makeDirectory('/proc/lobsim-out/run')).toThrow(expect.objectContaining({ code: 'ENOENT', syscall: 'mkdir' }));
  });
});
