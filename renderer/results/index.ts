export { default as ResultsPanel } from './ResultsPanel.svelte';
