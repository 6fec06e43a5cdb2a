/** Metrics: HDR latency histograms, per-interval timelines and processing cost (see each module). */
export * from './types.js';
export * from './hdr.js';
export * from './latency-recorder.js';
export * from './timeline.js';
export * from './processing-cost.js';
