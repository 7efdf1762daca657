import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['core/**/*.test.ts', 'nodes/**/*.test.ts', 'bench/**/*.test.ts'],
    testTimeout: 120_000,
    pool: 'forks',
    // CI asks for a JSON report as well, to print a plain "N passed, N failed" line.
    reporters: process.env.VITEST_JSON ? ['default', 'json'] : ['default'],
    outputFile: process.env.VITEST_JSON ? { json: process.env.VITEST_JSON } : undefined,
  },
});
