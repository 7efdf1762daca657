/**
 * Which backend a run uses: the user's choice (auto / WebGPU / CPU, remembered across sessions)
 * and the worker's decision from it and what WebGPU the browser offers. Plain TypeScript, no
 * WebGPU globals, so it is tested in Node.
 */

/** What the user can pick next to Run. */
export const BACKEND_CHOICES = ['auto', 'webgpu', 'cpu'] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];

/** Labels of the picker. */
export const BACKEND_LABELS: Record<BackendChoice, string> = { auto: 'Auto', webgpu: 'WebGPU', cpu: 'CPU' };

/** What each choice means, for the picker's tooltip. */
export const BACKEND_HINTS: Record<BackendChoice, string> = {
  auto: 'WebGPU on a hardware GPU, otherwise the CPU',
  webgpu: 'Always WebGPU, even on a software adapter; fails when the browser has none',
  cpu: 'Always the CPU backend',
};

/** The localStorage entry holding the choice. */
export const BACKEND_STORAGE_KEY = 'sde-studio.backend';

/** A stored or posted value as a choice; anything unknown is 'auto'. */
export function parseBackendChoice(value: unknown): BackendChoice {
  return (BACKEND_CHOICES as readonly unknown[]).includes(value) ? (value as BackendChoice) : 'auto';
}

/** The remembered choice; 'auto' when none is stored or storage is unavailable. */
export function loadBackendChoice(storage: Pick<Storage, 'getItem'> | undefined): BackendChoice {
  try {
    return parseBackendChoice(storage?.getItem(BACKEND_STORAGE_KEY));
  } catch {
    return 'auto';
  }
}

/** Remembers the choice; a full or blocked storage only loses the memory, not the choice. */
export function saveBackendChoice(storage: Pick<Storage, 'setItem'> | undefined, choice: BackendChoice): void {
  try {
    storage?.setItem(BACKEND_STORAGE_KEY, choice);
  } catch {
    // Private mode or quota: the choice still holds for this session.
  }
}

/** What the run worker found out about WebGPU. */
export type WebGpuProbe =
  | { available: true; /** e.g. 'google swiftshader' */ adapter: string; software: boolean }
  | { available: false; /** why not, in words that follow 'auto: ', e.g. 'navigator.gpu is missing (…)' */ why: string };

/** The backend a run uses and why, or why the requested one cannot run. */
export type BackendDecision = { name: 'webgpu' | 'cpu'; reason: string } | { error: string };

/**
 * Decides the backend: `cpu` → the CPU; `webgpu` → WebGPU on any adapter, software included, or an
 * error that says why there is none; `auto` → WebGPU on a hardware adapter, else the CPU (a
 * software adapter such as SwiftShader runs the kernels on the CPU, slower than the CPU backend).
 *
 * @param probe what WebGPU offers; unused (may be null) for `cpu`
 */
export function decideBackend(choice: BackendChoice, probe: WebGpuProbe | null): BackendDecision {
  if (choice === 'cpu') return { name: 'cpu', reason: 'requested' };
  if (!probe || !probe.available) {
    const why = probe && !probe.available ? probe.why : 'not probed';
    if (choice === 'webgpu') return { error: `WebGPU is not available in this browser: ${why}; choose CPU` };
    return { name: 'cpu', reason: `auto: ${why}` };
  }
  if (choice === 'webgpu') {
    return {
      name: 'webgpu',
      reason: probe.software ? `requested; software adapter (${probe.adapter}), slower than the CPU` : `requested; adapter ${probe.adapter}`,
    };
  }
  if (probe.software) return { name: 'cpu', reason: `auto: only a software WebGPU adapter (${probe.adapter}); the CPU is faster` };
  return { name: 'webgpu', reason: `auto: GPU adapter (${probe.adapter})` };
}

/**
 * The backend whose cached results a run with this choice may reuse: the choice itself, or for
 * `auto` what `auto` last resolved to (undefined before it has: reuse nothing).
 */
export function cacheBackend(choice: BackendChoice, autoResolved: string | undefined): string | undefined {
  return choice === 'auto' ? autoResolved : choice;
}
