/**
 * The one IPC contract between main and the renderer (CONVENTIONS.md, Electron Fiddle): every
 * channel with its argument tuple and result. Main registers its handlers from a table typed by
 * {@link InvokeContract} and checks arguments with {@link INVOKE_VALIDATORS}; the preload exposes
 * {@link SdeStudioBridge} (typed from the same maps) and the renderer's Electron host is written
 * against that bridge. No Electron or DOM imports: main, preload and renderer all import this file.
 */
import type { AutosaveRecord, FileRef, HostFile, MenuCommand, PickedFile, RecentFile } from '../../renderer/host/types.ts';
import { MENU_COMMANDS } from '../../renderer/host/types.ts';

/** Renderer → main requests (ipcRenderer.invoke / ipcMain.handle). */
export interface InvokeContract {
  /** Native Open dialog; the picked file joins the allow-list. Null when cancelled. */
  'file:open-dialog': { args: []; result: HostFile | null };
  /** Reads a file on the allow-list (picked, handed by the OS, or recent). Null when it is gone. */
  'file:open-path': { args: [path: string]; result: HostFile | null };
  /** Atomic save to a path on the allow-list; rejects with the reason when the write fails. */
  'file:save': { args: [path: string, text: string]; result: FileRef };
  /** Native Save dialog, then an atomic save; null when cancelled. */
  'file:save-as': { args: [suggestedName: string, text: string]; result: FileRef | null };
  /** Native Save dialog for a copy; the document keeps its file. Null when cancelled. */
  'file:export': { args: [suggestedName: string, text: string]; result: FileRef | null };
  /**
   * Native Open dialog for a data file with one of these extensions (`['.pdb', '.xyz']`); returns
   * its name and bytes, or null when cancelled. The path does not join the allow-list: the bytes
   * are all the renderer gets.
   */
  'data:open-dialog': { args: [extensions: string[]]; result: PickedFile | null };
  /**
   * Native Save dialog for a file a run produced (an export as text, or bytes such as trained
   * .onnx weights), then an atomic save; null when cancelled.
   */
  'data:save': { args: [suggestedName: string, data: string | Uint8Array]; result: FileRef | null };
  /** Recent files, most recent first, missing files dropped. */
  'recent:list': { args: []; result: RecentFile[] };
  /** Records an allowed path as just opened or saved (also the OS's recent documents). */
  'recent:add': { args: [path: string]; result: void };
  /** This window's autosave, or an orphaned draft of a crashed window that it adopts. */
  'autosave:get': { args: []; result: AutosaveRecord | null };
  'autosave:set': { args: [record: AutosaveRecord]; result: void };
  'autosave:clear': { args: []; result: void };
  /** The data-file content keys that any window's autosave names (the renderer keeps those bytes). */
  'autosave:data-files': { args: []; result: string[] };
  /** Dirty flag: title marker, and whether closing asks first. */
  'window:set-dirty': { args: [dirty: boolean]; result: void };
  /** The document's file name for the title (null: untitled). */
  'window:set-title': { args: [fileName: string | null]; result: void };
  /** Native yes/no before unsaved work is thrown away. */
  'window:confirm-discard': { args: [message: string]; result: boolean };
}

/** Main → renderer events (webContents.send / ipcRenderer.on). */
export interface EventContract {
  /** An app-menu item was chosen. */
  'menu:command': [command: MenuCommand];
  /** A file was handed to this window (command line, OS "open with", a second instance). */
  'file:opened': [file: HostFile];
}

export type InvokeChannel = keyof InvokeContract;
export type InvokeArgs<C extends InvokeChannel> = InvokeContract[C]['args'];
export type InvokeResult<C extends InvokeChannel> = InvokeContract[C]['result'];
export type EventChannel = keyof EventContract;
export type EventArgs<E extends EventChannel> = EventContract[E];

/** What the preload exposes as `window.sdeStudio` (contextBridge). */
export interface SdeStudioBridge {
  invoke<C extends InvokeChannel>(channel: C, ...args: InvokeArgs<C>): Promise<InvokeResult<C>>;
  /** Subscribes to a main → renderer event; returns the unsubscribe function. */
  on<E extends EventChannel>(channel: E, listener: (...args: EventArgs<E>) => void): () => void;
  /** `process.platform` of main, e.g. for labels. */
  readonly platform: string;
}

/** Name of the bridge on `window`. */
export const BRIDGE_NAME = 'sdeStudio';

/** Longest document main accepts over IPC (64 MiB of text): a bound, not a format limit. */
export const MAX_TEXT_LENGTH = 64 * 1024 * 1024;
const MAX_SHORT = 4096;

