/**
 * The chart library, inlined: uPlot's IIFE build and stylesheet, read from node_modules, so a report
 * is one file that opens offline and makes no network request.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

export interface InlineAssets {
  script: string;
  style: string;
}

let cached: InlineAssets | null = null;

export function chartLibrary(): InlineAssets {
  if (cached !== null) return cached;
  const require = createRequire(import.meta.url);
  // uplot's package.json exports only the ESM and CJS entries; the IIFE build sits beside them.
  const dist = path.dirname(require.resolve('uplot'));
  const script = readFileSync(path.join(dist, 'uPlot.iife.min.js'), 'utf8');
  const style = readFileSync(path.join(dist, 'uPlot.min.css'), 'utf8');
  cached = { script: script.replace(/<\/script/gi, '<\\/script'), style };
  return cached;
}
