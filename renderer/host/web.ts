/**
 * The web host: files through a file input and downloads, recent files in localStorage (with their
 * text, since a page cannot reopen a file by path), the autosave in IndexedDB, and the browser's
 * `beforeunload` prompt while there is unsaved work.
 */
import { createDataFileBlobs, namedHashes } from './dataFileBlobs.ts';
import { keyValue } from './idb.ts';
import type { AutosaveRecord, FileRef, Host, HostFile, PickedFile, RecentFile } from './types.ts';

const RECENT_KEY = 'sde-studio.recent';
const RECENT_TEXT_PREFIX = 'sde-studio.recent-text:';
const AUTOSAVE_PREFIX = 'autosave:';
const WINDOW_ID_KEY = 'sde-studio.window-id';
const WINDOW_LOCK_PREFIX = 'sde-studio.window:';
const MAX_RECENT = 8;

/** Options of {@link createWebHost}. */
export interface WebHostOptions {
  /** Asks a yes/no question; the app passes its own dialog, the default is `window.confirm`. */
  confirm?: (message: string) => Promise<boolean>;
}

export function createWebHost(options: WebHostOptions = {}): Host {
  const confirm = options.confirm ?? ((message: string) => Promise.resolve(window.confirm(message)));
  let dirty = false;
  const onBeforeUnload = (e: BeforeUnloadEvent) => {
    if (!dirty) return;
    e.preventDefault();
    // Older browsers show the prompt only when returnValue is set.
    e.returnValue = '';
  };
  addEventListener('beforeunload', onBeforeUnload);
  const windowId = claimWindowId();

  const host: Host = {
    kind: 'web',
    openFile: pickFile,
    async openRecent(entry) {
      const text = localStorage.getItem(RECENT_TEXT_PREFIX + entry.key);
      if (text === null) {
        writeRecent(readRecent().filter((r) => r.key !== entry.key));
        return null;
      }
      return { name: entry.name, text };
    },
    async save(file, text) {
      return host.saveAs(file?.name ?? 'untitled.json', text);
    },
    async saveAs(suggestedName, text) {
      const name = jsonName(suggestedName);
      download(name, text);
      return { name } satisfies FileRef;
    },
    async exportJson(suggestedName, text) {
      download(jsonName(suggestedName), text);
    },
    openDataFile: pickDataFile,
    async saveDataFile(suggestedName, data, mime) {
      download(safeName(suggestedName) || 'export.txt', data, mime);
      return true;
    },
    // Every window's autosave is in this IndexedDB, so the bytes any of them names are known exactly.
    dataFiles: createDataFileBlobs(keyValue, async () => {
      const keys = await keyValue.keys(AUTOSAVE_PREFIX);
      return namedHashes(await Promise.all(keys.map((k) => keyValue.get<AutosaveRecord>(k))));
    }),
    async recentFiles() {
      return readRecent();
    },
    async addRecent(file: HostFile) {
      const key = file.name;
      try {
        localStorage.setItem(RECENT_TEXT_PREFIX + key, file.text);
      } catch {
        // Storage full: keep the entry list anyway; reopening will say the file is gone.
      }
      const list = [{ key, name: file.name, at: Date.now() }, ...readRecent().filter((r) => r.key !== key)];
      for (const dropped of list.slice(MAX_RECENT)) localStorage.removeItem(RECENT_TEXT_PREFIX + dropped.key);
      writeRecent(list.slice(0, MAX_RECENT));
    },
    autosave: {
      get: async () => resumeAutosave(await windowId),
      set: async (record) => keyValue.set(AUTOSAVE_PREFIX + (await windowId), record),
      clear: async () => keyValue.delete(AUTOSAVE_PREFIX + (await windowId)),
    },
    setDirty(value) {
      dirty = value;
    },
    confirmDiscard: confirm,
    onMenuCommand() {
      // A web page has no app menu; the in-page menus call the app directly.
      return () => {};
    },
  };
  return host;
}

/**
 * Each window keeps its own autosave, so two windows of the app do not overwrite each other's
 * work. A window's id lives in sessionStorage (it survives a reload of that tab) and the window
 * holds a Web Lock named after it for as long as it is open; an autosave whose window holds no
 * lock was left by a window that closed or crashed.
 */
