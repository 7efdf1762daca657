/**
 * The editor: the document, the selection and every command a menu, a shortcut or the canvas can
 * issue. Components get it from context (see context.ts) and call these methods; none of them
 * edits the document directly.
 */
import { fileRefs } from '../../core/graph/fileRefs.ts';
import type { PortRef } from '../../core/graph/types.ts';
import { CATALOG } from '../catalog.ts';
import { formatMegabytes } from '../files/dataFiles.svelte.ts';
import { FileController } from '../files/files.svelte.ts';
import type { Host } from '../host/types.ts';
import { isTrainType } from '../run/trainings.ts';
import type { BackendChoice, RunController } from '../run/types.ts';
import { align, type Alignment, type Box } from './align.ts';
import { copySelection, pasteInto, sharedClipboard, type ClipboardPayload } from './clipboard.ts';
import { DocumentStore } from './document.svelte.ts';
import * as edits from './graphEdits.ts';
import { PanelsStore } from './panels.svelte.ts';
import { SelectionStore } from './selection.svelte.ts';
import type { ThemeStore } from './theme.svelte.ts';
import { ToastStore } from './toasts.svelte.ts';

/** What the canvas lends the editor: geometry only Svelte Flow knows. */
export interface CanvasApi {
  fitView(): void;
  /** The centre of the visible area, in flow coordinates. */
  viewportCenter(): edits.Point;
  /** Boxes of these nodes as drawn (position and measured size). */
  boxes(nodeIds: readonly string[]): Box[];
  /** Pans so that the node is in view. */
  reveal(nodeId: string): void;
}

const PASTE_OFFSET = { x: 32, y: 32 };

export class Editor {
  readonly docs = new DocumentStore();
  readonly selection = new SelectionStore();
  readonly toasts = new ToastStore();
  readonly panels = new PanelsStore();
  readonly files: FileController;
  canvas: CanvasApi | undefined;
  /** Bumped to make the problems list draw attention (Run refused). */
  problemsAttention = $state(0);
  /** Whether the shared clipboard holds nodes (any window of the app may have copied). */
  canPaste = $state(false);
  /** Whether the examples gallery is open. */
  examplesOpen = $state(false);
  /** The param the inspector should scroll to and focus (a problem was clicked). */
  focusParam = $state.raw<{ nodeId: string; param: string; item?: number } | null>(null);
  #pasteCount = 0;

  constructor(
    readonly host: Host,
    readonly run: RunController,
    readonly theme: ThemeStore,
  ) {
    this.files = new FileController(host, this.docs, this.toasts);
    this.canPaste = sharedClipboard.read() !== undefined;
    sharedClipboard.onChange((payload) => {
      this.canPaste = payload !== undefined;
      this.#pasteCount = 0;
    });
  }

  // ——— history ———

  undo(): void {
    if (this.docs.undo()) this.#pruneSelection();
  }

  redo(): void {
    if (this.docs.redo()) this.#pruneSelection();
  }

  // ——— nodes and edges ———

  /** Adds a node of `type` at `position` (flow coordinates), or in the middle of the view, and selects it. */
  addNode(type: string, position?: edits.Point): string | undefined {
    const def = CATALOG.get(type);
    if (!def) return undefined;
    const doc = this.docs.doc;
    const id = edits.uniqueNodeId(doc, edits.baseIdFor(type));
    const at = position ?? this.#freeSpot(this.canvas?.viewportCenter() ?? { x: 0, y: 0 });
    this.docs.apply(edits.addElements(doc, [edits.createNode(def, id, at)]), `Add ${def.title}`);
    this.selection.set([id]);
    return id;
  }

  deleteSelection(): void {
    const { nodeIds, edgeIds } = this.selection;
    if (nodeIds.length === 0 && edgeIds.length === 0) return;
    const label = nodeIds.length ? `Delete ${plural(nodeIds.length, 'node')}` : `Delete ${plural(edgeIds.length, 'connection')}`;
    this.docs.apply(edits.removeElements(this.docs.doc, nodeIds, edgeIds), label);
    this.selection.clear();
  }

  deleteElements(nodeIds: readonly string[], edgeIds: readonly string[]): void {
    this.selection.set(nodeIds, edgeIds);
    this.deleteSelection();
  }

  /** Why this connection is refused, or undefined when it may be made. */
  connectionRefusal(from: PortRef, to: PortRef): string | undefined {
    return edits.connectionRefusal(this.docs.doc, CATALOG, from, to);
  }

