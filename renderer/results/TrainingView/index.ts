export { default as TrainingView } from './TrainingView.svelte';
