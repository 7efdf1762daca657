/**
 * The desktop app's behaviour, with Electron injected: one window per document, the IPC handlers,
 * menus, recent files, autosave and recovery, close confirmation, remembered bounds, and files handed
 * over by the OS or a second instance. electron/main.ts only wires the real Electron API in.
 */
import { randomUUID } from 'node:crypto';
import { basename, join } from 'node:path';
import type { BrowserWindow, BrowserWindowConstructorOptions, MenuItemConstructorOptions, Rectangle } from 'electron';
import type { EventArgs, EventChannel } from '../ipc/contract.ts';
import type { MenuCommand } from '../../renderer/host/types.ts';
import { FileAccess } from './access.ts';
import { AutosaveStore } from './autosave.ts';
import { documentsFromArgv, windowTitle } from './documents.ts';
import { createHandlers, type DialogPort, type DocumentWindow } from './handlers.ts';
import { registerInvokeHandlers, senderResolver, trustedUrlCheck, type IpcMainLike } from './ipc.ts';
import { buildMenuTemplate } from './menu.ts';
import type { FsLike } from './ports.ts';
import { RecentFiles } from './recent.ts';
import { documentWindowOptions, hardenWebContents, placeWindow, WindowBoundsStore, type HardenableContents } from './window.ts';

/** The BrowserWindow surface the app uses. */
export type WindowLike = Pick<BrowserWindow, 'setTitle' | 'setDocumentEdited' | 'setRepresentedFilename' | 'show' | 'focus' | 'isDestroyed' | 'getNormalBounds' | 'isMaximized' | 'maximize' | 'loadURL' | 'on' | 'once' | 'destroy'> & {
  webContents: HardenableContents & { id: number; send(channel: string, ...args: unknown[]): void; once(event: 'did-finish-load', listener: () => void): unknown };
};

export interface AppDeps {
  platform: NodeJS.Platform;
  isDev: boolean;
  fs: FsLike;
  /** app.getPath('userData') and app.getPath('documents'). */
  userData: string;
  documentsDir: string;
  /** The renderer: file URL of dist/renderer/index.html, or the dev server in development. */
  rendererUrl: string;
  preload: string;
  createWindow(options: BrowserWindowConstructorOptions): WindowLike;
  /** screen.getAllDisplays().map(d => d.workArea). */
  workAreas(): Rectangle[];
  ipcMain: IpcMainLike;
  /** Native dialogs for a given window. */
  dialogs: {
    open(win: WindowLike, filters: { name: string; extensions: string[] }[]): Promise<string | null>;
    save(win: WindowLike, defaultPath: string, filters: { name: string; extensions: string[] }[]): Promise<string | null>;
    /** Returns true for the first (affirmative) button. */
    ask(win: WindowLike, message: string, yes: string, no: string): Promise<boolean>;
  };
  setMenu(template: MenuItemConstructorOptions[]): void;
  addRecentDocument(path: string): void;
  clearRecentDocuments(): void;
  openExternal(url: string): void;
  showAbout(): void;
  focusedWindow(): WindowLike | null;
}

interface Entry extends DocumentWindow {
  win: WindowLike;
  dirty: boolean;
  fileName: string | null;
  /** True once the user agreed to close with unsaved work (or there was none). */
  closing: boolean;
}

export const DOCUMENTATION_URL = 'https://github.com/sde-studio/sde-studio#readme';

export class DesktopApp {
  readonly recent: RecentFiles;
  readonly access: FileAccess;
  readonly autosave: AutosaveStore;
  readonly #bounds: WindowBoundsStore;
  readonly #windows = new Map<number, Entry>();
  readonly #isTrusted: (url: string) => boolean;
  #backend: 'auto' | 'webgpu' | 'cpu' = 'auto';

  constructor(private readonly deps: AppDeps) {
    this.recent = new RecentFiles({ fs: deps.fs, file: join(deps.userData, 'recent.json'), addRecentDocument: deps.addRecentDocument });
    this.access = new FileAccess(this.recent);
    this.autosave = new AutosaveStore(deps.fs, join(deps.userData, 'autosave'));
    this.#bounds = new WindowBoundsStore(deps.fs, join(deps.userData, 'window-state.json'));
    this.#isTrusted = trustedUrlCheck(deps.rendererUrl);
  }

