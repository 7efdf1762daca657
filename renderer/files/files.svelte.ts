/**
 * File commands (New, Open, Save, Save as, Export, Recent, Examples) and the autosave, all through
 * the host. Parsing problems of a file are shown and the file is not opened; validation problems
 * are not a reason to refuse a file (they show in the problems list).
 */
import type { Catalog } from '../../core/graph/catalog.ts';
import { fileRefs } from '../../core/graph/fileRefs.ts';
import { parseGraph, serializeGraph } from '../../core/graph/document.ts';
import { CATALOG } from '../catalog.ts';
import type { AutosaveRecord, FileRef, Host, HostFile, RecentFile } from '../host/types.ts';
import { AutosaveScheduler } from '../state/autosave.ts';
import { emptyDocument, type DocumentStore } from '../state/document.svelte.ts';
import type { ToastStore } from '../state/toasts.svelte.ts';
import type { DataFile } from './dataFiles.svelte.ts';
import { exampleFiles, type Example } from './examples.ts';

/** What one autosave writes: the record, and the bytes of the data files it names. */
interface AutosaveSnapshot {
  record: AutosaveRecord;
  blobs: Map<string, Uint8Array>;
}

/** How often unsaved work is written to the autosave. */
export const AUTOSAVE_INTERVAL_MS = 2000;

export class FileController {
  recent = $state.raw<readonly RecentFile[]>([]);
  /** An unsaved draft found at startup, offered for restore until the user decides. */
  restoreOffer = $state.raw<AutosaveRecord | null>(null);
  #autosave: AutosaveScheduler<AutosaveSnapshot>;
  /** False until the last session has been read, so that the empty start page does not overwrite it. */
  #started = false;
  /** Data-file bytes already in the host's store (by content key), so each is written once. */
  #storedBlobs = new Set<string>();
  /** The content keys the last written record named; a change lets unnamed bytes be collected. */
  #namedBlobs = '';
  /** Bumped on every load, so data files restored late do not land in another document. */
  #loadCount = 0;

