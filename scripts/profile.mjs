// `npm run profile -- <scenario> [lobsim run flags]`: runs one scenario under clinic flame and says
// where the flame graph's HTML went. clinic is a devDependency (no npx download); NO_INSIGHT=1
// because without it clinic 13 can exit 0 having written nothing.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const [scenario, ...rest] = process.argv.slice(2);
if (!scenario) {
  console.error('usage: npm run profile -- <scenario> [lobsim run flags]   e.g. npm run profile -- smoke --duration 2s');
  process.exit(2);
}
const clinic = path.join(root, 'node_modules', '.bin', 'clinic');
if (!existsSync(clinic)) {
  console.error('profile: clinic is not installed; run `npm install` (it is a devDependency)');
  process.exit(2);
}
const compiled = path.join(root, 'dist', 'cli', 'main.js');
const entry = existsSync(compiled) ? [compiled] : ['--import', 'tsx', path.join(root, 'cli', 'main.ts')];
const dest = path.join(root, 'lobsim-out', 'clinic');
const out = mkdtempSync(path.join(tmpdir(), 'lobsim-profile-'));
// Progress bars would draw into the profile's output; the caller's own choice, if given, stands (a
// flag given twice is a usage error).
const progress = rest.some((arg) => /^--(no-)?progress(=|$)/.test(arg)) ? [] : ['--no-progress'];
const args = ['flame', '--dest', dest, '--', process.execPath, ...entry, 'run', scenario, '--out', out, ...progress, ...rest];
console.error(`profile: clinic ${args.join(' ')}`);
const before = new Set(existsSync(dest) ? readdirSync(dest) : []);
const run = spawnSync(clinic, args, { stdio: 'inherit', env: { ...process.env, NO_INSIGHT: '1' } });
const made = (existsSync(dest) ? readdirSync(dest) : []).filter((name) => !before.has(name) && name.endsWith('.html'));
if (made.length === 0) {
  console.error(`profile: clinic exited ${run.status} and wrote no HTML under ${dest}`);
  process.exit(1);
}
for (const name of made) console.log(`profile: flame graph written to ${path.join(dest, name)}`);
console.log(`profile: the run's result.json is in ${out}`);
