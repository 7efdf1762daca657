/**
 * The Electron host: the Host interface over the preload's bridge (`window.sdeStudio`), typed by
 * electron/ipc/contract.ts. Files have real paths; main keeps the allow-list, does atomic saves,
 * recent files, autosave and recovery, and asks before closing unsaved work.
 */
import type { SdeStudioBridge } from '../../electron/ipc/contract.ts';
import { createDataFileBlobs } from './dataFileBlobs.ts';
import { keyValue } from './idb.ts';
import type { Host, HostFile, MenuCommand } from './types.ts';

declare global {
  interface Window {
    /** Present only inside the Electron app (electron/preload.ts). */
    sdeStudio?: SdeStudioBridge;
  }
}

export function createElectronHost(bridge: SdeStudioBridge): Host {
  let lastDirty: boolean | undefined;
  let lastTitle: string | null | undefined;
  const host: Host = {
    kind: 'electron',
    openFile: () => bridge.invoke('file:open-dialog'),
    openRecent: (entry) => bridge.invoke('file:open-path', entry.path ?? entry.key),
    async save(file, text) {
      if (!file?.path) return host.saveAs(file?.name ?? 'untitled.sdegraph', text);
      return bridge.invoke('file:save', file.path, text);
    },
    saveAs: (suggestedName, text) => bridge.invoke('file:save-as', suggestedName, text),
    async exportJson(suggestedName, text) {
      await bridge.invoke('file:export', suggestedName, text);
    },
    openDataFile: (extensions) => bridge.invoke('data:open-dialog', [...extensions]),
    async saveDataFile(suggestedName, data) {
      // Text exports and bytes (trained .onnx weights) both go through data:save; IPC copies a
      // plain Uint8Array, so a view into a larger buffer is cut to its own bytes first.
      const payload = typeof data === 'string' || (data.byteOffset === 0 && data.byteLength === data.buffer.byteLength) ? data : data.slice();
      return (await bridge.invoke('data:save', suggestedName, payload)) !== null;
    },
    // The bytes stay in the renderer's IndexedDB; main, which holds every window's autosave, says which are named.
    dataFiles: createDataFileBlobs(keyValue, async () => new Set(await bridge.invoke('autosave:data-files'))),
    recentFiles: () => bridge.invoke('recent:list'),
    async addRecent(file: HostFile) {
      // Files without a path (examples) are not recent files.
      if (file.path) await bridge.invoke('recent:add', file.path);
    },
    autosave: {
      get: () => bridge.invoke('autosave:get'),
      set: (record) => bridge.invoke('autosave:set', record),
      clear: () => bridge.invoke('autosave:clear'),
    },
    setDirty(dirty) {
      if (dirty === lastDirty) return;
      lastDirty = dirty;
      void bridge.invoke('window:set-dirty', dirty);
    },
    setTitle(fileName) {
      if (fileName === lastTitle) return;
      lastTitle = fileName;
      void bridge.invoke('window:set-title', fileName);
    },
    confirmDiscard: (message) => bridge.invoke('window:confirm-discard', message),
    onMenuCommand: (listener: (command: MenuCommand) => void) => bridge.on('menu:command', listener),
    onFileOpened: (listener) => bridge.on('file:opened', listener),
  };
  return host;
}