  connect(from: PortRef, to: PortRef): boolean {
    const reason = this.connectionRefusal(from, to);
    if (reason) {
      this.toasts.show(`Cannot connect: ${reason}`, 'error');
      return false;
    }
    return this.docs.apply(edits.connect(this.docs.doc, from, to), `Connect ${from.node} → ${to.node}.${to.port}`);
  }

  moveNodes(positions: ReadonlyMap<string, edits.Point>): void {
    this.docs.apply(edits.moveNodes(this.docs.doc, positions), `Move ${plural(positions.size, 'node')}`);
  }

  setParam(nodeId: string, name: string, value: Parameters<typeof edits.setParam>[3], options: { coalesce?: boolean } = {}): void {
    this.docs.apply(edits.setParam(this.docs.doc, nodeId, name, value), `Edit ${nodeId}.${name}`, options.coalesce ? `param:${nodeId}:${name}` : undefined);
  }

  /**
   * Choose… on a `file` param: asks the host for a file with one of `extensions`, keeps its bytes
   * in the document's data files and sets the param to its name. Returns whether a file was set.
   */
  async chooseDataFile(nodeId: string, param: string, extensions: readonly string[]): Promise<boolean> {
    let picked;
    try {
      picked = await this.host.openDataFile(extensions);
    } catch (e) {
      this.toasts.show(`Could not open the file: ${(e as Error).message.replace(/^Error invoking remote method '[^']*': (?:\w*Error: )?/, '')}`, 'error');
      return false;
    }
    if (!picked) return false;
    // Files other params still name stay; this param's old file may make room.
    const keep = new Set(fileRefs(this.docs.doc, CATALOG).filter((r) => r.nodeId !== nodeId || r.param !== param).map((r) => r.path));
    const added = this.docs.dataFiles.add(picked.name, picked.bytes, keep);
    if (!added.ok) {
      this.toasts.show(added.message, 'error');
      return false;
    }
    this.setParam(nodeId, param, picked.name);
    this.toasts.show(`Loaded ${picked.name} (${formatMegabytes(picked.bytes.byteLength)})`, 'success');
    return true;
  }

  /** Saves a file a run produced (Download on an export, Save weights) through the host; a failure says why. */
  async saveDataFile(name: string, data: string | Uint8Array, mime: string): Promise<void> {
    try {
      await this.host.saveDataFile(name, data, mime);
    } catch (e) {
      this.toasts.show(`Could not save ${name}: ${(e as Error).message.replace(/^Error invoking remote method '[^']*': (?:\w*Error: )?/, '')}`, 'error');
    }
  }

  /**
   * "Use these weights" on a training: keeps the `.onnx` bytes in the document's data files under
   * `name` and sets the train node's `weights` param to it, so the next run loads them and skips
   * training. One undoable edit (the file stays in the store; undo only clears the param).
   */
  useTrainedWeights(nodeId: string, name: string, bytes: Uint8Array): boolean {
    const keep = new Set(fileRefs(this.docs.doc, CATALOG).filter((r) => r.nodeId !== nodeId || r.param !== 'weights').map((r) => r.path));
    const added = this.docs.dataFiles.add(name, bytes, keep);
    if (!added.ok) {
      this.toasts.show(added.message, 'error');
      return false;
    }
    this.docs.apply(edits.setParam(this.docs.doc, nodeId, 'weights', name), `Use trained weights ${name} in ${nodeId}`);
    this.toasts.show(`${nodeId} now loads ${name} (${formatMegabytes(bytes.byteLength)}): the next run skips its training`, 'success');
    return true;
  }

  renameNode(oldId: string, newId: string): boolean {
    const next = edits.renameNode(this.docs.doc, oldId, newId.trim());
    if (next === this.docs.doc) return false;
    this.docs.apply(next, `Rename ${oldId} to ${newId}`);
    this.selection.set(this.selection.nodeIds.map((id) => (id === oldId ? newId.trim() : id)));
    return true;
  }

  /** Renames the graph; keystrokes in a row are one undo step. */
  renameDocument(name: string): void {
    this.docs.apply(edits.renameDocument(this.docs.doc, name), 'Rename graph', 'doc-name');
  }

  selectAll(): void {
    this.selection.set(this.docs.doc.nodes.map((n) => n.id), this.docs.doc.edges.map((e) => e.id));
  }

