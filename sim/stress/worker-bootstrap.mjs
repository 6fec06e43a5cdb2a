// Stress worker entry from source: tsx cannot load a .ts worker entry itself (TOOLCHAIN.md), so
// register tsx here and import the TypeScript module named in workerData.entry.
import { register } from 'tsx/esm/api';
import { workerData } from 'node:worker_threads';

register();
await import(workerData.entry);
