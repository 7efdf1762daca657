export { default as Toasts } from './Toasts.svelte';
