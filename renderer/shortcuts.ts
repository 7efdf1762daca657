/**
 * Keyboard shortcuts of the editor. Ctrl stands for Cmd on macOS. Shortcuts that act on the canvas
 * selection (copy, paste, delete, select all) are left to text fields while one has focus.
 */
import type { Editor } from './state/editor.svelte.ts';

/** Handles a keydown at window level; returns true when it used the event. */
export function handleShortcut(e: KeyboardEvent, editor: Editor): boolean {
  const mod = e.ctrlKey || e.metaKey;
  const key = e.key.toLowerCase();
  const typing = isTextField(e.target);
  const act = (fn: () => void) => {
    e.preventDefault();
    fn();
    return true;
  };
  if (mod && key === 'enter') return act(() => editor.startRun());
  if (mod && key === 's') return act(() => void (e.shiftKey ? editor.files.saveAs() : editor.files.save()));
  if (mod && key === 'o') return act(() => void editor.files.open());
  // Undo / redo go to the document history even inside a param field: fields show the document.
  if (mod && key === 'z') return act(() => (e.shiftKey ? editor.redo() : editor.undo()));
  if (mod && key === 'y') return act(() => editor.redo());
  if (typing || e.altKey) return false;
  if (mod && key === 'c') return editor.copy() ? (e.preventDefault(), true) : false;
  if (mod && key === 'x') return editor.copy() ? (e.preventDefault(), editor.deleteSelection(), true) : false;
  if (mod && key === 'v') return act(() => editor.paste());
  if (mod && key === 'd') return act(() => editor.duplicate());
  if (mod && key === 'a') return act(() => editor.selectAll());
  // Delete / Backspace are Svelte Flow's delete keys; the canvas hands them to the editor.
  if (!mod && !e.shiftKey && key === 'f') return act(() => editor.canvas?.fitView());
  return false;
}

/** True for inputs, text areas, selects and editable content, where keys mean text. */
export function isTextField(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  return target instanceof HTMLInputElement && !['checkbox', 'radio', 'button', 'range', 'submit', 'reset', 'file'].includes(target.type);
}
