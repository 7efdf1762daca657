export { default as Trajectories3D } from './Trajectories3D.svelte';
export { TrajectoryScene, type SceneOptions } from './scene.ts';
export * from './axes.ts';
