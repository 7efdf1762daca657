export { default as NodeCard } from './NodeCard.svelte';
export { nodeStatus, type NodeStatus } from './status.ts';