  /** Registers IPC, builds the menu and opens the first windows: one per file in `argv`, else one (which recovers a crashed draft). */
  async start(argv: readonly string[], cwd: string): Promise<void> {
    const dialog: DialogPort = {
      open: (w, o) => this.deps.dialogs.open(this.#entry(w).win, o.filters),
      save: (w, o) => this.deps.dialogs.save(this.#entry(w).win, o.defaultPath, o.filters),
      confirm: (w, message) => this.deps.dialogs.ask(this.#entry(w).win, message, 'Discard', 'Cancel'),
    };
    const handlers = createHandlers({
      fs: this.deps.fs,
      dialog,
      access: this.access,
      recent: this.recent,
      autosave: this.autosave,
      liveWindowKeys: () => new Set([...this.#windows.values()].map((e) => e.key)),
      documentsDir: this.deps.documentsDir,
    });
    // Adding to recent changes the Open Recent menu.
    const add = handlers['recent:add'];
    handlers['recent:add'] = async (w, path) => {
      await add(w, path);
      await this.refreshMenu();
    };
    registerInvokeHandlers(this.deps.ipcMain, handlers, senderResolver({ contextOf: (id) => this.#windows.get(id), isTrustedUrl: this.#isTrusted }));
    await this.refreshMenu();
    const files = documentsFromArgv(argv, cwd);
    if (files.length) for (const file of files) await this.openPath(file);
    else await this.openWindow();
  }

  /** Files from a second instance's command line or the OS ('open-file'). */
  async openPaths(paths: readonly string[]): Promise<void> {
    for (const path of paths) await this.openPath(path);
    if (!paths.length) this.deps.focusedWindow()?.focus();
  }

  /** Opens `path` in a new window (access is granted: the user or the OS chose it). */
  async openPath(path: string): Promise<void> {
    const full = this.access.grant(path);
    let text: string;
    try {
      text = await this.deps.fs.readFile(full, 'utf8');
    } catch {
      return; // handed a path that is gone: nothing to open
    }
    await this.openWindow({ file: { name: basename(full), path: full, text } });
  }

  async openWindow(options: { file?: { name: string; path: string; text: string } } = {}): Promise<WindowLike> {
    const saved = await this.#bounds.load();
    const bounds = placeWindow(saved, this.deps.workAreas(), this.#windows.size);
    const win = this.deps.createWindow(documentWindowOptions({ preload: this.deps.preload, bounds, isDev: this.deps.isDev }));
    const entry: Entry = {
      key: randomUUID(),
      openedForFile: options.file !== undefined,
      win,
      dirty: false,
      fileName: options.file?.name ?? null,
      closing: false,
      setDirty: (dirty) => {
        entry.dirty = dirty;
        this.#present(entry);
      },
      setFileName: (name) => {
        entry.fileName = name;
        this.#present(entry);
      },
    };
    const id = win.webContents.id;
    this.#windows.set(id, entry);
    hardenWebContents(win.webContents, this.#isTrusted, (url) => this.deps.openExternal(url));
    if (saved.maximized) win.maximize();
    win.once('ready-to-show', () => win.show());
    const rememberBounds = () => void this.#bounds.save({ ...win.getNormalBounds(), maximized: win.isMaximized() }).catch(() => {});
    win.on('resized', rememberBounds);
    win.on('moved', rememberBounds);
    win.on('close', (event) => {
      if (entry.closing || !entry.dirty) return;
      event.preventDefault();
      void this.deps.dialogs.ask(win, `${entry.fileName ?? 'Untitled'} has unsaved changes. Close it and discard them?`, 'Discard and Close', 'Cancel').then((yes) => {
        if (!yes) return;
        entry.closing = true;
        win.destroy();
      });
    });
    win.on('closed', () => {
      this.#windows.delete(id);
      // A normal close: the draft needs no recovery (the user saved it or chose to discard it).
      void this.autosave.clear(entry.key);
    });
    if (options.file) {
      const file = options.file;
      win.webContents.once('did-finish-load', () => this.send(win, 'file:opened', file));
    }
    this.#present(entry);
    await win.loadURL(this.deps.rendererUrl);
    return win;
  }

  /** Sends a contract event to one window. */
  send<E extends EventChannel>(win: WindowLike, channel: E, ...args: EventArgs<E>): void {
    if (!win.isDestroyed()) win.webContents.send(channel, ...args);
  }

  /** A menu command goes to the focused window; New with no window open opens one. */
  menuCommand(command: MenuCommand): void {
    if (command.startsWith('backend-')) {
      this.#backend = command.slice('backend-'.length) as 'auto' | 'webgpu' | 'cpu';
      void this.refreshMenu();
    }
    const win = this.deps.focusedWindow();
    if (win) this.send(win, 'menu:command', command);
    else if (command === 'new' || command === 'open') void this.openWindow();
  }

  async refreshMenu(): Promise<void> {
    const recent = await this.recent.list();
    this.deps.setMenu(
      buildMenuTemplate({
        platform: this.deps.platform,
        isDev: this.deps.isDev,
        send: (command) => this.menuCommand(command),
        newWindow: () => void this.openWindow(),
        openRecent: (path) => void this.openPath(path),
        clearRecent: () => {
          this.deps.clearRecentDocuments();
          void Promise.all(recent.map((r) => this.recent.remove(r.key))).then(() => this.refreshMenu());
        },
        recent,
        backend: this.#backend,
        openDocumentation: () => this.deps.openExternal(DOCUMENTATION_URL),
        showAbout: () => this.deps.showAbout(),
      }),
    );
  }

  #entry(w: DocumentWindow): Entry {
    return w as Entry;
  }

  #present(entry: Entry): void {
    if (entry.win.isDestroyed()) return;
    entry.win.setTitle(windowTitle(entry.fileName, entry.dirty));
    if (this.deps.platform === 'darwin') entry.win.setDocumentEdited(entry.dirty);
  }
}
