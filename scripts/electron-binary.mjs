// Finds the Electron executable WITHOUT require('electron'): that package's index.js tries to
// download the binary when it is missing, which hangs or fails on machines with no network.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** `{ path }` of the Electron binary, or `{ reason }` saying why there is none. */
export function findElectronBinary() {
  let pkgDir;
  try {
    pkgDir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return { reason: 'the npm package "electron" is not installed (npm install)' };
  }
  const pathFile = join(pkgDir, 'path.txt');
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : null;
  if (override) {
    const path = join(override, relative ?? 'electron');
    return existsSync(path) ? { path } : { reason: `ELECTRON_OVERRIDE_DIST_PATH names ${override}, which holds no Electron executable` };
  }
  if (!relative) return { reason: "the package's install script, which downloads the Electron binary, never ran or could not download it (npm here does not run install scripts, and this machine reaches no download host)" };
  const path = join(pkgDir, 'dist', relative);
  return existsSync(path) ? { path } : { reason: `the Electron binary is missing at ${path}` };
}
