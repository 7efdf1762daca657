export { default as Menu } from './Menu.svelte';
export type { MenuEntry } from './types.ts';
