import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['server/**/*.test.ts', 'web/src/**/*.test.ts'],
    exclude: ['node_modules', 'e2e', 'bench', 'web/dist'],
    // Each file opens its own migrated database (PGlite in memory, ~5 s), so give hooks room.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