  constructor(
    private readonly host: Host,
    private readonly docs: DocumentStore,
    private readonly toasts: ToastStore,
    /** The node catalog (which params are files); tests pass one with test nodes. */
    private readonly catalog: Catalog = CATALOG,
  ) {
    this.#autosave = new AutosaveScheduler<AutosaveSnapshot>({
      intervalMs: AUTOSAVE_INTERVAL_MS,
      write: (snapshot) => this.#write(snapshot),
      onError: (e) => toasts.show(`Autosave failed: ${(e as Error).message ?? e}`, 'error'),
    });
  }

  /** Data files first, then the record that names them; unnamed bytes go when the set changed. */
  async #write({ record, blobs }: AutosaveSnapshot): Promise<void> {
    for (const [hash, bytes] of blobs) {
      if (this.#storedBlobs.has(hash)) continue;
      await this.host.dataFiles.put(hash, bytes);
      this.#storedBlobs.add(hash);
    }
    await this.host.autosave.set(record);
    const named = [...blobs.keys()].sort().join('\n');
    if (named !== this.#namedBlobs) {
      this.#namedBlobs = named;
      await this.host.dataFiles.collect();
    }
  }

  /** Reopens the last session: silently when it was saved, as an offer when it had unsaved work. */
  async start(): Promise<void> {
    void this.refreshRecent();
    let record: AutosaveRecord | null = null;
    try {
      record = await this.host.autosave.get();
    } catch {
      // No IndexedDB (private mode): start empty.
    }
    if (record?.dirty) this.restoreOffer = record;
    else if (record) this.#loadRecord(record);
    this.#started = true;
    void this.host.dataFiles.collect().catch(() => {});
  }

  /** Called by an effect on every document change: keeps the autosave current. */
  track(): void {
    const { dirty } = this.docs;
    this.host.setDirty(dirty);
    this.host.setTitle?.(this.docs.file?.name ?? null);
    // Do not overwrite a draft before it was read, or while the user decides about it.
    if (!this.#started || this.restoreOffer) return;
    this.#autosave.schedule(() => this.#record());
    if (!dirty) void this.#autosave.flush();
  }

  /** Writes pending autosave now (page hidden or closing). */
  flush(): Promise<void> {
    return this.#autosave.flush();
  }

  restore(): void {
    const record = this.restoreOffer;
    this.restoreOffer = null;
    if (record) this.#loadRecord(record);
    this.toasts.show('Unsaved work restored', 'success');
  }

  discardRestore(): void {
    this.restoreOffer = null;
    void this.host.autosave.clear().then(() => this.track());
  }

  async newDocument(): Promise<void> {
    if (!(await this.#mayDiscard('Discard unsaved changes and start a new graph?'))) return;
    this.#loadCount++;
    this.docs.load(emptyDocument());
    this.docs.dataFiles.reset();
  }

  async open(): Promise<void> {
    if (!(await this.#mayDiscard('Discard unsaved changes and open another graph?'))) return;
    const file = await this.host.openFile();
    if (file) this.#openFile(file);
  }

  async openRecent(entry: RecentFile): Promise<void> {
    if (!(await this.#mayDiscard(`Discard unsaved changes and open ${entry.name}?`))) return;
    const file = await this.host.openRecent(entry);
    if (!file) {
      this.toasts.show(`${entry.name} is no longer available`, 'error');
      void this.refreshRecent();
      return;
    }
    this.#openFile(file);
  }

  async openExample(example: Example): Promise<void> {
    if (!(await this.#mayDiscard(`Discard unsaved changes and open the example "${example.name}"?`))) return;
    let files = new Map<string, Uint8Array>();
    try {
      files = await exampleFiles(example);
    } catch (e) {
      // Opened anyway: the node says which file is missing, and Choose… can fill it in.
      this.toasts.show(`Some data files of ${example.file} could not be loaded: ${(e as Error).message}`, 'error');
    }
    // Named after its file but not added to Recent (the gallery is always there).
    this.#openFile({ name: example.file, text: example.text }, { remember: false, files });
  }

  async save(): Promise<void> {
    await this.#trying('Save', async () => {
      const ref = await this.host.save(this.docs.file, this.docs.text);
      if (ref) this.#saved(ref);
    });
  }

  async saveAs(): Promise<void> {
    await this.#trying('Save', async () => {
      const ref = await this.host.saveAs(this.#suggestedName(), this.docs.text);
      if (ref) this.#saved(ref);
    });
  }

  async exportJson(): Promise<void> {
    await this.#trying('Export', () => this.host.exportJson(this.#suggestedName(), this.docs.text));
  }

  /** A file the OS handed to this window (Electron: command line, "open with", second instance). */
  async openHanded(file: HostFile): Promise<void> {
    if (!(await this.#mayDiscard(`Discard unsaved changes and open ${file.name}?`))) return;
    this.#openFile(file);
  }

  /** A failed save (read-only folder, disk full) says why; the document stays dirty. */
  async #trying(what: string, action: () => Promise<void>): Promise<void> {
    try {
      await action();
    } catch (e) {
      this.toasts.show(`${what} failed: ${cleanIpcError(e)}`, 'error');
    }
  }

  async refreshRecent(): Promise<void> {
    this.recent = await this.host.recentFiles();
  }

  #saved(ref: FileRef): void {
    this.docs.markSaved(ref);
    void this.host.addRecent({ ...ref, text: this.docs.text }).then(() => this.refreshRecent());
    this.toasts.show(`Saved ${ref.name}`, 'success');
    this.track();
  }

  /**
   * Opens a graph with its data files (`files`: an example's). A graph file from disk comes
   * without them: its nodes say which files are missing, and Choose… in the inspector loads each.
   */
  #openFile(file: HostFile, options: { remember?: boolean; files?: Map<string, Uint8Array> } = {}): void {
    const { doc, problems } = parseGraph(file.text);
    if (!doc) {
      this.toasts.show(`Cannot open ${file.name}: ${problems.map((p) => p.message).join('; ')}`, 'error');
      return;
    }
    this.#loadCount++;
    // Files first, so that the new document is never validated against the old one's files.
    this.docs.dataFiles.reset(options.files ?? []);
    this.docs.load(doc, { file: { name: file.name, path: file.path }, text: file.text });
    if (options.remember !== false) void this.host.addRecent(file).then(() => this.refreshRecent());
  }

  #loadRecord(record: AutosaveRecord): void {
    const { doc } = parseGraph(record.text);
    if (!doc) return;
    const load = ++this.#loadCount;
    this.docs.dataFiles.reset();
    this.docs.load(doc, { file: record.file, text: record.text, savedText: record.dirty ? (record.savedText ?? serializeGraph(emptyDocument())) : record.text });
    void this.#restoreFiles(record.files ?? {}, load);
  }

  /** Reads back the data files an autosave named; one that is gone is left for the user to choose again. */
  async #restoreFiles(files: Record<string, string>, load: number): Promise<void> {
    const found: [string, DataFile][] = [];
    for (const [path, hash] of Object.entries(files)) {
      try {
        const bytes = await this.host.dataFiles.get(hash);
        if (bytes) found.push([path, { bytes, hash }]);
        if (bytes) this.#storedBlobs.add(hash);
      } catch {
        // Missing: validation reports it on the node.
      }
    }
    if (load === this.#loadCount && found.length > 0) this.docs.dataFiles.restore(found);
  }

  #record(): AutosaveSnapshot {
    const files: Record<string, string> = {};
    const blobs = new Map<string, Uint8Array>();
    for (const ref of fileRefs(this.docs.doc, this.catalog)) {
      const f = this.docs.dataFiles.get(ref.path);
      if (!f) continue;
      files[ref.path] = f.hash;
      blobs.set(f.hash, f.bytes);
    }
    const record: AutosaveRecord = { text: this.docs.text, file: this.docs.file ? { ...this.docs.file } : undefined, savedText: this.docs.savedText, dirty: this.docs.dirty, at: Date.now() };
    if (blobs.size > 0) record.files = files;
    return { record, blobs };
  }

  async #mayDiscard(message: string): Promise<boolean> {
    return !this.docs.dirty || this.host.confirmDiscard(message);
  }

  #suggestedName(): string {
    if (this.docs.file) return this.docs.file.name;
    const slug = (this.docs.doc.name ?? '').toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
    return `${slug || 'untitled'}.json`;
  }
}

/** Electron prefixes errors thrown in main with "Error invoking remote method '…': Error: "; drop that. */
function cleanIpcError(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  return message.replace(/^Error invoking remote method '[^']*': (?:\w*Error: )?/, '');
}
