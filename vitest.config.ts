import { defineConfig } from 'vitest/config';

// CLI tests spawn processes and the C++ differential suites run long sequences: generous timeouts,
// so a loaded 2-core CI machine does not turn slowness into failures. Nothing asserts on time.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
