// Builds the Node-API addon with node-gyp, offline. node-gyp downloads Node's headers unless it is
// told where they are, and a clean shell has no `nodedir`: point it at the running Node's prefix
// when that prefix holds the headers, otherwise let node-gyp do its default.
//
// With GCC the build is profile-guided (binding.gyp's lobsim_pgo): an instrumented training program
// (native/pgo/train.cpp, a seeded mix of every command kind) runs the core once, and the addon's
// core is compiled with the branch and call counts it wrote, so the compiler lays the matching paths
// out for the flow they see. bench:book measured the core 5% faster so built. Any failure in those
// steps falls back to a plain build, and LOBSIM_PGO=0 asks for one; build/Release/lobsim-build.json
// says which one was made. GCC 12 prints "Missing counts for called function" for small helpers
// the training build inlined away: harmless.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const RELEASE = path.join(ROOT, 'build', 'Release');
const prefix = path.resolve(path.dirname(process.execPath), '..');
const debug = process.env.LOBSIM_DEBUG_ADDON === '1';
const common = [];
if (existsSync(path.join(prefix, 'include', 'node', 'node_api.h'))) common.push(`--nodedir=${prefix}`);
if (debug) common.push('--debug');

let gyp;
try {
  gyp = require.resolve('node-gyp/bin/node-gyp.js');
} catch {
  // npm bundles node-gyp; find it beside the running npm.
  const npmDir = path.resolve(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm');
  gyp = path.join(npmDir, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
}

function run(command, args) {
  const result = spawnSync(command, args, { cwd: ROOT, stdio: 'inherit' });
  return result.status === 0;
}
const nodeGyp = (...args) => run(process.execPath, [gyp, ...args]);

function usesGcc() {
  const result = spawnSync(process.env.CXX ?? 'g++', ['--version'], { encoding: 'utf8' });
  return result.status === 0 && /Free Software Foundation/.test(result.stdout) && !/clang/i.test(result.stdout);
}

// The three steps of the profile-guided build; false at the first that fails.
function buildProfileGuided() {
  const trainObjects = path.join(RELEASE, 'obj.target', 'lobsim_pgo_train', 'native', 'core');
  const addonObjects = path.join(RELEASE, 'obj.target', 'lobsim', 'native', 'core');
  if (!nodeGyp('clean') || !nodeGyp('configure', ...common, '--lobsim_pgo=generate') || !nodeGyp('build', '-j', 'max')) return false;
  console.error('lobsim: training the profile-guided build (native/pgo/train.cpp)');
  if (!run(path.join(RELEASE, 'lobsim_pgo_train'), [])) return false;
  const profiles = readdirSync(trainObjects).filter((file) => file.endsWith('.gcda'));
  if (!profiles.some((file) => file === 'matching_engine.gcda')) return false;
  if (!nodeGyp('configure', ...common, '--lobsim_pgo=use')) return false;
  // GCC reads an object's profile beside it: the core's objects have the training objects' names.
  mkdirSync(addonObjects, { recursive: true });
  for (const file of profiles) copyFileSync(path.join(trainObjects, file), path.join(addonObjects, file));
  return nodeGyp('build', '-j', 'max');
}

let kind = 'plain';
if (process.env.LOBSIM_PGO !== '0' && !debug && usesGcc()) {
  if (buildProfileGuided()) {
    kind = 'profile-guided';
  } else {
    console.error('lobsim: the profile-guided build failed (see above); building the addon without a profile.');
  }
}
if (kind === 'plain' && !nodeGyp('rebuild', ...common, '-j', 'max')) {
  console.error('lobsim: building the native addon failed; see the compiler output above.');
  process.exit(1);
}
writeFileSync(path.join(ROOT, 'build', debug ? 'Debug' : 'Release', 'lobsim-build.json'), `${JSON.stringify({ build: kind })}\n`);
console.error(`lobsim: built the addon (${kind})`);
