/**
 * The README's TypeScript examples run as written: each block, with its `lobsim/...` imports pointed
 * at the sources those package exports are compiled from, runs as an ES module and exits 0.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './support/run-cli.js';

const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1] ?? '');
const exportsMap = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { exports: Record<string, string> }).exports;
const dir = mkdtempSync(path.join(tmpdir(), 'lobsim-readme-'));

/** 'lobsim/engine' -> <ROOT>/engine/engine.ts, the source of ./dist/engine/engine.js. */
function sourceOf(specifier: string): string {
  const target = exportsMap[`./${specifier.slice('lobsim/'.length)}`];
  if (target === undefined) throw new Error(`README imports ${specifier}, which package.json does not export`);
  return path.join(ROOT, target.replace(/^\.\/dist\//, '').replace(/\.js$/, '.ts'));
}

describe('README examples', () => {
  it('has TypeScript examples', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(3);
  });

  it.each(blocks.map((code, index) => [index + 1, code] as const))('example %i runs', (index, code) => {
    const source = code.replace(/from '(lobsim\/[a-z-]+)'/g, (_, specifier: string) => `from '${sourceOf(specifier)}'`);
    const file = path.join(dir, `example-${index}.mts`);
    writeFileSync(file, source);
    const run = spawnSync(process.execPath, ['--import', 'tsx', file], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });
});
