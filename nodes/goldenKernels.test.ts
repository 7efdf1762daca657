import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { generateKernelSource } from '../core/backends/cpu/kernelJs.ts';
import { JS_PRELUDE } from '../core/backends/cpu/prelude.ts';
import { compileGraph } from '../core/compile/compileGraph.ts';
import { parseGraph } from '../core/graph/document.ts';
import { CATALOG } from './registry.ts';

/**
 * Golden kernels: the generated JavaScript for a few examples is checked in, so a change to the
 * code generator shows up as a reviewable diff. Regenerate with `UPDATE_GOLDEN=1 npx vitest run nodes/goldenKernels`.
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const goldenDir = path.join(root, 'core/backends/cpu/golden');
const examples = ['ornstein-uhlenbeck', 'stochastic-lorenz', 'geometric-brownian-motion'];

describe('golden CPU kernels', () => {
  for (const name of examples) {
    test(name, async () => {
      const { doc } = parseGraph(await readFile(path.join(root, 'assets/examples', `${name}.json`), 'utf8'));
      if (!doc) throw new Error(`example ${name} does not parse`);
      const compiled = compileGraph(doc, CATALOG);
      if (!compiled.ok) throw new Error(`example ${name} does not compile`);
      // The fixed prelude is the same in every kernel; the goldens keep only what the generator wrote.
      const source = `${compiled.plan.stages.map((st) => generateKernelSource(st).replace(JS_PRELUDE, '// (prelude.ts)\n')).join('\n\n')}\n`;
      const file = path.join(goldenDir, `${name}.js`);
      if (process.env.UPDATE_GOLDEN) await writeFile(file, source);
      const golden = await readFile(file, 'utf8').catch(() => {
        throw new Error(`no golden kernel ${file}; create it with UPDATE_GOLDEN=1 npx vitest run nodes/goldenKernels`);
      });
      expect(source).toBe(golden);
    });
  }
});
