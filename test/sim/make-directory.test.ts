import { existsSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeDirectory, removeMadeDirectories } from '../../sim/result/make-directory.js';

const dir = mkdtempSync(path.join(tmpdir(), 'lobsim-mkdir-'));

describe('makeDirectory', () => {
  it('makes every missing folder of a path, and accepts one that exists; it answers the folders it made', () => {
    const deep = path.join(dir, 'a', 'b', 'c');
    expect(makeDirectory(deep)).toEqual([path.join(dir, 'a'), path.join(dir, 'a', 'b'), deep]);
    expect(statSync(deep).isDirectory()).toBe(true);
    expect(makeDirectory(deep)).toEqual([]);
    makeDirectory(path.join(dir, 'a'));
    expect(statSync(deep).isDirectory()).toBe(true);
  });

  it('removeMadeDirectories takes away what it made while empty, innermost first, and never throws', () => {
    const root = path.join(dir, 'made');
    const made = makeDirectory(path.join(root, 'x', 'y'));
    removeMadeDirectories(made);
    expect(existsSync(root)).toBe(false);
    // A folder something was written into stays, and so do the folders around it.
    const kept = makeDirectory(path.join(root, 'x', 'y'));
    writeFileSync(path.join(root, 'x', 'note'), 'x');
    removeMadeDirectories(kept);
    expect(existsSync(path.join(root, 'x', 'y'))).toBe(false);
    expect(existsSync(path.join(root, 'x', 'note'))).toBe(true);
    removeMadeDirectories(kept);
    removeMadeDirectories([path.join(dir, 'never-made')]);
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
