/**
 * Picks the host at start-up: the Electron host when the preload's bridge exists, else the web host.
 */
import { createElectronHost } from './electron.ts';
import type { Host } from './types.ts';
import { createWebHost, type WebHostOptions } from './web.ts';

export function createHost(options: WebHostOptions = {}): Host {
  const bridge = typeof window !== 'undefined' ? window.sdeStudio : undefined;
  return bridge ? createElectronHost(bridge) : createWebHost(options);
}
