// Worker entry of the engine benchmark: tsx cannot load a .ts worker entry by itself
// (TOOLCHAIN.md), so register it and import the module named in workerData.entry.
import { register } from 'tsx/esm/api';
import { workerData } from 'node:worker_threads';

register();
await import(workerData.entry);
