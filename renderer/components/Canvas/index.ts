export { default as Canvas } from './Canvas.svelte';
export { PALETTE_MIME } from './dnd.ts';
