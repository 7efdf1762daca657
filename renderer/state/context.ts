/** The editor in Svelte context: set once by App.svelte, read by every component below it. */
import { getContext, setContext } from 'svelte';
import type { Editor } from './editor.svelte.ts';

const KEY = Symbol('sde-studio.editor');

export function provideEditor(editor: Editor): Editor {
  return setContext(KEY, editor);
}

/** The editor of the enclosing App; throws when a component is used outside it. */
export function useEditor(): Editor {
  const editor = getContext<Editor | undefined>(KEY);
  if (!editor) {
    throw new Error('useEditor(): no editor in context. Render this component inside <App> (renderer/App.svelte), which calls provideEditor().');
  }
  return editor;
}
