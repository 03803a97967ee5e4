import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Fails fast, with one clear message, when Redis or Postgres is not running.
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    // Generous because a hook may start a six-node Redis Cluster (test/helpers/redis-cluster.ts).
    hookTimeout: 60_000,
    // Forks, not threads: each file gets its own process, and VITEST_POOL_ID (1..maxWorkers) picks
    // its private Redis db in test/helpers/redis-db.ts. Two workers match the CI machine's two
    // cores; more would only make Redis, Postgres and the tests fight for them.
    pool: 'forks',
    maxWorkers: 2,
  },
});
