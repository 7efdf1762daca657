export { default as PlanView } from './PlanView.svelte';
