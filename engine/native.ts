/**
 * Loads the compiled Node-API addon (build/Release/lobsim.node). If it cannot load, the error says
 * how to rebuild it. LOBSIM_ADDON_PATH points at another build (a sanitizer build, say).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LobsimError } from './errors.js';

export interface NativeEngineHandle {
  /**
   * The engine's own output memory: layout.areaReportRecords report records, then the tops
   * (1 + layout.topSlots x instruments slots). run() writes there.
   */
  readonly area: ArrayBuffer;
  /**
   * Runs `count` command records; returns how many reports they made. The first
   * layout.areaReportRecords go to the area, the rest wait for drain(). With `withTops`, also
   * writes the area's tops: tops[0] = n, then n TopSlot records (see Engine.executeBatchWithTops).
   */
  run(commands: Float64Array, count: number, withTops: boolean): number;
  drain(out: Float64Array, offset: number): number;
  /** Writes [bidPrice, bidQty, bidCount, askPrice, askQty, askCount] to out[0..6). */
  bbo(symbol: number, out: Float64Array): void;
  depth(symbol: number, levels: number): { bids: Float64Array; asks: Float64Array };
  snapshot(symbol: number): Float64Array;
  stats(): NativeStats;
  stateHash(): string;
  validate(): string;
  /** Frees the book now; every later call throws (code LOBSIM_ERR_CLOSED). */
  close(): void;
}

export interface NativeStats {
  restingOrders: number;
  levels: number;
  seq: number;
  trades: number;
  orders: number;
  memoryBytes: number;
}

export interface NativeAddon {
  NativeEngine: new (options: unknown) => NativeEngineHandle;
  layout: { commandSlots: number; reportSlots: number; batchCommandsMax: number; areaReportRecords: number; topSlots: number };
}

const packageRoot = (): string => {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json')) || !existsSync(path.join(dir, 'binding.gyp'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new LobsimError('LOBSIM_ERR_ADDON', 'cannot find the lobsim package root');
    dir = parent;
  }
  return dir;
};

let cached: NativeAddon | undefined;

/** Where loadAddon() loads the addon from: $LOBSIM_ADDON_PATH, or the package's build. */
export function addonPath(): string {
  return process.env.LOBSIM_ADDON_PATH ?? path.join(packageRoot(), 'build', 'Release', 'lobsim.node');
}

export function loadAddon(): NativeAddon {
  if (cached) return cached;
  const file = addonPath();
  try {
    cached = createRequire(import.meta.url)(file) as NativeAddon;
  } catch (cause) {
    throw new LobsimError(
      'LOBSIM_ERR_ADDON',
      `the native addon could not be loaded from ${file} (${(cause as Error).message}). ` +
        'Rebuild it with `npm run build:addon` (needs g++, make and python3).',
    );
  }
  return cached;
}
