/**
 * The renderer's only way to the outside world (DESIGN.md, Hosts): files, recent files, autosave,
 * closing with unsaved work, and app-menu commands. The web host (web.ts) uses a file input,
 * downloads, localStorage and IndexedDB; an Electron host implements the same interface in the
 * preload over IPC, with real paths. Every method is async so that either can implement it.
 */

/** Where a document lives, as far as the host can tell. */
export interface FileRef {
  /** File name shown to the user, e.g. `stochastic-lorenz.json`. */
  name: string;
  /**
   * What the host needs to write the file back or reopen it: a file system path in Electron.
   * Undefined on the web, where a saved file is a download the page cannot write again.
   */
  path?: string;
}

/** A file's name, location and text, as read by the host. */
export interface HostFile extends FileRef {
  text: string;
}

/** An entry of the Recent menu. */
export interface RecentFile extends FileRef {
  /** Stable key of the entry (the path in Electron; a generated key on the web). */
  key: string;
  /** When it was last opened or saved (ms since the epoch). */
  at: number;
}

/**
 * The working document as the autosave keeps it. Example:
 * `{ text: '{"format": …}', file: { name: 'ou.json' }, dirty: true, at: 1732890000000 }`.
 */
export interface AutosaveRecord {
  /** The document, serialized with serializeGraph. */
  text: string;
  /** The file it came from or was last saved to, if any. */
  file?: FileRef;
  /** The text as last opened or saved, so that a restored document knows what is unsaved. */
  savedText?: string;
  /** True when `text` holds edits that were never saved. */
  dirty: boolean;
  at: number;
  /**
   * The data files the document's `file` params name, as path → content key (see hashBytes); the
   * bytes live in {@link Host.dataFiles}, written once, not with every autosave.
   */
  files?: Record<string, string>;
}

/** Most bytes of data files one document keeps in the app (memory, the autosave, each run's copy). */
export const MAX_DATA_FILE_BYTES = 20_000_000;

/** A data file the user picked (Choose… on a `file` param): its name and bytes. */
export interface PickedFile {
  name: string;
  bytes: Uint8Array;
}

/**
 * Bytes of the autosave's data files by content key (see {@link AutosaveRecord.files}), in the
 * renderer's IndexedDB under both hosts.
 */
export interface DataFileBlobs {
  get(hash: string): Promise<Uint8Array | null>;
  /** Stores the bytes (a no-op when that key is already stored). */
  put(hash: string, bytes: Uint8Array): Promise<void>;
  /** Deletes the bytes no autosave record names any more (kept a while, for a write in flight). */
  collect(): Promise<void>;
}

/**
 * Every command an app menu (Electron) may send; the web host has no app menu and sends none.
 * A runtime list so that the Electron main process can check what it forwards.
 */
export const MENU_COMMANDS = [
  'new', 'open', 'save', 'save-as', 'export-json', 'examples',
  'undo', 'redo', 'cut', 'copy', 'paste', 'duplicate', 'delete', 'select-all',
  'run', 'cancel-run', 'backend-auto', 'backend-webgpu', 'backend-cpu',
  'fit-view', 'toggle-theme', 'toggle-results',
] as const;

/** See {@link MENU_COMMANDS}. */
export type MenuCommand = (typeof MENU_COMMANDS)[number];

/** See the file comment. Implementations: `createWebHost()` in web.ts; the Electron preload later. */
export interface Host {
  readonly kind: 'web' | 'electron';
  /** Asks the user for a graph file; null when they cancel. */
  openFile(): Promise<HostFile | null>;
  /** Reopens an entry of {@link recentFiles}; null when it is gone (the entry is then dropped). */
  openRecent(entry: RecentFile): Promise<HostFile | null>;
  /**
   * Saves `text` to `file` when the host can write it back (Electron, with a path); otherwise, or
   * without a file, behaves like {@link saveAs}. Returns where it went, or null when cancelled.
   */
  save(file: FileRef | undefined, text: string): Promise<FileRef | null>;
  /** Asks where to save (web: downloads under `suggestedName`); null when cancelled. */
  saveAs(suggestedName: string, text: string): Promise<FileRef | null>;
  /** Writes a copy (web: a download) without changing which file the document is. */
  exportJson(suggestedName: string, text: string): Promise<void>;
  /**
   * Asks the user for a data file with one of `extensions` (lower case with the dot, e.g.
   * `['.pdb', '.xyz']`); null when they cancel. Only the picked file is read.
   */
  openDataFile(extensions: readonly string[]): Promise<PickedFile | null>;
  /**
   * Saves a file a run produced (an export such as a PDB trajectory, or trained weights as
   * `.onnx` bytes): web, a download named `suggestedName`; Electron, a Save dialog. False when
   * cancelled.
   */
  saveDataFile(suggestedName: string, data: string | Uint8Array, mime: string): Promise<boolean>;
  /** See {@link DataFileBlobs}. */
  dataFiles: DataFileBlobs;
  /** Most recent first. */
  recentFiles(): Promise<RecentFile[]>;
  /** Records that `file` (with this text) was just opened or saved. */
  addRecent(file: HostFile): Promise<void>;
  /**
   * The working document of this window, kept across reloads and crashes. `get` returns what this
   * window should resume: its own record after a reload, or an unsaved draft that a closed or
   * crashed window left behind (which this window then takes over); null when there is none.
   */
  autosave: {
    get(): Promise<AutosaveRecord | null>;
    set(record: AutosaveRecord): Promise<void>;
    clear(): Promise<void>;
  };
  /** Tells the host whether there is unsaved work, so that closing the window asks first. */
  setDirty(dirty: boolean): void;
  /** Asks before unsaved work is thrown away (New, Open); true means go ahead. */
  confirmDiscard(message: string): Promise<boolean>;
  /** Subscribes to app-menu commands; returns the unsubscribe function. */
  onMenuCommand(listener: (command: MenuCommand) => void): () => void;
  /**
   * Tells the host the document's file name (null: untitled), for the window title. Optional: the
   * web host keeps the page title.
   */
  setTitle?(fileName: string | null): void;
  /**
   * Subscribes to files the OS hands to this window (command line, "open with", a second instance
   * of the app); returns the unsubscribe function. Optional: the web host has none.
   */
  onFileOpened?(listener: (file: HostFile) => void): () => void;
}
