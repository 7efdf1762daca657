export { default as ExamplesDialog } from './ExamplesDialog.svelte';
