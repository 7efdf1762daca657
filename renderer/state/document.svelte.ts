/**
 * The open graph document: the single source of truth of the editor. Every edit goes through
 * `apply` (a new immutable document plus an undo step); validation, the serialized text and the
 * dirty flag are derived from it.
 */
import { serializeGraph } from '../../core/graph/document.ts';
import { GRAPH_FORMAT, GRAPH_VERSION, type GraphDocument, type Problem } from '../../core/graph/types.ts';
import { validateGraph, type Validation } from '../../core/graph/validate.ts';
import { CATALOG } from '../catalog.ts';
import { DataFileStore } from '../files/dataFiles.svelte.ts';
import type { FileRef } from '../host/types.ts';
import { History } from './history.ts';

/** A new, empty graph. */
export function emptyDocument(name = 'Untitled graph'): GraphDocument {
  return { format: GRAPH_FORMAT, version: GRAPH_VERSION, name, nodes: [], edges: [] };
}

export class DocumentStore {
  #history = new History<GraphDocument>(emptyDocument());
  /** Bumped on every change of the history, so that the undo/redo getters are reactive. */
  #revision = $state(0);

  /** The current document. Never mutate it: pass a new one to {@link apply}. */
  doc = $state.raw<GraphDocument>(this.#history.present);
  /** The file the document came from or was last saved to. */
  file = $state.raw<FileRef | undefined>(undefined);
  /** The document as last opened or saved, and its exact text (kept byte for byte). */
  #saved = $state.raw<{ doc: GraphDocument | null; text: string }>({ doc: this.doc, text: serializeGraph(this.doc) });

  /** The bytes of the files the document's `file` params name (not part of the undo history). */
  readonly dataFiles = new DataFileStore();
  /** Every problem of the current document, recomputed on each change of it or of its data files. */
  readonly validation: Validation = $derived(validateGraph(this.doc, CATALOG, { files: this.dataFiles.bytes }));
  /** The problems of each node, by node id (for badges and the inspector). */
  readonly problemsByNode: ReadonlyMap<string, readonly Problem[]> = $derived(groupByNode(this.validation.problems));
  /** Bumped whenever a different document is loaded (the canvas then fits it into view). */
  loads = $state(0);
  /**
   * The text Save writes. For the document as opened this is the file's own text, so that undoing
   * every edit gives back the original bytes even when the file was formatted by hand.
   */
  readonly text: string = $derived(this.doc === this.#saved.doc ? this.#saved.text : serializeGraph(this.doc));
  readonly dirty: boolean = $derived(this.text !== this.#saved.text);
  /** What the header shows: the graph's name, else the file name. */
  readonly title: string = $derived(this.doc.name?.trim() || this.file?.name || 'Untitled graph');

  get canUndo(): boolean {
    void this.#revision;
    return this.#history.canUndo;
  }

  get canRedo(): boolean {
    void this.#revision;
    return this.#history.canRedo;
  }

  get undoLabel(): string | undefined {
    void this.#revision;
    return this.#history.undoLabel;
  }

  get redoLabel(): string | undefined {
    void this.#revision;
    return this.#history.redoLabel;
  }

  /**
   * Makes `next` the document as one undo step named `label`. Edits with the same `coalesce` key
   * in a row (typing in one field) become one step. Returns false when nothing changed.
   */
  apply(next: GraphDocument, label: string, coalesce?: string): boolean {
    if (!this.#history.push(next, label, coalesce)) return false;
    this.#sync();
    return true;
  }

  /** Closes the current coalescing step (a field lost focus). */
  seal(): void {
    this.#history.seal();
  }

  undo(): boolean {
    if (!this.#history.undo()) return false;
    this.#sync();
    return true;
  }

  redo(): boolean {
    if (!this.#history.redo()) return false;
    this.#sync();
    return true;
  }

  /**
   * Replaces the document (New, Open, restore). `savedText` is the file's text when it came from
   * one; without it the document counts as unsaved from the start (a restored draft).
   */
  load(doc: GraphDocument, options: { file?: FileRef; text?: string; savedText?: string } = {}): void {
    this.#history.reset(doc);
    this.file = options.file;
    const text = options.text ?? serializeGraph(doc);
    // A restored draft has no saved document object, only the saved text to compare with.
    this.#saved = { doc: options.savedText === undefined || options.savedText === text ? doc : null, text: options.savedText ?? text };
    this.#sync();
    this.loads++;
  }

  /** Records that the current document was written to `file`. */
  markSaved(file: FileRef | undefined): void {
    this.file = file;
    this.#saved = { doc: this.doc, text: this.text };
  }

  /** The text the document was last opened or saved with. */
  get savedText(): string {
    return this.#saved.text;
  }

  #sync(): void {
    this.doc = this.#history.present;
    this.#revision++;
  }
}

function groupByNode(problems: readonly Problem[]): Map<string, Problem[]> {
  const map = new Map<string, Problem[]>();
  for (const p of problems) {
    if (p.nodeId === undefined) continue;
    const list = map.get(p.nodeId);
    if (list) list.push(p);
    else map.set(p.nodeId, [p]);
  }
  return map;
}
