#!/usr/bin/env node
// npm run dist: packages SDE Studio for the current platform with electron-builder
// (build/electron-builder.json: AppImage + deb on Linux, dmg on macOS, NSIS on Windows) into dist/packages.
// It packs the local Electron binary (node_modules/electron/dist, or ELECTRON_OVERRIDE_DIST_PATH), so
// nothing is downloaded; where that binary is missing it says so and stops before building anything.
// Extra arguments go to electron-builder (e.g. `npm run dist -- --linux deb`).
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildElectron } from '../scripts/build-electron.mjs';
import { findElectronBinary } from '../scripts/electron-binary.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);

const electron = findElectronBinary();
if (!electron.path) {
  console.error(
    `\nnpm run dist: cannot package SDE Studio here because ${electron.reason}. ` +
      'electron-builder packs the Electron binary of node_modules/electron and is not allowed to download one. ' +
      'On a machine with network access, run `npx install-electron` inside node_modules/electron (or set ' +
      'ELECTRON_OVERRIDE_DIST_PATH to an unpacked Electron of the version in package.json), then run `npm run dist` again. ' +
      'Nothing was built.\n',
  );
  process.exit(1);
}

const electronDist = process.env.ELECTRON_OVERRIDE_DIST_PATH ?? path.join(path.dirname(require.resolve('electron/package.json')), 'dist');
const step = (what, command, args) => {
  console.log(`\n> ${what}`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
};

step('vite build (dist/renderer)', process.execPath, [path.join(root, 'node_modules/vite/bin/vite.js'), 'build']);
console.log('\n> Electron main and preload (dist/electron)');
await buildElectron();
step('electron-builder (dist/packages)', process.execPath, [
  require.resolve('electron-builder/cli.js'),
  '--config', 'build/electron-builder.json',
  `-c.electronDist=${electronDist}`,
  '--publish', 'never',
  ...process.argv.slice(2),
]);
