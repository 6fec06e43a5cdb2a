// Builds the Node-API addon with node-gyp, offline. node-gyp downloads Node's headers unless it is
// told where they are, and a clean shell has no `nodedir`: point it at the running Node's prefix
// when that prefix holds the headers, otherwise let node-gyp do its default.
//
// With GCC the build is profile-guided (binding.gyp's lobsim_pgo): an instrumented training program
// (native/pgo/train.cpp, a seeded mix of every command kind) runs the core once, and the addon's
// core is compiled with the branch and call counts it wrote, so the compiler lays the matching paths
// out for the flow they see. A training run whose books fail validate() stops the build: that core
// is broken. Any other failure in those steps falls back to a plain build, and LOBSIM_PGO=0 asks for
// one; build/Release/lobsim-build.json says which one was made and why (test/engine/
// addon-build.test.ts fails on a fallback). GCC 12 prints "Missing counts for called function" for
// small helpers the training build inlined away: harmless.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
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

// The training program's exit status when the books it built fail validate() (kExitInvalidBooks).
const TRAIN_EXIT_INVALID = 1;

function status(command, args) {
  return spawnSync(command, args, { cwd: ROOT, stdio: 'inherit' }).status;
}
const run = (command, args) => status(command, args) === 0;
const nodeGyp = (...args) => run(process.execPath, [gyp, ...args]);

// What the compiler says it is, asked once (through a shell: CXX may be "ccache g++"); '' if it
// cannot be run.
const compiler = (() => {
  const result = spawnSync(process.env.CXX ?? 'g++', ['--version'], { encoding: 'utf8', shell: true });
  return result.status === 0 ? result.stdout : '';
})();

function usesGcc() {
  return /Free Software Foundation/.test(compiler) && !/clang/i.test(compiler);
}

// The three steps of the profile-guided build; false at the first that fails.
function buildProfileGuided() {
  const trainObjects = path.join(RELEASE, 'obj.target', 'lobsim_pgo_train', 'native', 'core');
  const addonObjects = path.join(RELEASE, 'obj.target', 'lobsim', 'native', 'core');
  if (!nodeGyp('clean') || !nodeGyp('configure', ...common, '--lobsim_pgo=generate') || !nodeGyp('build', '-j', 'max')) return false;
  console.error('lobsim: training the profile-guided build (native/pgo/train.cpp)');
  const trained = status(path.join(RELEASE, 'lobsim_pgo_train'), []);
  if (trained === TRAIN_EXIT_INVALID) {
    console.error('lobsim: the core broke its own invariants in the training run (above); not building it.');
    process.exit(1);
  }
  if (trained !== 0) return false;
  const profiles = readdirSync(trainObjects).filter((file) => file.endsWith('.gcda'));
  if (!profiles.some((file) => file === 'matching_engine.gcda')) return false;
  if (!nodeGyp('configure', ...common, '--lobsim_pgo=use')) return false;
  // GCC reads an object's profile beside it: the core's objects have the training objects' names.
  mkdirSync(addonObjects, { recursive: true });
  for (const file of profiles) copyFileSync(path.join(trainObjects, file), path.join(addonObjects, file));
  return nodeGyp('build', '-j', 'max');
}

// What the addon is made of and how: its sources (regular files of native/; editor lock links and
// the like are not sources), this script, node-addon-api and node-gyp, the Node it is built for,
// the compiler and the variables that change the build. Recorded with the build.
function inputsDigest() {
  const hash = createHash('sha256');
  const files = (dir) =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) return file === path.join(ROOT, 'native', 'out') ? [] : files(file);
      return entry.isFile() ? [file] : [];
    });
  const packages = ['node-addon-api/package.json', 'node-gyp/package.json'].flatMap((name) => {
    try {
      return [require.resolve(name)];
    } catch {
      return [];
    }
  });
  for (const file of [path.join(ROOT, 'binding.gyp'), fileURLToPath(import.meta.url), ...packages, ...files(path.join(ROOT, 'native')).sort()]) {
    hash.update(path.relative(ROOT, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  const npmBuildVariables = Object.keys(process.env).filter((name) => /^npm_config_(target|nodedir|debug|arch|build_from_source|runtime|dist_url)/i.test(name)).sort();
  const variables = ['LOBSIM_PGO', 'LOBSIM_DEBUG_ADDON', 'CXX', 'CC', 'CXXFLAGS', 'CFLAGS', 'LDFLAGS', ...npmBuildVariables].map((name) => `${name}=${process.env[name] ?? ''}`);
  hash.update([process.version, process.platform, process.arch, compiler, ...variables].join('\0'));
  return hash.digest('hex');
}

// `npx lobsim` in a checkout installs the checkout into npx's cache to link its bin, and npm runs
// this install script again there: a second build of the same addon, about a minute before the
// command's first line. As an install script (npm install, npm ci, npx; not npm rebuild), a
// complete build whose recorded inputs are these is kept, unless its profile-guided build had
// failed (worth another try); `npm run build:addon` always builds.
const STAMP = path.join(ROOT, 'build', debug ? 'Debug' : 'Release', 'lobsim-build.json');
const inputs = inputsDigest();
function recordedBuild() {
  try {
    return JSON.parse(readFileSync(STAMP, 'utf8'));
  } catch {
    return null;  // None, or cut short: build.
  }
}
const installing = process.env.npm_lifecycle_event === 'install' && process.env.npm_command !== 'rebuild';
if (installing && existsSync(path.join(path.dirname(STAMP), 'lobsim.node'))) {
  const recorded = recordedBuild();
  if (recorded !== null && recorded.inputs === inputs && recorded.profile !== 'failed') {
    console.error(`lobsim: the addon is up to date (${recorded.build}); \`npm run build:addon\` rebuilds it`);
    process.exit(0);
  }
}

let kind = 'plain';
let profile = 'used';
if (process.env.LOBSIM_PGO === '0') profile = 'off: LOBSIM_PGO=0';
else if (debug) profile = 'off: debug build';
else if (!usesGcc()) profile = 'off: the compiler is not GCC';
if (profile === 'used') {
  let built = false;
  try {
    built = buildProfileGuided();
  } catch (error) {
    console.error(`lobsim: ${error.message}`);
  }
  if (built) {
    kind = 'profile-guided';
  } else {
    profile = 'failed';
    console.error('lobsim: the profile-guided build failed (see above); building the addon without a profile.');
  }
}
if (kind === 'plain' && !nodeGyp('rebuild', ...common, '-j', 'max')) {
  console.error('lobsim: building the native addon failed; see the compiler output above.');
  process.exit(1);
}
writeFileSync(STAMP, `${JSON.stringify({ build: kind, profile, inputs })}\n`);
console.error(`lobsim: built the addon (${kind})`);