const isString = (v: unknown, max = MAX_SHORT): v is string => typeof v === 'string' && v.length <= max;
const isNonEmpty = (v: unknown): v is string => isString(v) && v.length > 0 && !v.includes('\0');
const isText = (v: unknown): v is string => isString(v, MAX_TEXT_LENGTH);
/** Bytes a renderer may save: a plain Uint8Array (what structured clone delivers) of bounded size. */
const isBytes = (v: unknown): v is Uint8Array => v instanceof Uint8Array && v.byteLength <= MAX_TEXT_LENGTH;
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Most data files an autosave record may name, and the most extensions a data-file dialog takes. */
const MAX_DATA_FILES = 256;
const MAX_EXTENSIONS = 16;

/** A data file's extension as the catalog writes it: a dot and 1–10 lower-case letters or digits. */
export function isExtension(v: unknown): v is string {
  return typeof v === 'string' && /^\.[a-z0-9]{1,10}$/.test(v);
}

/** An autosave record's `files`: path → content key (see hashBytes: `<length>:<16 hex digits>`). */
function isFileHashes(v: unknown): v is Record<string, string> {
  if (!isRecord(v)) return false;
  const entries = Object.entries(v);
  return entries.length <= MAX_DATA_FILES && entries.every(([path, hash]) => isNonEmpty(path) && typeof hash === 'string' && /^\d{1,12}:[0-9a-f]{16}$/.test(hash));
}

/** A {@link FileRef} as the renderer may send it. */
export function isFileRef(v: unknown): v is FileRef {
  return isRecord(v) && isNonEmpty(v.name) && (v.path === undefined || isNonEmpty(v.path));
}

/** An {@link AutosaveRecord} as the renderer may send it. */
export function isAutosaveRecord(v: unknown): v is AutosaveRecord {
  return (
    isRecord(v) &&
    isText(v.text) &&
    (v.file === undefined || isFileRef(v.file)) &&
    (v.savedText === undefined || isText(v.savedText)) &&
    typeof v.dirty === 'boolean' &&
    typeof v.at === 'number' &&
    Number.isFinite(v.at) &&
    (v.files === undefined || isFileHashes(v.files))
  );
}

export function isMenuCommand(v: unknown): v is MenuCommand {
  return typeof v === 'string' && (MENU_COMMANDS as readonly string[]).includes(v);
}

type Validators = { [C in InvokeChannel]: (args: readonly unknown[]) => args is InvokeArgs<C> };

const none = (a: readonly unknown[]): a is [] => a.length === 0;

/** Argument checks main runs before every handler (the renderer is not trusted). */
export const INVOKE_VALIDATORS: Validators = {
  'file:open-dialog': none,
  'file:open-path': (a): a is [string] => a.length === 1 && isNonEmpty(a[0]),
  'file:save': (a): a is [string, string] => a.length === 2 && isNonEmpty(a[0]) && isText(a[1]),
  'file:save-as': (a): a is [string, string] => a.length === 2 && isString(a[0], 255) && isText(a[1]),
  'file:export': (a): a is [string, string] => a.length === 2 && isString(a[0], 255) && isText(a[1]),
  'data:open-dialog': (a): a is [string[]] => a.length === 1 && Array.isArray(a[0]) && a[0].length > 0 && a[0].length <= MAX_EXTENSIONS && a[0].every(isExtension),
  'data:save': (a): a is [string, string | Uint8Array] => a.length === 2 && isString(a[0], 255) && (isText(a[1]) || isBytes(a[1])),
  'recent:list': none,
  'recent:add': (a): a is [string] => a.length === 1 && isNonEmpty(a[0]),
  'autosave:get': none,
  'autosave:set': (a): a is [AutosaveRecord] => a.length === 1 && isAutosaveRecord(a[0]),
  'autosave:clear': none,
  'autosave:data-files': none,
  'window:set-dirty': (a): a is [boolean] => a.length === 1 && typeof a[0] === 'boolean',
  'window:set-title': (a): a is [string | null] => a.length === 1 && (a[0] === null || isString(a[0], 255)),
  'window:confirm-discard': (a): a is [string] => a.length === 1 && isString(a[0], 1000),
};

/** Every invoke channel (the preload refuses others). */
export const INVOKE_CHANNELS = Object.keys(INVOKE_VALIDATORS) as InvokeChannel[];

/** Every event channel (the preload subscribes to no others). */
export const EVENT_CHANNELS: readonly EventChannel[] = ['menu:command', 'file:opened'];
