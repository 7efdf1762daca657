// npm start: builds the renderer and Electron's main and preload, then launches the desktop app.
// Where the Electron binary cannot be had, says so in one paragraph and serves the web host instead
// (what `npm run web` does), so the app still runs in a browser.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { buildElectron } from './build-electron.mjs';
import { findElectronBinary } from './electron-binary.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const run = (command, args, options = {}) =>
  new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: 'inherit', ...options });
    child.on('error', (error) => resolve({ code: null, error }));
    child.on('exit', (code, signal) => resolve({ code: code ?? (signal ? 1 : 0) }));
  });
const vite = (args) => run(process.execPath, ['node_modules/vite/bin/vite.js', ...args]);

const built = await vite(['build']);
if (built.code !== 0) process.exit(built.code ?? 1);
await buildElectron({ quiet: true });

const electron = findElectronBinary();
let launched = null;
if (electron.path) {
  launched = await run(electron.path, ['.', ...process.argv.slice(2)]);
  if (!launched.error) process.exit(launched.code ?? 0);
}
const why = electron.reason ?? `starting ${electron.path} failed (${launched?.error?.message})`;
console.log(
  `\nSDE Studio: the desktop app (Electron) cannot start here because ${why}. ` +
    'The renderer and Electron main/preload were built (dist/renderer, dist/electron); to run the desktop app, install the Electron binary ' +
    '(on a machine with network access, `node node_modules/electron/install.js`, or set ELECTRON_OVERRIDE_DIST_PATH to an unpacked Electron 45) and run `npm start` again. ' +
    'Serving the same editor as the web host instead: open http://127.0.0.1:5173 in a browser.\n',
);
const preview = await vite(['preview', '--host', '127.0.0.1', '--port', '5173', '--strictPort']);
process.exit(preview.code ?? 0);
