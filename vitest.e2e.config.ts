import { defineConfig } from 'vitest/config';

// Browser tests (run through scripts/e2e.mjs, which starts the server).
export default defineConfig({
  test: {
    include: ['e2e/**/*.spec.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
  },
});
