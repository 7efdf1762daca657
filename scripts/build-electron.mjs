// Builds Electron's main and preload from TypeScript into dist/electron/ with esbuild (already
// installed as a dependency of Vite and tsx). Both are CommonJS: the sandboxed preload must be, and
// main then needs no ESM loader quirks. `electron` stays external (Electron provides it).
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Builds dist/electron/main.cjs and dist/electron/preload.cjs. */
export async function buildElectron({ quiet = false } = {}) {
  const common = { bundle: true, platform: 'node', format: 'cjs', target: 'node20', external: ['electron'], sourcemap: true, absWorkingDir: root, logLevel: quiet ? 'warning' : 'info' };
  await build({ ...common, entryPoints: ['electron/main.ts'], outfile: 'dist/electron/main.cjs' });
  await build({ ...common, entryPoints: ['electron/preload.ts'], outfile: 'dist/electron/preload.cjs' });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await buildElectron();
