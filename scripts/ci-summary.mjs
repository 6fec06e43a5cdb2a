// Sums pass/fail counts over the runners of .ci/run (vitest JSON, the C++ test runner's closing
// lines) and prints the one closing line CI reads: `N passed, N failed`.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const [dir, failedStepsText] = process.argv.slice(2);
let passed = 0;
let failed = Number(failedStepsText ?? 0);

const vitest = path.join(dir, 'vitest.json');
if (existsSync(vitest)) {
  const report = JSON.parse(readFileSync(vitest, 'utf8'));
  passed += report.numPassedTests;
  failed += report.numFailedTests;
}
for (const log of ['native.log', 'asan.log', 'tsan.log']) {
  const file = path.join(dir, log);
  if (!existsSync(file)) continue;
  // The C++ runner ends its output with `N passed, N failed`.
  for (const match of readFileSync(file, 'utf8').matchAll(/^(?:\S+: )?(\d+) passed, (\d+) failed$/gm)) {
    passed += Number(match[1]);
    failed += Number(match[2]);
  }
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
