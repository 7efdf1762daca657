/**
 * The main-process side of every invoke channel, written against injected ports (dialogs, file
 * system, stores) so that it runs under plain Node in tests.
 */
import { basename, join } from 'node:path';
import { MAX_DATA_FILE_BYTES, type FileRef, type HostFile, type PickedFile } from '../../renderer/host/types.ts';
import type { FileAccess } from './access.ts';
import { saveAtomically, describeFsError } from './atomicSave.ts';
import type { AutosaveStore } from './autosave.ts';
import { dataFileFilters, exportFilters, OPEN_FILTERS, SAVE_FILTERS } from './documents.ts';
import type { InvokeHandlers } from './ipc.ts';
import type { FsLike } from './ports.ts';
import type { RecentFiles } from './recent.ts';

/** One document window as the handlers see it. */
export interface DocumentWindow {
  /** Stable for the window's life; names its autosave file. */
  readonly key: string;
  /** True for a window opened for a given file: it does not adopt crash drafts. */
  readonly openedForFile: boolean;
  setDirty(dirty: boolean): void;
  setFileName(name: string | null): void;
}

/** Native dialogs (electron.dialog, bound to the window by the caller). */
export interface DialogPort {
  /** The chosen path, or null when cancelled. */
  open(win: DocumentWindow, options: { filters: typeof OPEN_FILTERS }): Promise<string | null>;
  save(win: DocumentWindow, options: { defaultPath: string; filters: typeof SAVE_FILTERS }): Promise<string | null>;
  confirm(win: DocumentWindow, message: string): Promise<boolean>;
}

export interface HandlerDeps {
  fs: FsLike;
  dialog: DialogPort;
  access: FileAccess;
  recent: RecentFiles;
  autosave: AutosaveStore;
  /** Keys of the windows alive now (their autosaves are not orphans). */
  liveWindowKeys: () => ReadonlySet<string>;
  /** Folder the save dialog starts in (e.g. Documents). */
  documentsDir: string;
}

export function createHandlers(deps: HandlerDeps): InvokeHandlers<DocumentWindow> {
  const { fs, dialog, access, recent, autosave } = deps;

  async function read(path: string): Promise<HostFile | null> {
    try {
      return { name: basename(path), path, text: await fs.readFile(path, 'utf8') };
    } catch (e) {
      if ((e as { code?: string }).code === 'ENOENT') {
        await recent.remove(path);
        return null;
      }
      throw new Error(`Could not open ${basename(path)}: ${describeFsError(e)}`);
    }
  }

  async function saveTo(path: string, text: string | Uint8Array): Promise<FileRef> {
    await saveAtomically(fs, path, text);
    return { name: basename(path), path };
  }

  async function askSavePath(win: DocumentWindow, suggestedName: string): Promise<string | null> {
    const name = suggestedName.trim().replace(/[\\/:*?"<>|\0]+/g, '-') || 'untitled.sdegraph';
    const picked = await dialog.save(win, { defaultPath: join(deps.documentsDir, name), filters: SAVE_FILTERS });
    return picked === null ? null : access.grant(picked);
  }

  /** A picked data file's bytes; refuses one over the size the renderer keeps. */
  async function readDataFile(path: string): Promise<PickedFile> {
    const failed = (e: unknown) => new Error(`Could not open ${basename(path)}: ${describeFsError(e)}`);
    const { size } = await fs.stat(path).catch((e: unknown) => Promise.reject(failed(e)));
    if (size > MAX_DATA_FILE_BYTES) throw tooLarge(path, size);
    const bytes = await fs.readFile(path).catch((e: unknown) => Promise.reject(failed(e)));
    // A plain Uint8Array (not a Buffer view of Node's pool), so IPC copies exactly these bytes.
    return { name: basename(path), bytes: new Uint8Array(bytes) };
  }

  return {
    'file:open-dialog': async (win) => {
      const picked = await dialog.open(win, { filters: OPEN_FILTERS });
      return picked === null ? null : read(access.grant(picked));
    },
    'file:open-path': async (_win, path) => read(await access.check(path)),
    'file:save': async (_win, path, text) => saveTo(await access.check(path), text),
    'file:save-as': async (win, suggestedName, text) => {
      const path = await askSavePath(win, suggestedName);
      return path === null ? null : saveTo(path, text);
    },
    'file:export': async (win, suggestedName, text) => {
      const path = await askSavePath(win, suggestedName);
      return path === null ? null : saveTo(path, text);
    },
    'data:open-dialog': async (win, extensions) => {
      const picked = await dialog.open(win, { filters: dataFileFilters(extensions) });
      return picked === null ? null : readDataFile(picked);
    },
    'data:save': async (win, suggestedName, data) => {
      const name = suggestedName.trim().replace(/[\\/:*?"<>|\0]+/g, '-') || 'export.txt';
      const picked = await dialog.save(win, { defaultPath: join(deps.documentsDir, name), filters: exportFilters(name) });
      return picked === null ? null : saveTo(picked, data);
    },
    'recent:list': () => recent.list(),
    'recent:add': async (_win, path) => recent.add(await access.check(path)),
    'autosave:get': (win) => autosave.get(win.key, { adopt: !win.openedForFile, liveKeys: deps.liveWindowKeys() }),
    'autosave:set': (win, record) => autosave.set(win.key, record),
    'autosave:clear': (win) => autosave.clear(win.key),
    'autosave:data-files': () => autosave.dataFileHashes(),
    'window:set-dirty': (win, dirty) => win.setDirty(dirty),
    'window:set-title': (win, fileName) => win.setFileName(fileName),
    'window:confirm-discard': (win, message) => dialog.confirm(win, message),
  };
}

function tooLarge(path: string, size: number): Error {
  return new Error(`${basename(path)} is ${(size / 1e6).toFixed(1)} MB; the app keeps at most ${MAX_DATA_FILE_BYTES / 1e6} MB of data files per graph (the command line has no limit)`);
}
