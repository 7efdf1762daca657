export { default as RestoreBanner } from './RestoreBanner.svelte';
