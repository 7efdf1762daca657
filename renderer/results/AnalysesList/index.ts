export { default as AnalysesList } from './AnalysesList.svelte';
export { sparklinePath, summarize } from './sparkline.ts';