  /** Selects a node and brings it into view (problems list, search). */
  reveal(nodeId: string): void {
    if (!this.docs.doc.nodes.some((n) => n.id === nodeId)) return;
    this.selection.set([nodeId]);
    this.canvas?.reveal(nodeId);
  }

  // ——— clipboard ———

  copy(): boolean {
    const payload = copySelection(this.docs.doc, this.selection.nodeIds);
    if (!payload) return false;
    sharedClipboard.write(payload);
    this.canPaste = true;
    this.#pasteCount = 0;
    this.toasts.show(`Copied ${plural(payload.nodes.length, 'node')}`);
    return true;
  }

  paste(): void {
    const payload = sharedClipboard.read();
    if (!payload) {
      this.toasts.show('Nothing to paste: copy nodes first (Ctrl+C)');
      return;
    }
    // Each paste of the same copy lands a little further along, so pastes do not pile up.
    this.#pasteCount++;
    this.#insert(payload, { x: PASTE_OFFSET.x * this.#pasteCount, y: PASTE_OFFSET.y * this.#pasteCount }, 'Paste');
  }

  duplicate(): void {
    const payload = copySelection(this.docs.doc, this.selection.nodeIds);
    if (payload) this.#insert(payload, PASTE_OFFSET, 'Duplicate');
  }

  #insert(payload: ClipboardPayload, offset: edits.Point, verb: string): void {
    const { doc, nodeIds } = pasteInto(this.docs.doc, payload, { offset });
    this.docs.apply(doc, `${verb} ${plural(nodeIds.length, 'node')}`);
    this.selection.set(nodeIds);
  }

  // ——— layout ———

  align(how: Alignment): void {
    const ids = this.selection.nodeIds;
    if (ids.length < 2 || !this.canvas) {
      this.toasts.show('Select two or more nodes to align them');
      return;
    }
    const moved = align(this.canvas.boxes(ids), how);
    if (moved.size) this.docs.apply(edits.moveNodes(this.docs.doc, moved), `Align ${plural(ids.length, 'node')}`);
  }

  // ——— run ———

  /**
   * Starts a run unless the graph has problems (then the problems list asks for attention), on
   * `backend` when given (Retry on CPU), else on the backend picked next to Run.
   */
  startRun(backend?: BackendChoice): void {
    const problems = this.docs.validation.problems;
    if (problems.length > 0) {
      this.problemsAttention++;
      this.toasts.show(`Fix ${plural(problems.length, 'problem')} before running`, 'error');
      return;
    }
    // A graph that only trains (no sampler yet) runs too: its Training tab shows the loss curve.
    if (!this.docs.doc.nodes.some((n) => CATALOG.get(n.type)?.role === 'solver' || isTrainType(n.type))) {
      this.toasts.show('Add a solver node to run the graph');
      return;
    }
    this.run.start(this.docs.doc, { backend, files: this.docs.dataFiles });
  }

  cancelRun(): void {
    this.run.cancel();
  }

  /** Drops selected ids that no longer exist (after undo / redo). */
  #pruneSelection(): void {
    const nodes = new Set(this.docs.doc.nodes.map((n) => n.id));
    const edges = new Set(this.docs.doc.edges.map((e) => e.id));
    this.selection.set(this.selection.nodeIds.filter((id) => nodes.has(id)), this.selection.edgeIds.filter((id) => edges.has(id)));
  }

  /**
   * A place near `near` (the middle of the view) where a new card overlaps no other: the first
   * free cell of a spiral of 24 px steps, so repeated adds line up instead of piling up.
   */
  #freeSpot(near: edits.Point): edits.Point {
    const size = { width: 232, height: 110 };
    const boxes = this.canvas?.boxes(this.docs.doc.nodes.map((n) => n.id)) ?? [];
    const start = { x: Math.round(near.x - size.width / 2), y: Math.round(near.y - size.height / 2) };
    const free = (p: edits.Point) =>
      boxes.every((b) => p.x + size.width + 16 <= b.x || b.x + b.width + 16 <= p.x || p.y + size.height + 16 <= b.y || b.y + b.height + 16 <= p.y);
    for (let ring = 0; ring < 40; ring++) {
      for (let dy = -ring; dy <= ring; dy++) {
        for (let dx = -ring; dx <= ring; dx++) {
          if (Math.max(Math.abs(dx), Math.abs(dy)) !== ring) continue;
          const p = { x: start.x + dx * 48, y: start.y + dy * 48 };
          if (free(p)) return p;
        }
      }
    }
    return start;
  }
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
