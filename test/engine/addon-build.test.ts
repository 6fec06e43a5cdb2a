import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { addonPath } from '../../engine/native.js';

// scripts/build-addon.mjs builds the addon profile-guided with GCC and falls back to a plain build
// when a step of that fails, so that an install still works. The fallback is silent to the engine's
// users; this test is what notices it.
const gcc = /Free Software Foundation/.test(spawnSync(process.env.CXX ?? 'g++', ['--version'], { encoding: 'utf8' }).stdout ?? '');
const expected = gcc && process.env.LOBSIM_PGO !== '0' ? 'profile-guided' : 'plain';

describe('the addon build', () => {
  it.skipIf(process.env.LOBSIM_ADDON_PATH !== undefined)(`is ${expected} with this compiler`, () => {
    const stamp = path.join(path.dirname(addonPath()), 'lobsim-build.json');
    const { build } = JSON.parse(readFileSync(stamp, 'utf8')) as { build: string };
    expect(build).toBe(expected);
  });
});