async function claimWindowId(): Promise<string> {
  let id = sessionStorage.getItem(WINDOW_ID_KEY) ?? crypto.randomUUID();
  if (!navigator.locks) return id;
  for (;;) {
    const got = await new Promise<boolean>((resolve) => {
      void navigator.locks.request(WINDOW_LOCK_PREFIX + id, { ifAvailable: true }, (lock) => {
        resolve(lock !== null);
        // Held until the window goes away.
        return lock ? new Promise<void>(() => {}) : undefined;
      });
    });
    if (got) break;
    id = crypto.randomUUID(); // a duplicated tab copied our id: take a new one
  }
  sessionStorage.setItem(WINDOW_ID_KEY, id);
  return id;
}

/**
 * The autosave this window should resume: its own (a reload), else the newest unsaved draft left
 * by a window that is gone (a crash or a closed tab), which this window then adopts.
 */
async function resumeAutosave(windowId: string): Promise<AutosaveRecord | null> {
  const own = await keyValue.get<AutosaveRecord>(AUTOSAVE_PREFIX + windowId);
  if (own) return own;
  if (!navigator.locks) return null;
  const held = new Set(((await navigator.locks.query()).held ?? []).map((l) => l.name));
  let best: { key: string; record: AutosaveRecord } | undefined;
  for (const key of await keyValue.keys(AUTOSAVE_PREFIX)) {
    if (held.has(WINDOW_LOCK_PREFIX + key.slice(AUTOSAVE_PREFIX.length))) continue;
    const record = await keyValue.get<AutosaveRecord>(key);
    if (!record?.dirty) {
      await keyValue.delete(key); // a saved document needs no rescue
      continue;
    }
    if (!best || record.at > best.record.at) best = { key, record };
  }
  if (!best) return null;
  await keyValue.set(AUTOSAVE_PREFIX + windowId, best.record);
  await keyValue.delete(best.key);
  return best.record;
}

/** Opens the browser's file chooser; resolves null when the user cancels. */
function pickFile(): Promise<HostFile | null> {
  return new Promise((resolve) => {
    const input = document.createElement('input');
    input.type = 'file';
    input.accept = '.json,application/json';
    input.dataset.testid = 'open-file-input';
    input.style.display = 'none';
    const finish = (file: HostFile | null) => {
      input.remove();
      resolve(file);
    };
    input.addEventListener('change', async () => {
      const file = input.files?.[0];
      finish(file ? { name: file.name, text: await file.text() } : null);
    });
    input.addEventListener('cancel', () => finish(null));
    // In the document so that tests can set files on it (Playwright's setInputFiles).
    document.body.append(input);
    input.click();
  });
}

/**
 * Opens the browser's file chooser for a data file with one of `extensions`; resolves null when
 * the user cancels.
 */
function pickDataFile(extensions: readonly string[]): Promise<PickedFile | null> {
  return new Promise((resolve) => {
    const input = document.createElement('input');
    input.type = 'file';
    input.accept = extensions.join(',');
    input.dataset.testid = 'open-data-file-input';
    input.style.display = 'none';
    const finish = (file: PickedFile | null) => {
      input.remove();
      resolve(file);
    };
    input.addEventListener('change', async () => {
      const file = input.files?.[0];
      finish(file ? { name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) } : null);
    });
    input.addEventListener('cancel', () => finish(null));
    document.body.append(input);
    input.click();
  });
}

function download(name: string, data: string | Uint8Array, mime = 'application/json'): void {
  const url = URL.createObjectURL(new Blob([data as BlobPart], { type: mime }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  // Revoked later: Chromium starts the download asynchronously.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A name a download may have: no folders, no characters file systems refuse. */
function safeName(name: string): string {
  return name.trim().replace(/[\\/:*?"<>|\0]+/g, '-');
}

function jsonName(name: string): string {
  const base = safeName(name) || 'untitled';
  return base.toLowerCase().endsWith('.json') ? base : `${base}.json`;
}

function readRecent(): RecentFile[] {
  try {
    const list = JSON.parse(localStorage.getItem(RECENT_KEY) ?? '[]') as RecentFile[];
    return Array.isArray(list) ? list.filter((r) => typeof r?.key === 'string' && typeof r?.name === 'string') : [];
  } catch {
    return [];
  }
}

function writeRecent(list: readonly RecentFile[]): void {
  localStorage.setItem(RECENT_KEY, JSON.stringify(list));
}
