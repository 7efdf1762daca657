/**
 * Undo / redo over immutable snapshots. Every edit produces a new document value (unchanged
 * nodes and edges are shared), and the history keeps the values themselves, so undoing restores
 * exactly the object that was there before: the file bytes come back unchanged by construction.
 *
 * Consecutive edits with the same `coalesce` key (typing in one field) merge into one step.
 */

/** One undoable step: the value before it and a label for the Edit menu ("Undo Move 2 nodes"). */
interface Step<T> {
  before: T;
  after: T;
  label: string;
  coalesce?: string;
}

/** A value with its past and future. Plain TypeScript; the Svelte store wraps it in $state. */
export class History<T> {
  private undoStack: Step<T>[] = [];
  private redoStack: Step<T>[] = [];
  #present: T;

  /** @param limit steps kept; older ones fall off (their snapshots are then garbage). */
  constructor(initial: T, private readonly limit = 500) {
    this.#present = initial;
  }

  get present(): T {
    return this.#present;
  }

  get canUndo(): boolean {
    return this.undoStack.length > 0;
  }

  get canRedo(): boolean {
    return this.redoStack.length > 0;
  }

  /** Label of the step Undo would revert, e.g. "Move 2 nodes". */
  get undoLabel(): string | undefined {
    return this.undoStack.at(-1)?.label;
  }

  get redoLabel(): string | undefined {
    return this.redoStack.at(-1)?.label;
  }

  /**
   * Records `next` as the new present. Returns false (and records nothing) when `next` is the
   * present itself, so edits that change nothing do not make empty undo steps.
   */
  push(next: T, label: string, coalesce?: string): boolean {
    if (next === this.#present) return false;
    const top = this.undoStack.at(-1);
    if (coalesce !== undefined && top?.coalesce === coalesce && this.redoStack.length === 0) {
      top.after = next;
      // Typing back to the original text leaves no step behind.
      if (top.before === next) this.undoStack.pop();
    } else {
      this.undoStack.push({ before: this.#present, after: next, label, coalesce });
      if (this.undoStack.length > this.limit) this.undoStack.shift();
    }
    this.redoStack = [];
    this.#present = next;
    return true;
  }

  /** Ends coalescing: the next edit starts a new step even with the same key (e.g. on blur). */
  seal(): void {
    const top = this.undoStack.at(-1);
    if (top) top.coalesce = undefined;
  }

  undo(): boolean {
    const step = this.undoStack.pop();
    if (!step) return false;
    step.coalesce = undefined;
    this.redoStack.push(step);
    this.#present = step.before;
    return true;
  }

  redo(): boolean {
    const step = this.redoStack.pop();
    if (!step) return false;
    this.undoStack.push(step);
    this.#present = step.after;
    return true;
  }

  /** Forgets every step and starts over from `value` (New, Open). */
  reset(value: T): void {
    this.undoStack = [];
    this.redoStack = [];
    this.#present = value;
  }
}
