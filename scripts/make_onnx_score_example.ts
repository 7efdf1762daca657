/**
 * Writes assets/examples/onnx-score.onnx, the model of onnx-score.json: the two-moons example
 * (two-moons-score.json: score.mlp 3×64 SiLU with sinusoidal time features, loss.dsm, 8000 Adam
 * steps, EMA weights) trained by `sde-studio run`, which writes the network as <train node>.onnx.
 * Training is seeded Philox all the way, so this gives the same file on every machine.
 * Run: node bin/run-ts.mjs scripts/make_onnx_score_example.ts
 */
import { copyFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from '../core/cli/main.ts';
import { CATALOG } from '../nodes/registry.ts';

const EXAMPLES = path.join(fileURLToPath(new URL('..', import.meta.url)), 'assets', 'examples');
const out = mkdtempSync(path.join(os.tmpdir(), 'onnx-score-'));
try {
  const code = await runCli(['run', path.join(EXAMPLES, 'two-moons-score.json'), '--out', out, '--quiet'], CATALOG, {
    out: (text) => console.log(text), err: (text) => console.error(text),
  });
  if (code !== 0) throw new Error(`sde-studio run failed (exit code ${code})`);
  const target = path.join(EXAMPLES, 'onnx-score.onnx');
  copyFileSync(path.join(out, 'train.onnx'), target);
  console.log(`wrote ${target} (${statSync(target).size} bytes)`);
} finally {
  rmSync(out, { recursive: true, force: true });
}
