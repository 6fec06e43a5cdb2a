// Builds the Node-API addon with node-gyp, offline. node-gyp downloads Node's headers unless it is
// told where they are, and a clean shell has no `nodedir`: point it at the running Node's prefix
// when that prefix holds the headers, otherwise let node-gyp do its default.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const prefix = path.resolve(path.dirname(process.execPath), '..');
const args = ['rebuild'];
if (existsSync(path.join(prefix, 'include', 'node', 'node_api.h'))) args.push(`--nodedir=${prefix}`);
if (process.env.LOBSIM_DEBUG_ADDON === '1') args.push('--debug');

let gyp;
try {
  gyp = require.resolve('node-gyp/bin/node-gyp.js');
} catch {
  // npm bundles node-gyp; find it beside the running npm.
  const npmDir = path.resolve(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm');
  gyp = path.join(npmDir, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
}
const jobs = ['-j', 'max'];
const result = spawnSync(process.execPath, [gyp, ...args, ...jobs], { stdio: 'inherit' });
if (result.status !== 0) {
  console.error('lobsim: building the native addon failed; see the compiler output above.');
  process.exit(result.status ?? 1);
}
