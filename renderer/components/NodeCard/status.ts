import type { NodeRunStatus } from '../../run/types.ts';

/** What a node's badge says. */
export type NodeStatus = 'ok' | 'invalid' | 'running' | 'done' | 'error';

export const STATUS_LABELS: Record<NodeStatus, string> = {
  ok: 'ok',
  invalid: 'invalid',
  running: 'running',
  done: 'done',
  error: 'error',
};

/**
 * The badge of a node: a run in progress shows first; then problems of the current document
 * (they outrank the result of an earlier run); then how the last run ended.
 */
export function nodeStatus(run: NodeRunStatus | undefined, problemCount: number): NodeStatus {
  if (run === 'running') return 'running';
  if (problemCount > 0) return 'invalid';
  if (run === 'error') return 'error';
  if (run === 'done') return 'done';
  return 'ok';
}
