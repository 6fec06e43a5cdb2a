/**
 * The shape of the threaded engine's part of the native addon (native/addon/threaded_addon.cpp).
 * The addon is loaded once by engine/native.ts; this file only types what threaded_addon.cpp adds.
 */
import { LobsimError } from './errors.js';
import { loadAddon } from './native.js';

export interface NativeShardStats {
  ingressDepth: number;
  ingressHighWater: number;
  eventsDepth: number;
  eventsHighWater: number;
  commands: number;
  reports: number;
  busy: number;
  journalCommands: number;
  journalTruncated: boolean;
  ringRecords: number;
  ringRecordsInvalid: number;
  ringsBroken: number;
}

export interface NativeThreadedStats {
  shards: NativeShardStats[];
  reportsDelivered: number;
  reportsUnrouted: number;
  batchesDelivered: number;
  marketDataDelivered: number;
  handlerErrors: number;
  batchesInFlight: number;
  /** Dispatch passes run by shard threads instead of the dispatcher thread. */
  helpedPasses: number;
  subscribers: number;
  accepting: boolean;
}

export interface NativeSnapshot {
  seq: number;
  bbo: Float64Array;
  orders: Float64Array;
}

export type NativeBatchHandler = (records: Float64Array, count: number) => void;

export interface NativeThreadedHandle {
  readonly id: number;
  readonly shards: number;
  enqueue(commands: Float64Array, count: number): number;
  subscribe(kind: 'reports' | 'market-data', owners: number[] | null, handler: NativeBatchHandler): number;
  unsubscribe(subscription: number): boolean;
  attachRing(shard: number, view: Int32Array, capacity: number): void;
  wake(shard: number): void;
  query(kind: 'snapshot', symbol: number): Promise<NativeSnapshot>;
  query(kind: 'hash' | 'validate', shard: number): Promise<string>;
  query(kind: 'journal', shard: number): Promise<{ records: Float64Array; truncated: boolean }>;
  stats(): NativeThreadedStats;
  close(): Promise<void>;
  detach(): void;
  shutdownNow(): void;
}

export interface ThreadedLayout {
  ringHeaderBytes: number;
  ringHeadByte: number;
  /** Set once by the writer that claims a ring set (RingWriter): one writer per ring set. */
  ringWriterByte: number;
  ringTailByte: number;
  ringSleepingByte: number;
  ringClosedByte: number;
  ringCapacityMin: number;
  ringCapacityMax: number;
  bboSlots: number;
  enqueueCommandsMax: number;
}

interface ThreadedAddon {
  NativeThreadedEngine: new (options: unknown) => NativeThreadedHandle;
  threadedLayout: ThreadedLayout;
}

export function loadThreadedAddon(): ThreadedAddon {
  const addon = loadAddon() as unknown as Partial<ThreadedAddon>;
  if (addon.NativeThreadedEngine === undefined || addon.threadedLayout === undefined) {
    throw new LobsimError('LOBSIM_ERR_ADDON', 'the native addon has no threaded engine: rebuild it with `npm run build:addon`');
  }
  // An addon built before a layout field existed would hand JS undefined offsets (NaN indexes 0:
  // the writer claim would write a ring's head).
  if (typeof addon.threadedLayout.ringWriterByte !== 'number') {
    throw new LobsimError('LOBSIM_ERR_ADDON', 'the native addon predates this package (no ringWriterByte): rebuild it with `npm run build:addon`');
  }
  return addon as ThreadedAddon;
}
