import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { addonPath } from '../../engine/native.js';

// scripts/build-addon.mjs builds the addon profile-guided with GCC and falls back to a plain build
// when a step of that fails, so that an install still works. The fallback is silent to the engine's
// users; this test is what notices it. The stamp says why a build is plain: switched off
// (LOBSIM_PGO=0, a debug build, another compiler) is fine, "failed" is not.
describe('the addon build', () => {
  it.skipIf(process.env.LOBSIM_ADDON_PATH !== undefined)('is profile-guided unless that was switched off', () => {
    const stamp = path.join(path.dirname(addonPath()), 'lobsim-build.json');
    const { build, profile } = JSON.parse(readFileSync(stamp, 'utf8')) as { build: string; profile: string };
    expect(profile).not.toBe('failed');
    expect(build).toBe(profile === 'used' ? 'profile-guided' : 'plain');
  });
});
