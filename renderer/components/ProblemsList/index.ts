export { default as ProblemsList } from './ProblemsList.svelte';
