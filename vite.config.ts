import { svelte } from '@sveltejs/vite-plugin-svelte';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const repoRoot = fileURLToPath(new URL('.', import.meta.url));

/** Cross-origin isolation gives the page SharedArrayBuffer, so runs can use every core. */
const ISOLATION = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

/**
 * The dev server (only) injects every CSS import as a <style> element, which the page's
 * Content-Security-Policy (renderer/index.html: style-src 'self') refuses; `vite` relaxes it,
 * `vite build` ships it unchanged.
 */
const devStyles: Plugin = {
  name: 'sde-studio:dev-csp',
  apply: 'serve',
  transformIndexHtml: (html) => html.replace("style-src 'self';", "style-src 'self' 'unsafe-inline';"),
};

/**
 * The renderer: a static Svelte app in renderer/ that imports the engine (core/, nodes/) and the
 * example graphs (assets/) from the repository root, hence `server.fs.allow`.
 */
export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [svelte(), devStyles],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    target: 'es2022',
    // three.js and the run service make a few large chunks; that is expected for a desktop app.
    chunkSizeWarningLimit: 1500,
  },
  worker: { format: 'es' },
  // onnxruntime-web finds its .wasm next to its own module (new URL(…, import.meta.url)): the build
  // emits it as an asset of the run worker; the dev server must serve the package as is, not
  // pre-bundled into .vite/deps where that file is not.
  optimizeDeps: { exclude: ['onnxruntime-web'] },
  server: { host: '127.0.0.1', port: 5173, fs: { allow: [repoRoot] }, headers: ISOLATION },
  preview: { host: '127.0.0.1', port: 5173, headers: ISOLATION },
});
