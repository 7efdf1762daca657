/**
 * Electron's main process entry: wires the real Electron API into DesktopApp (main/app.ts), where
 * the behaviour lives and is tested. Built to dist/electron/main.cjs by scripts/build-electron.mjs.
 */
import { app, BrowserWindow, dialog, ipcMain, Menu, protocol, screen, session, shell } from 'electron';
import * as fs from 'node:fs/promises';
import { join } from 'node:path';
import { DesktopApp, type WindowLike } from './main/app.ts';
import { APP_SCHEME, APP_URL, appHeaders, resolveAppRequest } from './main/appProtocol.ts';
import { documentsFromArgv } from './main/documents.ts';
import { trustedUrlCheck } from './main/ipc.ts';
import { hardenSession } from './main/window.ts';

const isDev = !app.isPackaged && process.env.SDE_STUDIO_DEV_SERVER !== undefined;
// dist/electron/main.cjs → dist/renderer/ (served as app://renderer/) and dist/electron/preload.cjs.
const rendererDir = join(__dirname, '../renderer');
const rendererUrl = process.env.SDE_STUDIO_DEV_SERVER ?? APP_URL;

// A standard, secure scheme gives the page a real origin (module workers, fetch) and lets every
// response carry the cross-origin isolation headers (SharedArrayBuffer → multi-threaded runs).
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } }]);

// WebGPU: on by default in Electron on Windows and macOS, but Chromium still ships it behind a flag
// on Linux, so without this switch `navigator.gpu` is missing there and runs fall back to the CPU.
if (process.platform === 'linux') app.commandLine.appendSwitch('enable-unsafe-webgpu');

// Files handed over before the app is ready (macOS 'open-file' at launch).
const early: string[] = [];
let desktop: DesktopApp | undefined;
app.on('open-file', (event, path) => {
  event.preventDefault();
  if (desktop) void desktop.openPaths([path]);
  else early.push(path);
});

if (!app.requestSingleInstanceLock()) {
  // Another instance runs: it receives our argv in 'second-instance' and opens the files.
  app.quit();
} else {
  app.on('second-instance', (_event, argv, cwd) => {
    const files = argv.slice(1);
    void desktop?.openPaths(documentsFromArgv(files, cwd));
  });
  app.on('web-contents-created', (_event, contents) => {
    // Defence in depth for any contents (e.g. devtools are exempt by Electron): no new windows.
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });
  void app.whenReady().then(async () => {
    protocol.handle(APP_SCHEME, async (request) => {
      const file = resolveAppRequest(request.url, rendererDir);
      if (!file) return new Response('not found', { status: 404 });
      try {
        return new Response(await fs.readFile(file), { headers: appHeaders(file) });
      } catch {
        return new Response('not found', { status: 404 });
      }
    });
    const trusted = trustedUrlCheck(rendererUrl);
    hardenSession(session.defaultSession, (url) => isDev && trusted(url));
    const ask = async (win: WindowLike, message: string, yes: string, no: string) =>
      (await dialog.showMessageBox(win as BrowserWindow, { type: 'warning', message, buttons: [yes, no], defaultId: 1, cancelId: 1 })).response === 0;
    desktop = new DesktopApp({
      platform: process.platform,
      isDev,
      fs,
      userData: app.getPath('userData'),
      documentsDir: app.getPath('documents'),
      rendererUrl,
      preload: join(__dirname, 'preload.cjs'),
      createWindow: (options) => new BrowserWindow(options),
      workAreas: () => screen.getAllDisplays().map((d) => d.workArea),
      ipcMain,
      dialogs: {
        open: async (win, filters) => {
          const r = await dialog.showOpenDialog(win as BrowserWindow, { properties: ['openFile'], filters });
          return r.canceled ? null : (r.filePaths[0] ?? null);
        },
        save: async (win, defaultPath, filters) => {
          const r = await dialog.showSaveDialog(win as BrowserWindow, { defaultPath, filters });
          return r.canceled || !r.filePath ? null : r.filePath;
        },
        ask,
      },
      setMenu: (template) => Menu.setApplicationMenu(Menu.buildFromTemplate(template)),
      addRecentDocument: (path) => app.addRecentDocument(path),
      clearRecentDocuments: () => app.clearRecentDocuments(),
      openExternal: (url) => void shell.openExternal(url),
      showAbout: () => app.showAboutPanel(),
      focusedWindow: () => BrowserWindow.getFocusedWindow(),
    });
    // In development Electron's argv is [electron, ., …]; packaged it is [app, …].
    await desktop.start(process.argv.slice(app.isPackaged ? 1 : 2).concat(early), process.cwd());
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) void desktop?.openWindow();
    });
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
}
