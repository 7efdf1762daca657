import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vitest/config';

/**
 * Two projects: `unit` (engine, nodes, renderer logic; next to the code) and `e2e` (the built app in
 * Debian's Chromium through playwright-core; e2e/*.e2e.test.ts, after one `vite build`).
 */
export default defineConfig({
  test: {
    testTimeout: 120_000,
    pool: 'forks',
    // CI asks for a JSON report as well, to print a plain "N passed, N failed" line.
    reporters: process.env.VITEST_JSON ? ['default', 'json'] : ['default'],
    outputFile: process.env.VITEST_JSON ? { json: process.env.VITEST_JSON } : undefined,
    projects: [
      {
        extends: true,
        plugins: [svelte()],
        test: { name: 'unit', include: ['core/**/*.test.ts', 'nodes/**/*.test.ts', 'bench/**/*.test.ts', 'renderer/**/*.test.ts', 'electron/**/*.test.ts', 'build/**/*.test.ts'] },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['e2e/**/*.e2e.test.ts'],
          globalSetup: ['e2e/globalSetup.ts'],
          // One browser at a time: the machine has two cores and SwiftShader is CPU-bound.
          fileParallelism: false,
          testTimeout: 180_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
