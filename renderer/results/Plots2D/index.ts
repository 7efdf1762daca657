export { default as Plots2D } from './Plots2D.svelte';
export { default as PlotCanvas } from './PlotCanvas.svelte';
export * from './draw.ts';
