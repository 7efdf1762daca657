import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, test } from 'vitest';

const REPO = path.resolve(import.meta.dirname, '..');
const run = promisify(execFile);

/**
 * The score-model example end to end through the CLI: `sde-studio run
 * assets/examples/vp-gaussian-mixture.json` samples the mixture with the predictor–corrector and the
 * probability flow and prints each W2 to exact mixture samples next to the data-vs-data floor.
 */
describe('assets/examples/vp-gaussian-mixture.json', () => {
  test('runs from the CLI, prints the W2 values and writes them to run.json', async () => {
    const out = await mkdtemp(path.join(tmpdir(), 'vp-mixture-'));
    try {
      const { stdout } = await run(process.execPath, ['bin/sde-studio.mjs', 'run', 'assets/examples/vp-gaussian-mixture.json', '--out', out, '--backend', 'cpu', '--threads', '2'], { cwd: REPO });
      for (const node of ['w2_sde', 'w2_ode', 'w2_floor']) expect(stdout).toMatch(new RegExp(`${node}: W2 = [\\d.]+ \\(exact assignment; 2000 samples vs 2000 reference distribution points\\)`));
      const report = JSON.parse(await readFile(path.join(out, 'run.json'), 'utf8')) as { analyses: { node: string; metrics: { w2: number; method: string } }[] };
      const w2 = Object.fromEntries(report.analyses.map((a) => [a.node, a.metrics.w2]));
      console.log(`example: W2 reverse SDE ${w2.w2_sde.toFixed(3)}, probability flow ${w2.w2_ode.toFixed(3)}, data-vs-data floor ${w2.w2_floor.toFixed(3)}`);
      // Both samplers sit at the floor of two exact 2,000-point samples (≈ 0.15–0.25 for this mixture).
      for (const node of ['w2_sde', 'w2_ode']) expect(w2[node]).toBeLessThan(w2.w2_floor + 0.1);
      expect(w2.w2_floor).toBeGreaterThan(0.05);
      expect(w2.w2_floor).toBeLessThan(0.35);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });
});
