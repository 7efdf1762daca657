/**
 * The preload (sandboxed, CommonJS at run time): exposes the contract's bridge as
 * `window.sdeStudio` and nothing else — only contract channels, no raw ipcRenderer.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { BRIDGE_NAME, EVENT_CHANNELS, INVOKE_CHANNELS, type EventArgs, type EventChannel, type SdeStudioBridge } from './ipc/contract.ts';

// Files handed to this window before the renderer subscribed are kept until it does.
const pending = new Map<EventChannel, unknown[][]>([['file:opened', []]]);
type Listener = (...args: unknown[]) => void;
const listeners = new Map<EventChannel, Set<Listener>>();
for (const channel of EVENT_CHANNELS) {
  listeners.set(channel, new Set());
  ipcRenderer.on(channel, (_event: IpcRendererEvent, ...args: unknown[]) => {
    const set = listeners.get(channel)!;
    if (set.size === 0) pending.get(channel)?.push(args);
    for (const listener of set) listener(...args);
  });
}

const bridge: SdeStudioBridge = {
  invoke(channel, ...args) {
    if (!INVOKE_CHANNELS.includes(channel)) return Promise.reject(new Error(`Unknown channel ${String(channel)}`));
    return ipcRenderer.invoke(channel, ...args);
  },
  on<E extends EventChannel>(channel: E, listener: (...args: EventArgs<E>) => void) {
    const set = listeners.get(channel);
    if (!set) throw new Error(`Unknown event channel ${String(channel)}`);
    const untyped = listener as unknown as Listener;
    set.add(untyped);
    const queued = pending.get(channel);
    if (queued?.length) for (const args of queued.splice(0)) untyped(...args);
    return () => void set.delete(untyped);
  },
  platform: process.platform,
};

contextBridge.exposeInMainWorld(BRIDGE_NAME, bridge);
