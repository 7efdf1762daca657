/**
 * File commands (New, Open, Save, Save as, Export, Recent, Examples) and the autosave, all through
 * the host. Parsing problems of a file are shown and the file is not opened; validation problems
 * are not a reason to refuse a file (they show in the problems list).
 */
import { parseGraph, serializeGraph } from '../../core/graph/document.ts';
import type { AutosaveRecord, FileRef, Host, HostFile, RecentFile } from '../host/types.ts';
import { AutosaveScheduler } from '../state/autosave.ts';
import { emptyDocument, type DocumentStore } from '../state/document.svelte.ts';
import type { ToastStore } from '../state/toasts.svelte.ts';
import type { Example } from './examples.ts';

/** How often unsaved work is written to the autosave. */
export const AUTOSAVE_INTERVAL_MS = 2000;

export class FileController {
  recent = $state.raw<readonly RecentFile[]>([]);
  /** An unsaved draft found at startup, offered for restore until the user decides. */
  restoreOffer = $state.raw<AutosaveRecord | null>(null);
  #autosave: AutosaveScheduler<AutosaveRecord>;
  /** False until the last session has been read, so that the empty start page does not overwrite it. */
  #started = false;

  constructor(
    private readonly host: Host,
    private readonly docs: DocumentStore,
    private readonly toasts: ToastStore,
  ) {
    this.#autosave = new AutosaveScheduler<AutosaveRecord>({
      intervalMs: AUTOSAVE_INTERVAL_MS,
      write: (record) => host.autosave.set(record),
      onError: (e) => toasts.show(`Autosave failed: ${(e as Error).message ?? e}`, 'error'),
    });
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
    this.docs.load(emptyDocument());
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
    // Named after its file but not added to Recent (the gallery is always there).
    this.#openFile({ name: example.file, text: example.text }, { remember: false });
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

  #openFile(file: HostFile, options: { remember?: boolean } = {}): void {
    const { doc, problems } = parseGraph(file.text);
    if (!doc) {
      this.toasts.show(`Cannot open ${file.name}: ${problems.map((p) => p.message).join('; ')}`, 'error');
      return;
    }
    this.docs.load(doc, { file: { name: file.name, path: file.path }, text: file.text });
    if (options.remember !== false) void this.host.addRecent(file).then(() => this.refreshRecent());
  }

  #loadRecord(record: AutosaveRecord): void {
    const { doc } = parseGraph(record.text);
    if (!doc) return;
    this.docs.load(doc, { file: record.file, text: record.text, savedText: record.dirty ? (record.savedText ?? serializeGraph(emptyDocument())) : record.text });
  }

  #record(): AutosaveRecord {
    return { text: this.docs.text, file: this.docs.file ? { ...this.docs.file } : undefined, savedText: this.docs.savedText, dirty: this.docs.dirty, at: Date.now() };
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
