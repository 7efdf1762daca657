import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { trustedUrlCheck } from './ipc.ts';
import { realFs, tempDir } from './testing.ts';
import { ALLOWED_PERMISSIONS, documentWindowOptions, hardenSession, hardenWebContents, placeWindow, WindowBoundsStore, DEFAULT_BOUNDS, type HardenableContents, type HardenableSession } from './window.ts';

describe('document window', () => {
  it('BrowserWindow options carry the security settings', () => {
    const options = documentWindowOptions({ preload: '/app/dist/electron/preload.cjs', bounds: DEFAULT_BOUNDS, isDev: false });
    expect(options.webPreferences).toMatchObject({
      preload: '/app/dist/electron/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      devTools: false,
    });
    expect(documentWindowOptions({ preload: 'p', bounds: DEFAULT_BOUNDS, isDev: true }).webPreferences?.devTools).toBe(true);
  });

  it('denies navigation, new windows and webviews', () => {
    const listeners = new Map<string, (e: { preventDefault(): void }, url?: string) => void>();
    let openHandler: ((d: { url: string }) => { action: 'deny' }) | undefined;
    const contents: HardenableContents = {
      on: ((event: string, listener: (e: { preventDefault(): void }, url?: string) => void) => listeners.set(event, listener)) as HardenableContents['on'],
      setWindowOpenHandler: (h) => void (openHandler = h),
    };
    const openExternal = vi.fn();
    const renderer = 'file:///app/dist/renderer/index.html';
    hardenWebContents(contents, trustedUrlCheck(renderer), openExternal);
    const attempt = (event: string, url?: string) => {
      const e = { preventDefault: vi.fn() };
      listeners.get(event)!(e, url);
      return e.preventDefault.mock.calls.length > 0;
    };
    expect(attempt('will-navigate', 'https://evil.example/')).toBe(true);
    expect(attempt('will-navigate', 'file:///etc/passwd')).toBe(true);
    expect(attempt('will-redirect', 'https://evil.example/')).toBe(true);
    expect(attempt('will-navigate', renderer)).toBe(false); // a reload
    expect(attempt('will-attach-webview')).toBe(true);
    expect(openHandler!({ url: 'https://example.org/docs' })).toEqual({ action: 'deny' });
    expect(openExternal).toHaveBeenCalledWith('https://example.org/docs');
    expect(openHandler!({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    expect(openExternal).toHaveBeenCalledTimes(1);
  });

  it('denies permissions and remote requests', () => {
    let request: Parameters<HardenableSession['setPermissionRequestHandler']>[0] | undefined;
    let check: Parameters<HardenableSession['setPermissionCheckHandler']>[0] | undefined;
    let before: ((d: { url: string }, cb: (r: { cancel: boolean }) => void) => void) | undefined;
    hardenSession(
      { setPermissionRequestHandler: (h) => void (request = h), setPermissionCheckHandler: (h) => void (check = h), webRequest: { onBeforeRequest: (_f, l) => void (before = l) } },
      () => false,
    );
    for (const permission of ['media', 'geolocation', 'notifications', 'openExternal']) {
      const cb = vi.fn();
      request!(null, permission, cb);
      expect(cb).toHaveBeenCalledWith(false);
      expect(check!(null, permission)).toBe(false);
    }
    expect([...ALLOWED_PERMISSIONS]).toEqual(['clipboard-sanitized-write']);
    const cb = vi.fn();
    before!({ url: 'https://cdn.example/x.js' }, cb);
    expect(cb).toHaveBeenCalledWith({ cancel: true });
  });

  it('remembers bounds and keeps them on a screen that exists', async () => {
    const store = new WindowBoundsStore(realFs, join(await tempDir(), 'state', 'window-state.json'));
    expect(await store.load()).toEqual(DEFAULT_BOUNDS);
    await store.save({ x: 10, y: 20, width: 1000, height: 700, maximized: true });
    expect(await store.load()).toEqual({ x: 10, y: 20, width: 1000, height: 700, maximized: true });
    const screen = [{ x: 0, y: 0, width: 1920, height: 1080 }];
    expect(placeWindow({ x: 10, y: 20, width: 1000, height: 700 }, screen, 1)).toMatchObject({ x: 34, y: 44 });
    expect(placeWindow({ x: 5000, y: 20, width: 1000, height: 700 }, screen, 0)).toMatchObject({ x: 40, y: 40 });
  });
});
